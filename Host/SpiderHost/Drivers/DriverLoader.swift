// Loads drivers: in a process of their own (IsolatedDriver, the default) or into spiderd with
// dlopen(RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) (LoadedDriver), negotiating the ABI either way.
// A library loaded here is never unloaded (unloading a Swift .so crashes the runtime); a new
// version loads side by side from its own folder. Every failure names the file and the reason.
import CDriverGuard
import Foundation
import Logging
import SpiderDriverABI
import Synchronization

final class DriverLoader: Sendable {
    static let hostABIRange: ClosedRange<UInt32> = 1...UInt32(SPIDER_ABI_VERSION)

    /// The Swift toolchain that built this host; Swift drivers must match it (no ABI stability on Linux).
    static let swiftToolchain: String = {
        #if compiler(>=6.4)
        "6.4 or newer"
        #elseif compiler(>=6.3.2)
        "6.3.2"
        #elseif compiler(>=6.3.1)
        "6.3.1"
        #elseif compiler(>=6.3)
        "6.3"
        #else
        "older than 6.3"
        #endif
    }()

    private let dataRoot: String
    /// Markers of drivers that took spiderd down while loaded into it (CrashRestart).
    private let crashes: String
    private let logger: Logger
    private let isolation: @Sendable (String) -> DriverIsolation
    private let launch: DriverProcess.Launch
    private let loaded = Mutex<[String: any DriverRuntime]>([:])

    init(dataRoot: String, crashes: String, logger: Logger, isolation: @escaping @Sendable (String) -> DriverIsolation,
         launch: DriverProcess.Launch) {
        self.dataRoot = dataRoot
        self.crashes = crashes
        self.logger = logger
        self.isolation = isolation
        self.launch = launch
    }

    /// Drivers loaded so far, by library path.
    var loadedDrivers: [any DriverRuntime] { loaded.withLock { Array($0.values) } }

    /// The runtime serving this installed driver version, if it was loaded.
    func runtime(of driver: InstalledDriver) -> (any DriverRuntime)? { loaded.withLock { $0[driver.libraryPath] } }

    /// Ends the isolated drivers' processes (spiderd is stopping).
    func stopProcesses() {
        for case let isolated as IsolatedDriver in loadedDrivers { isolated.stop() }
    }

    func load(_ driver: InstalledDriver) throws -> any DriverRuntime {
        try loaded.withLock { cache in
            if let hit = cache[driver.libraryPath] {
                // The path is loaded for good (never unloaded; dlopen would hand back the old code).
                if let was = hit.installed.librarySHA256, let now = driver.librarySHA256, was != now {
                    throw HostError.unavailable("driver \(driver.label) at \(driver.libraryPath) was replaced by a different build after this host loaded it; restart spiderd to load it, or install the new build under a new version")
                }
                return hit
            }
            let started = DispatchTime.now().uptimeNanoseconds
            let result = try open(driver)
            cache[driver.libraryPath] = result
            let ms = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
            let place = result.isolation == .process ? "in a process of its own" : "into spiderd"
            logger.info("loaded driver \(driver.label) (ABI \(result.abiVersion)) from \(driver.libraryPath) \(place) in \(String(format: "%.2f", ms)) ms")
            return result
        }
    }

    private func open(_ driver: InstalledDriver) throws -> any DriverRuntime {
        let m = driver.manifest, path = driver.libraryPath
        func refuse(_ reason: String) -> HostError {
            .unavailable("driver \(driver.label) (\(path)) cannot be used: \(reason)")
        }
        guard Self.hostABIRange.contains(m.abi_version) else {
            throw refuse("its manifest declares ABI version \(m.abi_version); this host speaks \(Self.hostABIRange.lowerBound)–\(Self.hostABIRange.upperBound)")
        }
        if m.language == "swift" {
            guard let built = m.swift_toolchain else {
                throw refuse("a Swift driver's manifest must name its swift_toolchain")
            }
            guard built == Self.swiftToolchain else {
                throw refuse("built with Swift \(built) but this host was built with Swift \(Self.swiftToolchain); Swift has no stable ABI on Linux, rebuild the driver with the host's toolchain")
            }
        }
        guard FileManager.default.fileExists(atPath: path) else { throw refuse("the library file is missing") }
        let dataDir = "\(dataRoot)/\(m.name)"
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let earlier = CrashRestart.earlierCrash(crashes, driver)
        if isolation(m.name) == .process || earlier != nil {
            let note = earlier.map {
                "loaded into spiderd, it crashed with \(DriverCrashGuard.describe($0)) and spiderd restarted; it runs in a process of its own "
                    + "until \(CrashRestart.markerPath(crashes, driver)) is removed"
            }
            if let note { logger.warning("driver \(driver.label): \(note)") }
            do {
                return try IsolatedDriver(installed: driver, dataDir: dataDir, launch: launch, note: note)
            } catch {
                throw refuse(error.reason)
            }
        }
        try FileManager.default.createDirectory(atPath: crashes, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let marker = UnsafePointer(strdup(CrashRestart.markerPath(crashes, driver))!)

        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            throw refuse("dlopen failed: \(String(cString: dlerror()))")
        }
        guard let symbol = dlsym(handle, SPIDER_DRIVER_ENTRY_SYMBOL) else {
            throw refuse("it does not export \(SPIDER_DRIVER_ENTRY_SYMBOL), so it is not a Spider driver")
        }
        let entry = unsafeBitCast(symbol, to: spider_driver_entry_fn.self)

        let services = HostServicesBridge.makeTable(context: DriverHostContext(driverLabel: driver.label, logger: logger),
                                                    dataDir: dataDir)
        var chosen: UInt32 = 0
        var table: UnsafePointer<spider_driver_table>? = nil
        var status = spider_status(SPIDER_INTERNAL)
        spider_guard_set_marker(marker)
        let signal = spider_guarded_entry(entry, services, Self.hostABIRange.lowerBound, Self.hostABIRange.upperBound,
                                          &chosen, &table, &status)
        guard signal == 0 else { throw refuse("it crashed while starting, with \(DriverCrashGuard.describe(signal))") }
        guard status == spider_status(SPIDER_OK), let table else {
            throw refuse("ABI negotiation failed (host offers \(Self.hostABIRange.lowerBound)–\(Self.hostABIRange.upperBound), driver answered status \(status))")
        }
        guard Self.hostABIRange.contains(chosen), table.pointee.abi_version == chosen else {
            throw refuse("the driver chose ABI version \(chosen), outside what the host offered")
        }
        // Everything up to `release` is required; later fields (try_call) are optional.
        guard table.pointee.struct_size >= UInt32(MemoryLayout<spider_driver_table>.offset(of: \.try_call)!) else {
            throw refuse("its driver table is \(table.pointee.struct_size) bytes, smaller than ABI \(chosen) requires")
        }
        let t = table.pointee
        guard t.connect != nil, t.disconnect != nil, t.call != nil, t.release != nil else {
            throw refuse("its driver table leaves a required function (connect, disconnect, call or release) NULL")
        }
        let name = table.pointee.name.map { String(cString: $0) } ?? ""
        let version = table.pointee.version.map { String(cString: $0) } ?? ""
        guard name == m.name, version == m.version else {
            throw refuse("the library says it is \(name) \(version) but its manifest says \(m.name) \(m.version)")
        }
        return LoadedDriver(installed: driver, abiVersion: chosen, table: table, marker: marker)
    }
}
