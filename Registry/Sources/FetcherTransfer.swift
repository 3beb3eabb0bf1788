// One libcurl easy handle driving attempts of one download: options, the write callback that
// hashes, counts and stores the bytes, and the reading of curl's result into a FetchError.
import CCurl
import Glibc

/// Where received bytes go: an open file, or memory for small files.
enum FetcherSink {
    case file(Int32)
    case memory
}

/// Everything the C write callback touches, handed to it as an unretained opaque pointer.
final class FetcherTransferState {
    let sink: FetcherSink
    let maxBytes: UInt64?
    let progress: ((UInt64, UInt64?) -> Void)?
    private(set) var digest: SHA256Stream
    var memory: [UInt8] = []
    var bytes: UInt64 = 0
    var total: UInt64?
    var statusChecked = false
    var exceeded = false
    var writeErrno: Int32 = 0
    let handle: UnsafeMutableRawPointer

    init(handle: UnsafeMutableRawPointer, sink: FetcherSink, maxBytes: UInt64?,
         progress: ((UInt64, UInt64?) -> Void)?) throws {
        digest = try SHA256Stream()
        self.handle = handle
        self.sink = sink
        self.maxBytes = maxBytes
        self.progress = progress
    }

    func reset() throws {
        digest = try SHA256Stream()
        memory.removeAll(keepingCapacity: true)
        bytes = 0
        total = nil
        statusChecked = false
        exceeded = false
        writeErrno = 0
    }

    /// Returns how many bytes were taken; anything else makes libcurl abort the transfer.
    func receive(_ buffer: UnsafeMutablePointer<CChar>, _ count: Int) -> Int {
        if !statusChecked {
            statusChecked = true
            // An error page is not the file: stop at its first byte (the status and Retry-After
            // are already known). Redirect bodies never reach here when curl follows them.
            var status = 0
            ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            if status >= 300 { return 0 }
            var length: curl_off_t = -1
            ccurl_getinfo_off_t(handle, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length)
            total = length >= 0 ? UInt64(length) : nil
        }
        if let maxBytes, bytes + UInt64(count) > maxBytes { exceeded = true; return 0 }
        switch sink {
        case .file(let fd):
            var offset = 0
            while offset < count {
                let n = write(fd, buffer + offset, count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    writeErrno = errno
                    return 0
                }
                offset += n
            }
        case .memory:
            buffer.withMemoryRebound(to: UInt8.self, capacity: count) {
                memory.append(contentsOf: UnsafeBufferPointer(start: $0, count: count))
            }
        }
        digest.update(UnsafeRawBufferPointer(start: buffer, count: count))
        bytes += UInt64(count)
        progress?(bytes, total)
        return count
    }
}

/// File scope and capture-free, so it is safe on whatever thread libcurl calls it: a `@convention(c)`
/// closure written inside actor-isolated code compiles but traps when called from another thread.
private let fetcherWriteCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    buffer, size, count, user in
    guard let buffer, let user else { return 0 }
    return Unmanaged<FetcherTransferState>.fromOpaque(user).takeUnretainedValue().receive(buffer, size * count)
}

/// libcurl's global state, set up once: Swift runs a global's initializer exactly once, thread-safely.
private let fetcherCurlReady: CURLcode = curl_global_init(Int(CURL_GLOBAL_SSL))

/// How one attempt ended.
enum FetcherAttempt {
    case done
    case failed(FetchError, retryable: Bool, retryAfter: Double?)
}

/// One easy handle with the fetch options applied; used for every attempt of one fetch.
final class FetcherTransfer {
    let url: String
    let displayName: String
    let options: FetchOptions
    let handle: UnsafeMutableRawPointer
    let state: FetcherTransferState
    /// libcurl writes its detailed message here; it must outlive every perform, hence not an Array.
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    init(url: String, displayName: String, options: FetchOptions, sink: FetcherSink,
         maxBytes: UInt64?, progress: ((UInt64, UInt64?) -> Void)?) throws(FetchError) {
        guard fetcherCurlReady == CURLE_OK, let handle = curl_easy_init() else {
            errorBuffer.deallocate()
            throw .setup(url: displayName, message: "libcurl could not be initialised")
        }
        self.url = url
        self.displayName = displayName
        self.options = options
        self.handle = handle
        do {
            state = try FetcherTransferState(handle: handle, sink: sink, maxBytes: maxBytes, progress: progress)
        } catch {
            curl_easy_cleanup(handle)
            errorBuffer.deallocate()
            throw .setup(url: displayName, message: "\(error)")
        }
        errorBuffer[0] = 0
        try configure(maxBytes: maxBytes)
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    private func configure(maxBytes: UInt64?) throws(FetchError) {
        var codes: [CURLcode] = [
            ccurl_setopt_string(handle, CURLOPT_URL, url),
            ccurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "file,http,https"),
            ccurl_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"),
            ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 1),
            ccurl_setopt_long(handle, CURLOPT_MAXREDIRS, options.maxRedirects),
            ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1),   // no SIGALRM in a threaded host
            ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(options.connectTimeout)),
            ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(options.totalTimeout)),
            ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, options.lowSpeedBytesPerSecond),
            ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, options.lowSpeedSeconds),
            ccurl_setopt_long(handle, CURLOPT_BUFFERSIZE, 256 * 1024),   // fewer callbacks for big bundles
            ccurl_setopt_string(handle, CURLOPT_USERAGENT, options.userAgent),
            ccurl_setopt_write_function(handle, fetcherWriteCallback),
            ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(state).toOpaque()),
            ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer),
        ]
        if let caBundlePath = options.caBundlePath {
            codes.append(ccurl_setopt_string(handle, CURLOPT_CAINFO, caBundlePath))
        }
        if let maxBytes, maxBytes < UInt64(Int64.max) {
            // Refused before the body starts when the server announces a larger Content-Length.
            codes.append(ccurl_setopt_off_t(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(maxBytes)))
        }
        if let bad = codes.first(where: { $0 != CURLE_OK }) {
            throw .unsupported(url: displayName, message: String(cString: curl_easy_strerror(bad)))
        }
    }

    private static func milliseconds(_ seconds: Double) -> Int { Int((seconds * 1000).rounded()) }

    /// Forgets a failed attempt: a retry downloads and hashes from the first byte again.
    func reset() throws(FetchError) {
        do { try state.reset() } catch { throw .setup(url: displayName, message: "\(error)") }
    }

    /// Runs one attempt; `reset()` before running another.
    func perform() -> FetcherAttempt {
        errorBuffer[0] = 0
        let code = withExtendedLifetime(state) { curl_easy_perform(handle) }
        return classify(code)
    }

    private func classify(_ code: CURLcode) -> FetcherAttempt {
        if state.writeErrno != 0 {
            return .failed(.localFile(path: displayName, message: String(cString: strerror(state.writeErrno))),
                           retryable: false, retryAfter: nil)
        }
        // The status comes first: an error page is never "too large", it is the error.
        var status = 0
        ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        if status >= 300 && code != CURLE_TOO_MANY_REDIRECTS {
            return httpFailure(status)
        }
        if state.exceeded || code == CURLE_FILESIZE_EXCEEDED {
            return .failed(.tooLarge(url: displayName, limit: state.maxBytes ?? 0), retryable: false, retryAfter: nil)
        }
        if code == CURLE_TOO_MANY_REDIRECTS {
            return .failed(.tooManyRedirects(url: displayName, limit: options.maxRedirects), retryable: false, retryAfter: nil)
        }
        switch code {
        case CURLE_OK:
            return .done
        case CURLE_OPERATION_TIMEDOUT:
            return .failed(timeout(), retryable: true, retryAfter: nil)
        case CURLE_FILE_COULDNT_READ_FILE:
            return .failed(.notFound(url: displayName), retryable: false, retryAfter: nil)
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return .failed(.unsupported(url: displayName, message: message(code)), retryable: false, retryAfter: nil)
        case CURLE_COULDNT_CONNECT, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_RECV_ERROR,
             CURLE_SEND_ERROR, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            // The server or the path to it hiccuped: worth another try.
            return .failed(.network(url: displayName, message: message(code)), retryable: true, retryAfter: nil)
        default:
            return .failed(.network(url: displayName, message: message(code)), retryable: false, retryAfter: nil)
        }
    }

    private func httpFailure(_ status: Int) -> FetcherAttempt {
        switch status {
        case 404, 410:
            return .failed(.notFound(url: displayName), retryable: false, retryAfter: nil)
        case 408, 429, 500...599:
            var after: curl_off_t = 0
            ccurl_getinfo_off_t(handle, CURLINFO_RETRY_AFTER, &after)
            return .failed(.http(status: status, url: displayName), retryable: true,
                           retryAfter: after > 0 ? Double(after) : nil)
        default:
            return .failed(.http(status: status, url: displayName), retryable: false, retryAfter: nil)
        }
    }

    /// Which of the three limits ran out, from what curl measured.
    private func timeout() -> FetchError {
        var connected: curl_off_t = 0
        var elapsed: curl_off_t = 0
        ccurl_getinfo_off_t(handle, CURLINFO_CONNECT_TIME_T, &connected)
        ccurl_getinfo_off_t(handle, CURLINFO_TOTAL_TIME_T, &elapsed)
        let seconds = Double(elapsed) / 1_000_000
        if options.totalTimeout > 0 && seconds >= options.totalTimeout * 0.95 {
            return .timeout(url: displayName, seconds: options.totalTimeout, limit: .total)
        }
        if connected == 0 && !url.hasPrefix("file:") {
            return .timeout(url: displayName, seconds: options.connectTimeout, limit: .connect)
        }
        return .timeout(url: displayName, seconds: Double(options.lowSpeedSeconds), limit: .stalled)
    }

    private func message(_ code: CURLcode) -> String {
        let detail = String(cString: errorBuffer)
        return detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
    }
}
