// The composition root: the stores, the driver machinery, the worker threads and the routes.
// Request path: socket → HTTPHandler → Router → route handler → ResourceService → OpenConnection → driver.
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

public final class SpiderApp: Sendable {
    public static let version = "0.1.0"

    let config: HostConfig
    let logger: Logger
    let store: MetadataStore
    let iids: IIDStore
    let catalog: DriverCatalog
    let loader: DriverLoader
    let provisioning: DriverProvisioning
    let connections: ConnectionManager
    let catalogCache: CatalogCache
    /// Driver answers already validated and presented (DriverGateway.answer).
    let validatedAnswers = ValidatedAnswers()
    let workers: NIOThreadPool
    private let dataLock: DataFolderLock
    private let callsInFlight = Mutex<[ObjectIdentifier: CallState]>([:])
    let router = Routes.build()

    public init(config: HostConfig, logger: Logger) throws {
        self.config = config
        self.logger = logger
        let fm = FileManager.default
        try fm.createDirectory(atPath: config.dataDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        chmod(config.dataDir, 0o700)
        dataLock = try DataFolderLock(dataDir: config.dataDir)
        let secrets = try SecretBox(keyFile: config.dataDir + "/secret.key")
        store = try MetadataStore(path: config.dataDir + "/spider.sqlite", secrets: secrets)
        iids = try IIDStore(db: store.databasePool, logger: logger)
        catalog = DriverCatalog(store: config.driverStore, extraRoots: config.driverRoots)
        provisioning = try DriverProvisioning(config: config, catalog: catalog, logger: logger)
        loader = DriverLoader(dataRoot: config.dataDir + "/driver-data", crashes: config.dataDir + "/driver-crashes", logger: logger, isolation: { [config] in config.isolation(of: $0) },
                              launch: DriverProcess.Launch(helperPath: config.driverHostPath, memoryLimitMB: config.driverMemoryLimitMB,
                                                           tryChannels: config.ioThreads, restartPause: config.driverRestartPause, logger: logger))
        connections = ConnectionManager(store: store, provisioning: provisioning, loader: loader, logger: logger,
                                        limits: (config.driverConcurrency, config.connectionConcurrency, config.queuedCalls))
        catalogCache = CatalogCache(ttlSeconds: config.catalogTTL, logger: logger)
        workers = NIOThreadPool(numberOfThreads: config.workerThreads)
        workers.start()
        let (drivers, problems) = catalog.scan()
        logger.info("data in \(config.dataDir); \(drivers.count) driver(s) installed: \(drivers.map(\.label).joined(separator: ", "))")
        for p in problems { logger.warning("skipped driver folder: \(p)") }
        logger.info("registries: \(config.registries.isEmpty ? "none" : config.registries.joined(separator: ", ")); trusted keys in \(config.trustedKeysDir)")
    }

    /// Stops the worker threads, waiting at most `grace` seconds for calls that ignore cancellation:
    /// half of it for them to return, then the isolated drivers' processes are ended (which ends
    /// their calls at once), then the rest.
    public func shutdown(grace: Double = 10) {
        let done = DispatchSemaphore(value: 0)
        let workers = self.workers
        Thread.detachNewThread {
            try? workers.syncShutdownGracefully()
            done.signal()
        }
        let returned = done.wait(timeout: .now() + grace / 2) == .success
        loader.stopProcesses()
        if !returned, done.wait(timeout: .now() + grace / 2) == .timedOut {
            logger.warning("driver calls still running after \(grace) s; exiting without them")
        }
    }

    func track(_ call: CallState) { callsInFlight.withLock { $0[ObjectIdentifier(call)] = call } }
    func untrack(_ call: CallState) { _ = callsInFlight.withLock { $0.removeValue(forKey: ObjectIdentifier(call)) } }

    /// Asks every running driver call to stop (drivers see it through is_cancelled).
    public func cancelCallsInFlight() {
        let calls = callsInFlight.withLock { Array($0.values) }
        calls.forEach { $0.cancel() }
        if !calls.isEmpty { logger.info("cancelled \(calls.count) driver call(s) in flight") }
    }

    /// Tries a read on the I/O thread; nil when it would block and must go to a worker.
    func runImmediately(_ route: Route, _ request: APIRequest) -> APIResponse? {
        var request = request
        request.immediate = true
        do {
            return try route.handler(self, request)
        } catch is MustOffload {
            return nil
        } catch let e as HostError {
            return .error(e)
        } catch {
            return nil  // let the worker path produce (and log) the error
        }
    }

    /// Runs a handler and turns whatever it throws into the JSON error envelope. State-changing
    /// requests are logged and audited with the peer's uid/pid.
    func run(_ route: Route, _ request: APIRequest) -> APIResponse {
        let response: APIResponse
        do {
            response = try route.handler(self, request)
        } catch let e as HostError {
            response = .error(e)
        } catch {
            logger.error("\(request.method.rawValue) \(request.path): unexpected error: \(error)")
            response = .error(.internalError("unexpected error: \(error)"))
        }
        if request.method != .GET {
            let who = request.peer.map { "uid \($0.uid) pid \($0.pid)" } ?? "unknown peer"
            logger.info("\(request.method.rawValue) \(request.path) → \(response.status.code) (\(who))")
            store.audit(uid: request.peer?.uid, pid: request.peer?.pid, method: request.method.rawValue,
                        path: request.path, status: Int(response.status.code))
        }
        return response
    }
}
