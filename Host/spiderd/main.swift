// spiderd: the Spider host. Serves the multi-cloud REST API on a local Unix socket.
import ArgumentParser
import Foundation
import Logging
import SpiderHost

struct Spiderd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spiderd",
        abstract: "Spider host: one REST API for many clouds, served on a local Unix socket.",
        discussion: """
            Drivers are installed from registries (signed bundles; see Registry/README.md) into
            <data-dir>/drivers on demand — when POST /spider/driver registers a provider that has no
            driver yet, or a connection first uses a driver that is missing — or with
            POST /spider/driver/install; they are loaded on first use. Metadata (drivers, credentials sealed with AES-256-GCM, regions,
            connection configs, the name↔cloud-ID map) lives in SQLite in the data folder.

            Try it:  curl --unix-socket "$SPIDER_SOCKET" http://localhost/spider/readyz
            """,
        version: SpiderApp.version)

    @Option(help: ArgumentHelp("Unix socket to serve on (env SPIDER_SOCKET).", valueName: "path"))
    var socket: String = ProcessInfo.processInfo.environment["SPIDER_SOCKET"] ?? HostConfig.defaultSocketPath

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Folder for metadata, keys and driver state (env SPIDER_DATA_DIR).", valueName: "path"))
    var dataDir: String = ProcessInfo.processInfo.environment["SPIDER_DATA_DIR"] ?? HostConfig.defaultDataDir

    @Option(name: .customLong("drivers-dir"), help: ArgumentHelp("Extra folder of drivers staged by hand as <name>/<version>/driver.json + .so (driver development); repeatable. Installed drivers live in <data-dir>/drivers.", valueName: "path"))
    var driversDirs: [String] = []

    @Option(name: .customLong("registry"), help: ArgumentHelp("Registry to install drivers from: a folder, file:// or http(s):// URL; repeatable, asked in order (env SPIDER_REGISTRY, comma-separated; default: <data-dir>/registry when it exists).", valueName: "folder|URL"))
    var registries: [String] = []

    @Option(name: .customLong("registry-ca"), help: ArgumentHelp("PEM file of CA certificates for https:// registries (default: the system's).", valueName: "file"))
    var registryCA: String?

    @Option(name: .customLong("trusted-keys"), help: ArgumentHelp("Folder of the registry public keys (*.pub) this host trusts (default: <data-dir>/trusted-keys).", valueName: "path"))
    var trustedKeys: String?

    @Option(name: .customLong("max-body"), help: "Largest request body accepted, in bytes; larger ones get 413.")
    var maxBody: Int = 1 << 20

    @Option(name: .customLong("call-timeout"), help: "Seconds a driver call may take before the client gets 504.")
    var callTimeout: Double = 60

    @Option(name: .customLong("catalog-ttl"), help: "Seconds a connection's image and spec catalogues are served from memory (?refresh=true refetches).")
    var catalogTTL: Double = 3600

    @Option(name: .customLong("request-timeout"), help: "Seconds a client may take to send one request (else 408).")
    var requestTimeout: Double = 30

    @Option(name: .customLong("idle-timeout"), help: "Seconds before an idle keep-alive connection is closed.")
    var idleTimeout: Double = 120

    @Option(name: .customLong("header-timeout"), help: "Seconds a request's line and headers may take from their first byte (else 408; a trickle cannot extend it).")
    var headerTimeout: Double = 10

    @Option(name: .customLong("max-connections"), help: "Client connections served at once (lowered to fit the descriptor limit); past it, --reserve-connections places serve one request each and the rest are closed.")
    var maxConnections: Int = 4096

    @Option(name: .customLong("reserve-connections"), help: "Places past --max-connections that serve one request each (readyz, an operator).")
    var reserveConnections: Int = 16

    @Option(name: .customLong("worker-threads"), help: "Threads for blocking work (driver calls, database writes).")
    var workerThreads: Int = 64

    @Option(name: .customLong("fan-out-limit"), help: "Driver calls one request may run at once across connections (dashboard).")
    var fanOutLimit: Int = 32

    @Option(name: .customLong("driver-concurrency"), help: "Calls one driver may run at once across its connections (its share of --worker-threads; default half of them).")
    var driverConcurrency: Int?

    @Option(name: .customLong("connection-concurrency"), help: "Calls one connection may run at once (default 1/4 of --worker-threads).")
    var connectionConcurrency: Int?

    @Option(name: .customLong("queued-calls"), help: "Calls that may wait for a place, per driver and per connection, before 503 (default 1/8 of --worker-threads).")
    var queuedCalls: Int?

    @Option(name: .customLong("io-threads"), help: "Event-loop threads serving the socket (default: one per usable core).")
    var ioThreads: Int?

    @Option(name: .customLong("isolation"), help: ArgumentHelp("Where one driver's code runs: <driver>=process (a spider-driver-host process of its own: a crash, exit or leak costs only that driver's calls) or <driver>=in-process (loaded into spiderd: faster, shares its fate); repeatable.", valueName: "driver=process|in-process"))
    var isolation: [String] = []

    @Option(name: .customLong("default-isolation"), help: "Where drivers not named by --isolation run: process or in-process.")
    var defaultIsolation: String = "process"

    @Option(name: .customLong("driver-host"), help: ArgumentHelp("The helper program isolated drivers run in (default: spider-driver-host beside spiderd).", valueName: "path"))
    var driverHost: String?

    @Option(name: .customLong("driver-memory-limit"), help: "MiB of heap and private mappings an isolated driver's process may use (0: no limit).")
    var driverMemoryLimit: Int = 4096

    @Option(name: .customLong("driver-restart-pause"), help: "Seconds before an isolated driver's ended process starts again; doubles with each end in a row, up to 60.")
    var driverRestartPause: Double = 1

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard maxBody > 0, callTimeout > 0, catalogTTL > 0, requestTimeout > 0, idleTimeout > 0, headerTimeout > 0, maxConnections > 0,
              reserveConnections >= 0, workerThreads > 0, fanOutLimit > 0, (ioThreads ?? 1) > 0 else {
            throw ValidationError("limits and timeouts must be positive")
        }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level '\(logLevel)'") }
        let places = ["process", "in-process"]
        guard places.contains(defaultIsolation) else { throw ValidationError("--default-isolation must be process or in-process (got '\(defaultIsolation)')") }
        for item in isolation {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, places.contains(parts[1]) else {
                throw ValidationError("--isolation takes <driver>=process or <driver>=in-process (got '\(item)')")
            }
        }
        guard (driverConcurrency ?? 1) > 0, (connectionConcurrency ?? 1) > 0, (queuedCalls ?? 0) >= 0 else {
            throw ValidationError("--driver-concurrency and --connection-concurrency must be positive, --queued-calls 0 or more")
        }
        guard driverMemoryLimit >= 0 else { throw ValidationError("--driver-memory-limit must be 0 or more MiB") }
        guard driverRestartPause >= 0, driverRestartPause <= 60 else { throw ValidationError("--driver-restart-pause must be 0 to 60 seconds") }
    }

    func run() throws {
        CrashRestart.prepare()
        let signals = StopSignals()
        let level = Logger.Level(rawValue: logLevel)!
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "spiderd")
        let dataDir = (dataDir as NSString).standardizingPath
        var config = HostConfig(socketPath: socket, dataDir: dataDir, driverRoots: driversDirs)
        config.registries = chosenRegistries(dataDir: dataDir)
        config.registryCABundle = registryCA
        if let trustedKeys { config.trustedKeysDir = (trustedKeys as NSString).standardizingPath }
        config.maxBodyBytes = maxBody
        config.callTimeout = callTimeout
        config.catalogTTL = catalogTTL
        config.requestTimeout = requestTimeout
        config.idleTimeout = idleTimeout
        config.headerTimeout = headerTimeout
        config.maxConnections = maxConnections
        config.reserveConnections = reserveConnections
        config.workerThreads = workerThreads
        config.fanOutLimit = fanOutLimit
        config.driverConcurrency = driverConcurrency ?? max(1, workerThreads / 2)
        config.connectionConcurrency = connectionConcurrency ?? max(1, workerThreads / 4)
        config.queuedCalls = queuedCalls ?? max(1, workerThreads / 8)
        if let ioThreads { config.ioThreads = ioThreads }
        config.defaultIsolation = defaultIsolation
        for item in isolation {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            config.isolation[parts[0]] = parts[1]
        }
        if let driverHost { config.driverHostPath = (driverHost as NSString).standardizingPath }
        config.driverMemoryLimitMB = driverMemoryLimit
        config.driverRestartPause = driverRestartPause
        do {
            let app = try SpiderApp(config: config, logger: logger)
            let server = SpiderServer(app: app)
            try server.start()
            app.reconcileInBackground()
            try server.runUntilSignalled(signals)
        } catch {
            FileHandle.standardError.write(Data("spiderd: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// --registry, else $SPIDER_REGISTRY, else the local registry folder if there is one.
    func chosenRegistries(dataDir: String) -> [String] {
        if !registries.isEmpty { return registries }
        if let env = ProcessInfo.processInfo.environment["SPIDER_REGISTRY"], !env.isEmpty {
            return env.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        var isFolder: ObjCBool = false
        let local = dataDir + "/registry"
        return FileManager.default.fileExists(atPath: local, isDirectory: &isFolder) && isFolder.boolValue ? [local] : []
    }
}

Spiderd.main()
