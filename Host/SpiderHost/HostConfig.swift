// Where the host keeps its socket and data, and the limits that protect it.
import Foundation
import NIOCore
import SpiderClient

public struct HostConfig: Sendable {
    public var socketPath: String
    public var dataDir: String
    /// Folders of drivers staged by hand as `<name>/<version>/driver.json` (driver development),
    /// searched after the install store `<data-dir>/drivers`.
    public var driverRoots: [String]
    /// Registries (folders or URLs) drivers are installed from, asked in order.
    public var registries: [String] = []
    /// Folder of trusted registry keys (`*.pub`).
    public var trustedKeysDir: String
    /// Seconds an install may wait for a registry to answer before it fails.
    public var registryConnectTimeout: Double = 15
    /// PEM file of CA certificates for https:// registries (nil: the system's).
    public var registryCABundle: String?
    /// Where installed drivers live: `<name>/<version>/` with a receipt each.
    public var driverStore: String { dataDir + "/drivers" }
    public var maxBodyBytes = 1 << 20
    /// Seconds a driver call may take before the client gets a 504.
    public var callTimeout: Double = 60
    /// Seconds a fetched image or spec catalogue is served from memory (see CatalogCache).
    public var catalogTTL: Double = 3600
    /// Seconds a client may take to send one whole request.
    public var requestTimeout: Double = 30
    /// Seconds an idle keep-alive connection stays open.
    public var idleTimeout: Double = 120
    /// Seconds a request's line and headers may take from its first byte (a trickle cannot extend it).
    public var headerTimeout: Double = 10
    /// Client connections served at once (lowered to what the descriptor limit holds).
    public var maxConnections = 4096
    /// Places past the limit that serve one request each, so readyz and an operator get in.
    public var reserveConnections = 16
    /// Threads that run blocking work (driver calls, database writes).
    public var workerThreads = 64
    /// Driver calls one request may run at once across connections (the dashboard's fan-out).
    public var fanOutLimit = 32
    /// Calls one driver may run at once (of the worker threads), across its connections.
    public var driverConcurrency = 32
    /// Calls one connection may run at once.
    public var connectionConcurrency = 16
    /// Calls that may wait for a place, per driver and per connection; past them, 503 at once.
    public var queuedCalls = 8
    /// Event-loop threads serving the socket (one per usable core by default).
    public var ioThreads = HostConfig.usableCores
    /// Where each driver's code runs, by driver name; others get `defaultIsolation`.
    public var isolation: [String: String] = [:]
    /// "process" (each driver in a spider-driver-host of its own) or "in-process".
    public var defaultIsolation = "process"
    /// The helper program isolated drivers run in (default: `spider-driver-host` beside spiderd).
    public var driverHostPath: String = HostConfig.defaultDriverHostPath
    /// Cap on an isolated driver process's heap and private mappings, in MiB (0: none).
    public var driverMemoryLimitMB = 4096
    /// Seconds before an isolated driver's process is started again after it ended (doubling).
    public var driverRestartPause = 1.0

    /// `spider-driver-host` in the folder of the running spiderd.
    public static var defaultDriverHostPath: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return ((executable as NSString).deletingLastPathComponent as NSString).appendingPathComponent("spider-driver-host")
    }

    /// Where `driver`'s code runs.
    func isolation(of driver: String) -> DriverIsolation {
        DriverIsolation(rawValue: isolation[driver] ?? defaultIsolation) ?? .process
    }

    /// Cores this process may run on: its CPU affinity (taskset, systemd's CPUAffinity) within
    /// NIO's count (which honors cgroup limits). More event loops than cores only add switches.
    public static var usableCores: Int {
        // `Cpus_allowed_list: 0-3,8` in /proc/self/status (sched_getaffinity is hidden from Swift).
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") })
        else { return System.coreCount }
        let allowed = line.dropFirst("Cpus_allowed_list:".count).split(separator: ",").reduce(0) { count, range in
            let ends = range.split(separator: "-").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            return count + (ends.count == 2 ? ends[1] - ends[0] + 1 : ends.count)
        }
        return max(1, min(allowed, System.coreCount))
    }

    public init(socketPath: String, dataDir: String, driverRoots: [String]) {
        self.socketPath = socketPath
        self.dataDir = dataDir
        self.driverRoots = driverRoots
        self.trustedKeysDir = dataDir + "/trusted-keys"
    }

    /// `$XDG_RUNTIME_DIR/spider/spider.sock`, or `/run/spider/spider.sock` as root (clients look there too).
    public static var defaultSocketPath: String { SpiderSocketPath.defaultPath }

    /// `$XDG_DATA_HOME/spider` (or `~/.local/share/spider`), or `/var/lib/spider` as root.
    public static var defaultDataDir: String {
        let env = ProcessInfo.processInfo.environment
        if getuid() == 0 { return "/var/lib/spider" }
        if let data = env["XDG_DATA_HOME"], !data.isEmpty { return data + "/spider" }
        return NSHomeDirectory() + "/.local/share/spider"
    }
}
