// Binds the HTTP/1.1 server to the Unix socket (or to a socket handed over by systemd).
import Foundation
import Glibc
import Logging
import Synchronization
import Dispatch
import NIOCore
import NIOHTTP1
import NIOPosix

public final class SpiderServer {
    private let app: SpiderApp
    private let group: MultiThreadedEventLoopGroup
    private var listener: SocketListener
    private var channel: (any Channel)?
    private let supervisor = ServiceNotifier.fromEnvironment()

    public init(app: SpiderApp) {
        self.app = app
        group = MultiThreadedEventLoopGroup(numberOfThreads: app.config.ioThreads)
        listener = SocketListener(path: app.config.socketPath)
    }

    public func start() throws {
        let app = self.app
        let idle = TimeAmount.milliseconds(Int64(app.config.idleTimeout * 1000))
        let headerTimeout = TimeAmount.milliseconds(Int64(app.config.headerTimeout * 1000))
        let limiter = ConnectionLimiter(configured: app.config.maxConnections, reserve: app.config.reserveConnections, logger: app.logger)
        let acceptProblems = AcceptProblemLog(logger: app.logger)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 512)
            // Out of descriptors (or another accept error): say so, and pause accepting a moment
            // instead of spinning on a listening socket that stays readable.
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AcceptBackoffHandler(shouldForwardIOErrorCaught: false) { error in
                        acceptProblems.record(error)
                        return .milliseconds(100)
                    })
                }
            }
            .childChannelInitializer { channel in
                let admission = limiter.admit()
                guard admission != .refused else {
                    limiter.release()
                    return channel.eventLoop.makeFailedFuture(ConnectionRefused())
                }
                channel.closeFuture.whenComplete { _ in limiter.release() }
                return channel.eventLoop.makeCompletedFuture {
                    // Outbound header validation off: every header name and value the host writes is one
                    // of its own constants or a number (HTTPHandler.respond), never a client's text.
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: false,
                                                                                    withOutboundHeaderValidation: false)
                    let headerDeadline = HeaderDeadline(timeout: headerTimeout, fromConnect: admission == .reserve)
                    try channel.pipeline.syncOperations.addHandler(headerDeadline, position: .first)
                    try channel.pipeline.syncOperations.addHandler(ProtocolErrorHandler())
                    try channel.pipeline.syncOperations.addHandler(HTTPHandler(app: app, oneRequest: admission == .reserve,
                                                                               headerDeadline: headerDeadline, idleTimeout: idle))
                }
            }
            .childChannelOption(.maxMessagesPerRead, value: 16)

        if let fd = Self.systemdSocket() {
            channel = try bootstrap.withBoundSocket(fd).wait()
            app.logger.info("serving on the socket passed by systemd (fd \(fd))")
            supervisor.notify("READY=1\nSTATUS=serving on the socket passed by systemd\nMAINPID=\(getpid())")
            return
        }
        try listener.claim()
        let old = umask(0o117)  // the socket is born 0660: no window where others could connect
        defer { umask(old) }
        channel = try bootstrap.bind(unixDomainSocketPath: app.config.socketPath).wait()
        chmod(app.config.socketPath, 0o660)
        app.logger.info("spiderd \(SpiderApp.version) listening on \(app.config.socketPath)")
        supervisor.notify("READY=1\nSTATUS=listening on \(app.config.socketPath)\nMAINPID=\(getpid())")
    }

    /// Serves until SIGINT or SIGTERM, then closes the socket and stops cleanly. Pass signals caught
    /// before `start()`: a stop request that comes while the host starts must not be lost.
    public func runUntilSignalled(_ signals: StopSignals = StopSignals()) throws {
        signals.wait()
        app.logger.info("stopping")
        supervisor.notify("STOPPING=1")
        try? channel?.close().wait()
        listener.release()
        app.cancelCallsInFlight()
        try? group.syncShutdownGracefully()
        app.shutdown()
    }

    /// systemd socket activation: LISTEN_PID is us and LISTEN_FDS ≥ 1 → fd 3.
    private static func systemdSocket() -> Int32? {
        let env = ProcessInfo.processInfo.environment
        guard let pid = env["LISTEN_PID"].flatMap(Int32.init), pid == getpid(),
              let count = env["LISTEN_FDS"].flatMap(Int.init), count >= 1 else { return nil }
        unsetenv("LISTEN_PID")
        unsetenv("LISTEN_FDS")
        return 3
    }
}

/// SIGINT and SIGTERM, blocked in every thread and taken with sigwait. Make it first thing in `main`,
/// before any thread starts (threads inherit the mask): from then on a stop request stays pending until
/// `wait()` takes it, even while the host is still starting — and one already pending when the process
/// began (a parent that spawned it with the signals blocked) is taken too. Never SIG_IGN: that would
/// discard a pending signal.
public final class StopSignals: Sendable {
    public init() {
        var set = Self.signals
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    private static var signals: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        return set
    }

    /// Blocks until SIGINT or SIGTERM arrives (or has arrived).
    public func wait() {
        var set = Self.signals
        var received: Int32 = 0
        while sigwait(&set, &received) != 0 {}
    }
}

/// A client past the connection limit and its reserve: closed as soon as it is accepted.
struct ConnectionRefused: Error {}

/// Accept errors (EMFILE: out of descriptors) logged once per episode, not once per attempt.
final class AcceptProblemLog: Sendable {
    private let logger: Logger
    private let lastLogged = Atomic<UInt64>(0)
    init(logger: Logger) { self.logger = logger }

    func record(_ error: IOError) {
        let now = DispatchTime.now().uptimeNanoseconds
        let last = lastLogged.load(ordering: .relaxed)
        guard now &- last > 10_000_000_000 || last == 0, lastLogged.compareExchange(expected: last, desired: now, ordering: .relaxed).exchanged else { return }
        logger.error("cannot accept client connections: \(error) (accepting again in 100 ms; lower --max-connections or raise the descriptor limit)")
    }
}
