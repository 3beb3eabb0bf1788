// A driver as the rest of the host calls it, wherever its code runs: loaded into spiderd
// (LoadedDriver: fastest, but a driver that corrupts memory takes the host with it) or in a
// process of its own (IsolatedDriver: a crash, exit or leak costs only that driver's calls).
import Foundation

/// Where a driver's code runs; chosen per driver by the operator (HostConfig.isolation).
enum DriverIsolation: String, Sendable, Codable, CaseIterable {
    /// In a `spider-driver-host` process of its own (the default).
    case process
    /// Loaded into spiderd itself.
    case inProcess = "in-process"
}

/// A connection's handle as its runtime gave it; `generation` names the driver process it belongs
/// to (a handle dies with its process), 0 in spiderd itself.
struct DriverHandle: Sendable, Hashable {
    let raw: UInt64
    let generation: Int
}

protocol DriverRuntime: AnyObject, Sendable {
    var installed: InstalledDriver { get }
    var abiVersion: UInt32 { get }
    var isolation: DriverIsolation { get }

    func connect(name: String, credentials: [(key: String, value: String)], region: [(key: String, value: String)])
        -> Result<DriverHandle, DriverFailure>
    /// Once per successful connect, after every call on the handle has returned.
    func disconnect(_ handle: DriverHandle)
    func call(_ handle: DriverHandle, operation: String, request: [UInt8], state: CallState) -> DriverOutcome
    /// Offers a read to the driver to answer at once; nil when it declines (it would block). Never blocks.
    func tryCall(_ handle: DriverHandle, operation: String, request: [UInt8]) -> DriverOutcome?
    /// False once the handle's process has gone: the connection must be opened again.
    func isLive(_ handle: DriverHandle) -> Bool
    /// How the runtime is doing, for `GET /spider/driver/installed`.
    var status: DriverRuntimeStatus { get }
}

extension DriverRuntime {
    var label: String { installed.label }
}

/// What `GET /spider/driver/installed` shows of a loaded driver.
struct DriverRuntimeStatus: Codable, Sendable {
    /// "process" or "in-process".
    var Isolation: String
    /// running, restarting (after its process ended, until `RetryAt`), disabled or crashed.
    var State: String
    /// The driver's process (isolated drivers).
    var Pid: Int32?
    /// How often its process ended and was started again.
    var Restarts: Int
    /// Why the process last ended, or why the driver is out of service.
    var LastProblem: String?
    var RetryAt: String?
}
