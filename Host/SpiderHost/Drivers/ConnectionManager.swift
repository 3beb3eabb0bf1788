// Opens a driver connection the first time a connection config is used and reuses it after
// that (CB-Spider reconnects on every call). A connection closes once its last call returns.
import Foundation
import Logging
import SpiderDriverABI
import SpiderModels
import Synchronization

final class OpenConnection: Sendable {
    let name: String
    let driver: any DriverRuntime
    private let handle: DriverHandle
    private let usage = Mutex<(inFlight: Int, closing: Bool)>((0, false))
    /// The driver's share of worker threads, then this connection's (Bulkhead).
    let bulkheads: [Bulkhead]

    init(name: String, driver: any DriverRuntime, handle: DriverHandle, bulkheads: [Bulkhead] = []) {
        self.name = name
        self.driver = driver
        self.handle = handle
        self.bulkheads = bulkheads
    }

    /// False once the driver's process that holds this connection has ended.
    var isLive: Bool { driver.isLive(handle) }

    var capabilities: DriverCapabilities { driver.installed.manifest.capabilities }

    /// Runs one operation within the driver's and the connection's shares of worker threads; the
    /// handle stays open at least until it returns.
    func call(_ operation: String, _ request: [UInt8], state: CallState) -> DriverOutcome {
        var entered: [Bulkhead] = []
        defer { entered.forEach { $0.leave() } }
        for bulkhead in bulkheads {
            if let refused = bulkhead.enter(state) { return .failure(refused) }
            entered.append(bulkhead)
        }
        guard admit() else { return closedFailure }
        defer { release() }
        return driver.call(handle, operation: operation, request: request, state: state)
    }

    /// Which of its shares is full, if any.
    var saturation: String? { bulkheads.lazy.compactMap(\.saturation).first }

    /// Offers an operation to the driver to answer at once; nil when it would block.
    func tryCall(_ operation: String, _ request: [UInt8]) -> DriverOutcome? {
        guard admit() else { return closedFailure }
        defer { release() }
        return driver.tryCall(handle, operation: operation, request: request)
    }

    private var closedFailure: DriverOutcome {
        .failure(DriverFailure(status: spider_status(SPIDER_CANCELLED), message: "connection '\(name)' was closed", retryAfterMs: 0))
    }

    private func admit() -> Bool {
        usage.withLock { u in
            if u.closing { return false }
            u.inFlight += 1
            return true
        }
    }

    /// Stops new calls; disconnects now or when the last call in flight returns.
    func close() {
        let idle = usage.withLock { u -> Bool in
            u.closing = true
            return u.inFlight == 0
        }
        if idle { disconnectOnce() }
    }

    private func release() {
        let last = usage.withLock { u -> Bool in
            u.inFlight -= 1
            return u.closing && u.inFlight == 0
        }
        if last { disconnectOnce() }
    }

    private let disconnected = Atomic<Bool>(false)
    private func disconnectOnce() {
        if !disconnected.exchange(true, ordering: .acquiringAndReleasing) { driver.disconnect(handle) }
    }
}

final class ConnectionManager: Sendable {
    private let store: MetadataStore
    private let provisioning: DriverProvisioning
    private let loader: DriverLoader
    private let logger: Logger
    private let open = Mutex<[String: OpenConnection]>([:])
    /// One share of worker threads per driver version, shared by its connections.
    private let driverBulkheads = Mutex<[String: Bulkhead]>([:])
    private let limits: (driver: Int, connection: Int, queue: Int)
    let saturation = SaturationGauge()
    /// One lock per config name: a connection that is slow to open holds only its own callers.
    private let opening = Mutex<[String: NSLock]>([:])

    init(store: MetadataStore, provisioning: DriverProvisioning, loader: DriverLoader, logger: Logger,
         limits: (driver: Int, connection: Int, queue: Int) = (32, 16, 8)) {
        self.store = store
        self.provisioning = provisioning
        self.loader = loader
        self.logger = logger
        self.limits = limits
    }

    private func bulkheads(_ name: String, _ driver: any DriverRuntime) -> [Bulkhead] {
        let shared = driverBulkheads.withLock { all in
            if let hit = all[driver.installed.libraryPath] { return hit }
            let made = Bulkhead(name: "driver \(driver.label)", limit: limits.driver, queue: limits.queue, setting: "--driver-concurrency",
                                gauge: saturation)
            all[driver.installed.libraryPath] = made
            return made
        }
        return [shared, Bulkhead(name: "connection '\(name)'", limit: limits.connection, queue: limits.queue,
                                 setting: "--connection-concurrency", gauge: saturation)]
    }

    /// The shares that are full right now ("driver faulty 1.0.0: 24 calls running, …").
    var saturated: [String] {
        guard saturation.anyFull else { return [] }
        let drivers = driverBulkheads.withLock { Array($0.values) }.compactMap(\.saturation)
        let connections = open.withLock { Array($0.values) }.compactMap { c in c.bulkheads.dropFirst().first?.saturation }
        return (drivers + connections).sorted()
    }

    /// The connection if it is open already and alive (never blocks).
    func openConnection(_ name: String) -> OpenConnection? {
        live(open.withLock { $0[name] })
    }

    /// A connection whose driver process has ended is closed here, so the caller opens it again.
    private func live(_ connection: OpenConnection?) -> OpenConnection? {
        guard let connection, !connection.isLive else { return connection }
        let dropped = open.withLock { open -> Bool in
            guard open[connection.name] === connection else { return false }
            open[connection.name] = nil
            return true
        }
        if dropped { logger.info("connection '\(connection.name)' lost its driver process; it opens again on next use") }
        connection.close()
        return nil
    }

    /// The open connection for a config, opening it (and loading its driver) on first use.
    func connection(_ name: String) throws -> OpenConnection {
        if let hit = live(open.withLock({ $0[name] })) { return hit }
        let lock = opening.withLock { locks in
            if let lock = locks[name] { return lock }
            let lock = NSLock()
            locks[name] = lock
            return lock
        }
        return try lock.withLock {
            if let hit = live(open.withLock({ $0[name] })) { return hit }
            let made = try connect(name)
            open.withLock { $0[name] = made }
            return made
        }
    }

    /// The driver a config resolves to, without opening a connection.
    func installedDriver(forConnection name: String) throws -> InstalledDriver {
        if let hit = open.withLock({ $0[name] }) { return hit.driver.installed }
        let config = try record(name)
        return try resolveDriver(config)
    }

    /// Every open connection (which driver version each runs).
    var openConnections: [OpenConnection] {
        open.withLock { Array($0.values) }.sorted { $0.name < $1.name }
    }

    /// Closes a config's connection (after its calls finish); the next use reopens it.
    func close(_ name: String) {
        open.withLock { $0.removeValue(forKey: name) }?.close()
    }

    private func record(_ name: String) throws -> ConnectionRecord {
        guard let config = store.connection(name) else {
            throw HostError.notFound("connection config '\(name)' does not exist")
        }
        return config
    }

    private func resolveDriver(_ config: ConnectionRecord) throws -> InstalledDriver {
        guard let driverRecord = store.driver(config.driver) else {
            throw HostError.notFound("driver '\(config.driver)' of connection '\(config.name)' is not registered")
        }
        do {
            return try provisioning.installedOrInstall(named: driverRecord.driverID)
        } catch let e as HostError {
            throw HostError(status: e.status == 404 ? 503 : e.status, message:
                "driver '\(driverRecord.name)' needs the driver '\(driverRecord.driverID)', which is not installed (in \(provisioning.catalog.roots.joined(separator: ", "))) and could not be installed: \(e.message)")
        }
    }

    private func connect(_ name: String) throws -> OpenConnection {
        let config = try record(name)
        guard let credential = store.credential(config.credential) else {
            throw HostError.notFound("credential '\(config.credential)' of connection '\(name)' does not exist")
        }
        guard let region = store.region(config.region) else {
            throw HostError.notFound("region '\(config.region)' of connection '\(name)' does not exist")
        }
        let driver = try loader.load(try resolveDriver(config))
        var regionKVs = region.keyValues
        if !regionKVs.contains(where: { $0.key == "Zone" }), let zone = region.zones.first {
            regionKVs.append((key: "Zone", value: zone))
        }
        switch driver.connect(name: name, credentials: credential.keyValues, region: regionKVs) {
        case .success(let handle):
            logger.info("opened connection '\(name)' with driver \(driver.label)")
            return OpenConnection(name: name, driver: driver, handle: handle, bulkheads: bulkheads(name, driver))
        case .failure(let failure):
            let error = failure.hostError(driver: driver.label, operation: "connect")
            throw HostError(status: error.status, message: "connection '\(name)': driver \(driver.label) refused to connect: \(error.message)")
        }
    }
}
