// Reads one HTTP request at a time from a connection (NIO's pipelining helper queues the next),
// enforces the body limit, the request timeout and the idle timeout, routes it, and writes the JSON answer.
// Blocking work runs on the host's worker threads, never on this I/O thread.
import Foundation
import Glibc
import NIOCore
import NIOHTTP1
import NIOPosix

final class HTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let app: SpiderApp
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var rejecting = false
    private var busy = false
    private var requestID = 0
    private var requestTimer: Scheduled<Void>?
    private var peer: PeerCredentials?
    /// The call being served, cancelled if the client goes away before its answer.
    private var inFlight: CallState?

    /// A client in a reserve place (past the connection limit) gets one answer, then is closed.
    private let oneRequest: Bool
    /// The connection's head deadline, told when a head has come and when its answer has gone.
    private let headerDeadline: HeaderDeadline?

    /// A keep-alive connection that sends nothing for this long, and waits for no answer, is closed:
    /// it holds a file descriptor for nothing. One timer per connection, moved on only when it fires.
    private let idleTimeout: TimeAmount
    private var lastRead = NIODeadline.now()
    private var idleCheck: Scheduled<Void>?

    init(app: SpiderApp, oneRequest: Bool = false, headerDeadline: HeaderDeadline? = nil, idleTimeout: TimeAmount = .seconds(120)) {
        self.app = app
        self.oneRequest = oneRequest
        self.headerDeadline = headerDeadline
        self.idleTimeout = idleTimeout
    }

    func channelActive(context: ChannelHandlerContext) {
        readPeerCredentials(context)
        lastRead = .now()
        scheduleIdleCheck(context, at: lastRead + idleTimeout)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        inFlight?.cancel()
        inFlight = nil
        requestTimer?.cancel()
        idleCheck?.cancel()
        context.fireChannelInactive()
    }

    private func scheduleIdleCheck(_ context: ChannelHandlerContext, at deadline: NIODeadline) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        idleCheck = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = bound.value
            handler.idleCheckDue(context)
        }
    }

    private func idleCheckDue(_ context: ChannelHandlerContext) {
        let due = lastRead + idleTimeout
        if !busy, due <= .now() {
            context.close(promise: nil)
            return
        }
        scheduleIdleCheck(context, at: busy ? .now() + idleTimeout : due)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastRead = .now()
        switch unwrapInboundIn(data) {
        case .head(let h):
            headerDeadline?.headReceived()
            head = h
            body = nil
            rejecting = false
            busy = true
            requestID &+= 1
            // Digits too many for an Int are a body too large all the same (not a wait for it).
            if let declared = h.headers.first(name: "content-length")?.trimmingCharacters(in: .whitespaces),
               !declared.isEmpty, declared.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
               (Int(declared) ?? Int.max) > app.config.maxBodyBytes {
                reject(context, tooLarge: declared)
                return
            }
            // A client that waits to be told to send its body (curl does for large ones) is told at once.
            if h.headers[canonicalForm: "expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: h.version, status: .continue))), promise: nil)
            }
            // A request without a body ends with its head (the decoder gives both in one go): only
            // one with a body can keep the client waiting, so only then is a timer needed.
            guard h.headers.contains(name: "content-length") || h.headers.contains(name: "transfer-encoding") else { return }
            let id = requestID
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            requestTimer = context.eventLoop.scheduleTask(in: .milliseconds(Int64(app.config.requestTimeout * 1000))) {
                let (handler, context) = bound.value
                guard handler.requestID == id, handler.head != nil, !handler.rejecting else { return }
                handler.head = nil
                handler.respond(context, .error(HostError(status: 408, message: "the request was not completed within \(handler.app.config.requestTimeout) s")), keepAlive: false)
            }
        case .body(var chunk):
            guard !rejecting, head != nil else { return }
            if (body?.readableBytes ?? 0) + chunk.readableBytes > app.config.maxBodyBytes {
                reject(context, tooLarge: nil)
                return
            }
            if body == nil { body = chunk } else { body!.writeBuffer(&chunk) }
        case .end:
            requestTimer?.cancel()
            requestTimer = nil
            if rejecting { return }
            guard let h = head else { return }
            head = nil
            dispatch(context, h, body.map { Array($0.readableBytesView) } ?? [])
            body = nil
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func reject(_ context: ChannelHandlerContext, tooLarge length: String?) {
        rejecting = true
        requestTimer?.cancel()
        let size = length.map { "\($0) bytes" } ?? "more than \(app.config.maxBodyBytes) bytes"
        respond(context, .error(.tooLarge("request body of \(size) exceeds the limit of \(app.config.maxBodyBytes) bytes")),
                keepAlive: false)
    }

    private func dispatch(_ context: ChannelHandlerContext, _ head: HTTPRequestHead, _ bytes: [UInt8]) {
        let uri = head.uri
        let pathEnd = uri.firstIndex(of: "?") ?? uri.endIndex
        let path = String(uri[..<pathEnd])
        let query = pathEnd < uri.endIndex ? parseQuery(uri[uri.index(after: pathEnd)...]) : [:]
        let keepAlive = head.isKeepAlive

        let route: Route, parameters: [String: String]
        switch app.router.match(head.method, path) {
        case .notFound:
            respond(context, .error(.notFound("no route for \(head.method.rawValue) \(path)")), keepAlive: keepAlive)
            return
        case .wrongMethod(let allowed):
            let list = allowed.map(\.rawValue).joined(separator: ", ")
            respond(context, .error(HostError(status: 405, message: "\(head.method.rawValue) is not allowed on \(path) (allowed: \(list))")),
                    keepAlive: keepAlive)
            return
        case .found(let r, let params):
            (route, parameters) = (r, params)
        }
        let request = APIRequest(method: head.method, path: path, query: query, body: bytes, peer: peer,
                                 call: CallState(timeoutSeconds: app.config.callTimeout), parameters: parameters)

        switch route.execution {
        case .ioThread:
            respond(context, app.run(route, request), keepAlive: keepAlive)
            return
        case .ioThreadFirst:
            if let response = app.runImmediately(route, request) {
                respond(context, response, keepAlive: keepAlive)
                return
            }
        case .worker:
            break
        }

        let id = requestID
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let app = self.app
        inFlight = request.call
        app.track(request.call)
        let deadline = context.eventLoop.scheduleTask(in: .milliseconds(Int64(app.config.callTimeout * 1000))) {
            let (handler, context) = bound.value
            guard handler.requestID == id, handler.busy else { return }
            request.call.cancel()
            handler.respond(context, .error(.timeout("\(head.method.rawValue) \(path) did not finish within its \(app.config.callTimeout) s deadline; it goes on in the background and its outcome will be recorded")),
                            keepAlive: keepAlive)
        }
        app.workers.runIfActive(eventLoop: context.eventLoop) { app.run(route, request) }
            .whenComplete { result in
                deadline.cancel()
                app.untrack(request.call)
                let (handler, context) = bound.value
                guard handler.requestID == id, handler.busy else { return }
                switch result {
                case .success(let response): handler.respond(context, response, keepAlive: keepAlive)
                case .failure(let error):
                    handler.respond(context, .error(.unavailable("the host is shutting down: \(error)")), keepAlive: false)
                }
            }
    }

    private func respond(_ context: ChannelHandlerContext, _ response: APIResponse, keepAlive: Bool) {
        let keepAlive = keepAlive && !oneRequest
        busy = false
        inFlight = nil
        var headers = HTTPHeaders()
        headers.reserveCapacity(4)
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "content-length", value: String(response.body.count))
        if let retry = response.retryAfterSeconds { headers.add(name: "retry-after", value: String(retry)) }
        for extra in response.headers { headers.add(name: extra.name, value: extra.value) }
        if !keepAlive { headers.add(name: "connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers))), promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: response.body.count)
        buffer.writeBytes(response.body)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        if keepAlive {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            headerDeadline?.answered()
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { [channel = context.channel] _ in
                channel.close(promise: nil)
            }
        }
    }

    /// Reads the peer's uid/gid/pid (SO_PEERCRED) once per connection; on the I/O thread the
    /// option future completes at once.
    private func readPeerCredentials(_ context: ChannelHandlerContext) {
        guard let provider = context.channel as? any SocketOptionProvider else { return }
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let future: EventLoopFuture<LinuxUcred> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
        future.whenSuccess { cred in
            bound.value.peer = PeerCredentials(uid: cred.uid, gid: cred.gid, pid: cred.pid)
        }
    }
}

/// Linux's `struct ucred` (hidden behind _GNU_SOURCE in Glibc's Swift module).
struct LinuxUcred: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}
