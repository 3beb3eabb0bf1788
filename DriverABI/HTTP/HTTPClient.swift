// HTTP over libcurl with keep-alive: a small pool of easy handles, each keeping its connections
// open between calls. A call takes an idle handle (or makes one) and gives it back afterwards,
// so concurrent calls never share a handle and sequential calls reuse connections.
import CCurl
import Foundation
import SpiderDriverKit
import Synchronization

public final class HTTPClient: Sendable {
    public let options: HTTPOptions
    /// Idle handles as raw addresses (a pointer is not Sendable; the lock makes the handoff safe).
    private let idle = Mutex<[UInt]>([])

    public init(options: HTTPOptions) {
        self.options = options
    }

    deinit {
        for address in idle.withLock({ $0 }) {
            if let handle = UnsafeMutableRawPointer(bitPattern: address) { curl_easy_cleanup(handle) }
        }
    }

    public func send(_ request: HTTPRequest, context: CallContext?) throws -> HTTPResponse {
        try run(request, context: context, sink: nil)
    }

    /// `request` with its body written to the open file `fd`; the response's body is only the
    /// body's first bytes (what an error message quotes).
    public func download(_ request: HTTPRequest, to fd: Int32, context: CallContext?) throws -> HTTPResponse {
        try run(request, context: context, sink: fd)
    }

    private func run(_ request: HTTPRequest, context: CallContext?, sink: Int32?) throws -> HTTPResponse {
        try context?.mayBlock()
        if let context, context.isCancelled { throw HTTPFailure.cancelled }
        let handle = try take()
        do {
            let response = try CurlTransfer.perform(handle, request, options: options, context: context, sink: sink)
            give(handle)
            return response
        } catch {
            curl_easy_cleanup(handle)   // its connection may be half-used: never reuse it
            throw error
        }
    }

    private func take() throws -> UnsafeMutableRawPointer {
        if let address = idle.withLock({ $0.popLast() }), let handle = UnsafeMutableRawPointer(bitPattern: address) {
            return handle
        }
        guard curlGlobalReady == CURLE_OK, let handle = curl_easy_init() else {
            throw HTTPFailure.transport("libcurl could not be initialised")
        }
        return handle
    }

    private func give(_ handle: UnsafeMutableRawPointer) {
        let kept = idle.withLock { list -> Bool in
            guard list.count < options.maxIdleHandles else { return false }
            list.append(UInt(bitPattern: handle))
            return true
        }
        if !kept { curl_easy_cleanup(handle) }
    }
}
