// One libcurl transfer on a pooled easy handle: options, body in, body and Retry-After out, and a
// progress callback that aborts when the call is cancelled or passes its deadline.
import CCurl
import Foundation
import SpiderDriverKit

/// What the C callbacks touch, handed to them as an unretained opaque pointer.
final class CurlTransferState {
    var body: [UInt8] = []
    var retryAfter: Int?
    /// The kept response headers (`HTTPOptions.keptHeaders`).
    var headers: [String: String] = [:]
    let keptHeaders: Set<String>
    let context: CallContext?
    var cancelled = false
    /// A download's file: the body goes there and only its start (for an error's message) to `body`.
    let sink: Int32?
    var sinkErrno: Int32 = 0
    static let keptPrefix = 512

    init(context: CallContext?, sink: Int32?, keptHeaders: Set<String>) {
        self.context = context
        self.sink = sink
        self.keptHeaders = keptHeaders
    }

    /// Takes one chunk of the body; false stops the transfer (the file could not be written).
    func receive(_ chunk: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let sink else { body.append(contentsOf: chunk); return true }
        if body.count < Self.keptPrefix { body.append(contentsOf: chunk.prefix(Self.keptPrefix - body.count)) }
        var offset = 0
        while offset < chunk.count {
            let n = write(sink, chunk.baseAddress! + offset, chunk.count - offset)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { sinkErrno = n < 0 ? errno : EIO; return false }
            offset += n
        }
        return true
    }

    func header(_ line: String) {
        let parts = line.split(separator: ":", maxSplits: 1)
        guard parts.count == 2 else { return }
        let name = parts[0].lowercased()
        let value = parts[1].trimmingCharacters(in: .whitespacesAndNewlines)
        if name == "retry-after" { retryAfter = Int(value) }
        if keptHeaders.contains(name) { headers[name] = value }
    }
}

private let writeCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    buffer, size, count, user in
    guard let buffer, let user else { return 0 }
    let state = Unmanaged<CurlTransferState>.fromOpaque(user).takeUnretainedValue()
    let taken = buffer.withMemoryRebound(to: UInt8.self, capacity: size * count) {
        state.receive(UnsafeBufferPointer(start: $0, count: size * count))
    }
    return taken ? size * count : 0
}

private let headerCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    buffer, size, count, user in
    guard let buffer, let user else { return 0 }
    let state = Unmanaged<CurlTransferState>.fromOpaque(user).takeUnretainedValue()
    let line = buffer.withMemoryRebound(to: UInt8.self, capacity: size * count) {
        String(decoding: UnsafeBufferPointer(start: $0, count: size * count), as: UTF8.self)
    }
    state.header(line)
    return size * count
}

/// Non-zero aborts the transfer (CURLE_ABORTED_BY_CALLBACK).
private let progressCallback: @convention(c) (UnsafeMutableRawPointer?, curl_off_t, curl_off_t, curl_off_t, curl_off_t) -> Int32 = {
    user, _, _, _, _ in
    guard let user else { return 0 }
    let state = Unmanaged<CurlTransferState>.fromOpaque(user).takeUnretainedValue()
    if state.context?.isCancelled == true { state.cancelled = true; return 1 }
    return 0
}

/// libcurl's global state, set up once (Swift runs a global's initializer once, thread-safely).
let curlGlobalReady: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

enum CurlTransfer {
    static let downloadStallSeconds = 30

    /// Runs `request` on `handle` (reset first; its connection cache survives the reset). With a
    /// `sink`, the body is written to that file, the download's own time limit applies and a
    /// transfer with no byte for `downloadStallSeconds` fails as timed out.
    static func perform(_ handle: UnsafeMutableRawPointer, _ request: HTTPRequest, options: HTTPOptions,
                        context: CallContext?, sink: Int32? = nil) throws -> HTTPResponse {
        curl_easy_reset(handle)
        let state = CurlTransferState(context: context, sink: sink, keptHeaders: options.keptHeaders)
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }
        errorBuffer[0] = 0
        var headerList: UnsafeMutablePointer<curl_slist>?
        // No "Expect: 100-continue" round trip; no Accept header curl would add unsigned.
        for line in request.headers.map({ "\($0.name): \($0.value)" }) + ["Expect:", "Accept:"] {
            headerList = curl_slist_append(headerList, line)
        }
        defer { curl_slist_free_all(headerList) }

        var totalMs = sink == nil ? options.totalTimeoutMs : options.downloadTimeoutMs
        if let remaining = context?.deadlineRemainingMs, remaining < Int64(totalMs) {
            if remaining <= 0 { throw HTTPFailure.cancelled }
            totalMs = Int(remaining)
        }
        let user = Unmanaged.passUnretained(state).toOpaque()
        var codes: [CURLcode] = [
            ccurl_setopt_string(handle, CURLOPT_URL, request.url),
            ccurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"),
            ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1),   // no SIGALRM in a threaded host
            ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, options.connectTimeoutMs),
            ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, totalMs),
            ccurl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1),
            ccurl_setopt_string(handle, CURLOPT_USERAGENT, options.userAgent),
            ccurl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, ""),   // whatever curl can decode
            ccurl_setopt_pointer(handle, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headerList)),
            ccurl_setopt_write_function(handle, writeCallback),
            ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, user),
            ccurl_setopt_pointer(handle, CURLOPT_HEADERFUNCTION, unsafeBitCast(headerCallback, to: UnsafeMutableRawPointer.self)),
            ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, user),
            ccurl_setopt_xferinfo_function(handle, progressCallback),
            ccurl_setopt_pointer(handle, CURLOPT_XFERINFODATA, user),
            ccurl_setopt_long(handle, CURLOPT_NOPROGRESS, 0),
            ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer),
        ]
        if sink != nil {
            codes.append(ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1))
            codes.append(ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, Self.downloadStallSeconds))
        }
        // A body goes as POST's fields; another method with a body (PUT, PATCH) keeps them and
        // renames the request.
        if request.method == "POST" || (request.method != "GET" && !request.body.isEmpty) {
            codes.append(ccurl_setopt_long(handle, CURLOPT_POST, 1))
            codes.append(ccurl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
            codes.append(request.body.withUnsafeBytes {
                ccurl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!))
            })
        }
        if request.method != "GET" && request.method != "POST" {
            codes.append(ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method))
        }
        if let bad = codes.first(where: { $0 != CURLE_OK }) {
            throw HTTPFailure.transport("libcurl refused an option: \(String(cString: curl_easy_strerror(bad)))")
        }
        let code = withExtendedLifetime(state) { curl_easy_perform(handle) }
        if state.cancelled || code == CURLE_ABORTED_BY_CALLBACK { throw HTTPFailure.cancelled }
        guard code == CURLE_OK else {
            let detail = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
            if code == CURLE_OPERATION_TIMEDOUT {
                if let remaining = context?.deadlineRemainingMs, remaining <= 0 { throw HTTPFailure.cancelled }
                throw HTTPFailure.timedOut("\(request.method) \(request.url): \(detail)")
            }
            if state.sinkErrno != 0 {
                throw HTTPFailure.transport("\(request.method) \(request.url): writing the body to a file: \(String(cString: strerror(state.sinkErrno)))")
            }
            throw HTTPFailure.transport("\(request.method) \(request.url): \(detail)")
        }
        var status = 0
        ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, body: state.body, retryAfterSeconds: state.retryAfter, headers: state.headers)
    }
}
