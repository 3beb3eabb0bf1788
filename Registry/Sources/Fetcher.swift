// Downloads a file from a folder path, a file:// URL or an http(s):// URL with libcurl, hashing it
// (SHA-256) as it streams, retrying transient failures with backoff. Synchronous: call it from a
// thread that may block (never an event loop).
import Foundation
import Glibc

/// What a finished download produced.
public struct FetchResult: Sendable, Equatable {
    public let bytes: UInt64
    /// Lowercase hex SHA-256 of exactly the bytes written.
    public let sha256: String
}

public struct Fetcher: Sendable {
    public let options: FetchOptions

    public init(options: FetchOptions = FetchOptions()) {
        self.options = options
    }

    /// Downloads `source` to `path` through a temporary file beside it that is renamed into place
    /// on success and removed on failure. `progress` gets (bytes so far, total when announced); it
    /// starts again from zero when an attempt is retried.
    public func fetch(_ source: String, to path: String,
                      progress: ((UInt64, UInt64?) -> Void)? = nil) throws(FetchError) -> FetchResult {
        let temporary = try Self.makeTemporary(beside: path)
        var renamed = false
        defer {
            close(temporary.fd)
            if !renamed { unlink(temporary.path) }
        }
        let transfer = try FetcherTransfer(url: Self.url(for: source), displayName: source, options: options,
                                           sink: .file(temporary.fd), maxBytes: options.maxBytes, progress: progress)
        try run(transfer) { () throws(FetchError) in
            guard ftruncate(temporary.fd, 0) == 0, lseek(temporary.fd, 0, SEEK_SET) == 0 else {
                throw .localFile(path: temporary.path, message: String(cString: strerror(errno)))
            }
        }
        let result = FetchResult(bytes: transfer.state.bytes, sha256: transfer.state.digest.finalizeHex())
        progress?(result.bytes, result.bytes)
        // Downloads are public artifacts (a mirror serves them), not secrets.
        fchmod(temporary.fd, 0o644)
        guard rename(temporary.path, path) == 0 else {
            throw .localFile(path: path, message: String(cString: strerror(errno)))
        }
        renamed = true
        return result
    }

    /// Reads a small file (an index, a signature) into memory; larger than `maxBytes` is an error.
    public func fetchData(_ source: String, maxBytes: UInt64 = 16 << 20) throws(FetchError) -> Data {
        let limit = min(maxBytes, options.maxBytes ?? maxBytes)
        let transfer = try FetcherTransfer(url: Self.url(for: source), displayName: source, options: options,
                                           sink: .memory, maxBytes: limit, progress: nil)
        try run(transfer) {}
        return Data(transfer.state.memory)
    }

    /// Attempts the transfer until it succeeds, fails for good, or runs out of retries.
    private func run(_ transfer: FetcherTransfer, beforeRetry: () throws(FetchError) -> Void) throws(FetchError) {
        var retry = 0
        while true {
            switch transfer.perform() {
            case .done:
                return
            case .failed(let error, let retryable, let retryAfter):
                guard retryable, retry < options.maxRetries else { throw error }
                retry += 1
                let delay = pause(retry: retry, retryAfter: retryAfter)
                if delay > 0 { Thread.sleep(forTimeInterval: delay) }
                try transfer.reset()
                try beforeRetry()
            }
        }
    }

    /// Seconds before retry number `retry` (1-based): the server's Retry-After when it sent one,
    /// else exponential, both capped; jitter over the upper half so that many hosts retrying the
    /// same registry spread out but never retry at once.
    func pause(retry: Int, retryAfter: Double?) -> Double {
        if let retryAfter { return min(retryAfter, options.maxBackoff) }
        let ceiling = min(options.maxBackoff, options.initialBackoff * pow(2, Double(retry - 1)))
        return ceiling / 2 + Double.random(in: 0...(ceiling / 2))
    }

    /// A plain path (absolute or relative) becomes a file:// URL, percent-encoded.
    static func url(for source: String) -> String {
        if source.contains("://") { return source }
        return URL(fileURLWithPath: source).standardizedFileURL.absoluteString
    }

    /// A private file in the destination's folder, so the final rename stays on one filesystem.
    private static func makeTemporary(beside path: String) throws(FetchError) -> (fd: Int32, path: String) {
        let url = URL(fileURLWithPath: path)
        let template = url.deletingLastPathComponent().path + "/." + url.lastPathComponent + ".part-XXXXXX"
        var bytes = Array(template.utf8CString)
        let fd = bytes.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw .localFile(path: path, message: String(cString: strerror(errno))) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)   // not inherited by drivers' or tools' child processes
        return (fd, bytes.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
    }
}
