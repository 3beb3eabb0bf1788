// A driver library loaded into spiderd that has answered ABI negotiation: a thin, safe wrapper
// over its C table. Buffers the driver returns are copied and handed straight back to `release`.
import Foundation
import Synchronization
import CDriverGuard
import SpiderDriverABI

/// The outcome of one driver call, in Swift terms.
enum DriverOutcome: Sendable {
    case ok(Data)
    case failure(DriverFailure)
}

struct DriverFailure: Error, Sendable {
    var status: spider_status
    var message: String
    var cloudError: String?
    var retryAfterMs: UInt32

    var statusName: String {
        switch Int(status) {
        case Int(SPIDER_NOT_FOUND): "NOT_FOUND"
        case Int(SPIDER_ALREADY_EXISTS): "ALREADY_EXISTS"
        case Int(SPIDER_INVALID_ARGUMENT): "INVALID_ARGUMENT"
        case Int(SPIDER_UNSUPPORTED): "UNSUPPORTED"
        case Int(SPIDER_UNAUTHENTICATED): "UNAUTHENTICATED"
        case Int(SPIDER_PERMISSION_DENIED): "PERMISSION_DENIED"
        case Int(SPIDER_CONFLICT): "CONFLICT"
        case Int(SPIDER_RETRYABLE): "RETRYABLE"
        case Int(SPIDER_CANCELLED): "CANCELLED"
        case Int(SPIDER_INTERNAL): "INTERNAL"
        default: "status \(status)"
        }
    }

    /// The HTTP answer for this failure (see the table in spider_driver.h).
    func hostError(driver: String, operation: String) -> HostError {
        let detail = cloudError.map { "\(message) (cloud: \($0))" } ?? message
        let text = "\(detail)"
        switch Int(status) {
        case Int(SPIDER_NOT_FOUND): return .notFound(text)
        case Int(SPIDER_ALREADY_EXISTS), Int(SPIDER_CONFLICT): return .conflict(text)
        case Int(SPIDER_INVALID_ARGUMENT): return .badRequest(text)
        case Int(SPIDER_UNSUPPORTED): return .notImplemented(text)
        case Int(SPIDER_UNAUTHENTICATED): return HostError(status: 401, message: text)
        case Int(SPIDER_PERMISSION_DENIED): return HostError(status: 403, message: text)
        case Int(SPIDER_RETRYABLE):
            return HostError(status: 503, message: text, retryAfterSeconds: max(1, Int((retryAfterMs + 999) / 1000)))
        case Int(SPIDER_CANCELLED): return .timeout("\(operation) on driver \(driver) was cancelled: \(text)")
        default: return .badGateway("driver \(driver) failed \(operation) (\(statusName)): \(text)")
        }
    }
}

final class LoadedDriver: DriverRuntime, @unchecked Sendable {  // the table is immutable and thread-safe per the ABI
    let installed: InstalledDriver
    let abiVersion: UInt32
    let isolation = DriverIsolation.inProcess
    private let table: UnsafePointer<spider_driver_table>
    /// Set by the first call that crashed: the driver's memory and locks are then in an unknown
    /// state, so it is not called again (its library stays loaded; a restart loads it afresh).
    /// The flag keeps the check on every call lock-free; the text is read only once it is set.
    private let hasCrashed = Atomic<Bool>(false)
    private let crash = Mutex<String?>(nil)
    /// The file the guard writes if this driver takes spiderd down (CrashRestart); never freed.
    private let marker: UnsafePointer<CChar>

    init(installed: InstalledDriver, abiVersion: UInt32, table: UnsafePointer<spider_driver_table>, marker: UnsafePointer<CChar>) {
        self.installed = installed
        self.abiVersion = abiVersion
        self.table = table
        self.marker = marker
    }

    func connect(name: String, credentials: [(key: String, value: String)], region: [(key: String, value: String)])
        -> Result<DriverHandle, DriverFailure>
    {
        withKeyValues(credentials) { creds in
            withKeyValues(region) { regionKVs in
                name.withCString { cName in
                    var info = spider_connection_info(
                        struct_size: UInt32(MemoryLayout<spider_connection_info>.size), reserved: 0,
                        connection_name: cName, credentials: creds.baseAddress, credential_count: creds.count,
                        region: regionKVs.baseAddress, region_count: regionKVs.count)
                    var handle: OpaquePointer? = nil
                    var result = Self.emptyResult()
                    if let disabled { return .failure(disabled) }
                    spider_guard_set_marker(marker)
                    if let crashed = crashed("connect", spider_guarded_connect(table, &info, &handle, &result)) {
                        return .failure(crashed)
                    }
                    let outcome = take(&result)
                    if case .failure(let f) = outcome { return .failure(f) }
                    guard let handle else {
                        return .failure(DriverFailure(status: spider_status(SPIDER_INTERNAL),
                                                      message: "connect returned OK without a handle", retryAfterMs: 0))
                    }
                    return .success(DriverHandle(raw: UInt64(UInt(bitPattern: handle)), generation: 0))
                }
            }
        }
    }

    func isLive(_ handle: DriverHandle) -> Bool { true }

    var status: DriverRuntimeStatus {
        let problem = hasCrashed.load(ordering: .acquiring) ? crash.withLock { $0 } : nil
        return DriverRuntimeStatus(Isolation: isolation.rawValue, State: problem == nil ? "running" : "crashed", Pid: nil,
                                   Restarts: 0, LastProblem: problem.map { "crashed in \($0); restart spiderd to load it again" })
    }

    private static func pointer(_ handle: DriverHandle) -> OpaquePointer {
        OpaquePointer(bitPattern: UInt(handle.raw))!
    }

    func disconnect(_ handle: DriverHandle) {
        guard disabled == nil else { return }
        spider_guard_set_marker(marker)
        _ = crashed("disconnect", spider_guarded_disconnect(table, Self.pointer(handle)))
    }

    func call(_ handle: DriverHandle, operation: String, request: [UInt8], state: CallState) -> DriverOutcome {
        let handle = Self.pointer(handle)
        var result = Self.emptyResult()
        let ctx = Unmanaged.passRetained(state)
        defer { ctx.release() }
        if let disabled { return .failure(disabled) }
        spider_guard_set_marker(marker)
        let signal = request.withUnsafeBufferPointer { body in
            body.withMemoryRebound(to: CChar.self) { chars in
                spider_guarded_call(table, handle, OpaquePointer(ctx.toOpaque()), operation, chars.baseAddress, chars.count, &result)
            }
        }
        if let crashed = crashed(operation, signal) { return .failure(crashed) }   // its result is not the driver's to take back
        return take(&result)
    }

    /// Offers the call to the driver's `try_call`; nil when the driver has none or declines.
    func tryCall(_ handle: DriverHandle, operation: String, request: [UInt8]) -> DriverOutcome? {
        guard hasTryCall, table.pointee.try_call != nil else { return nil }
        let handle = Self.pointer(handle)
        if let disabled { return .failure(disabled) }
        var result = Self.emptyResult()
        var answered: Int32 = 0
        spider_guard_set_marker(marker)
        let signal = request.withUnsafeBufferPointer { body in
            body.withMemoryRebound(to: CChar.self) { chars in
                spider_guarded_try_call(table, handle, operation, chars.baseAddress, chars.count, &result, &answered)
            }
        }
        if let crashed = crashed(operation, signal) { return .failure(crashed) }
        return answered == 1 ? take(&result) : nil
    }

    /// Every call into the driver goes through CDriverGuard's shims: a crash comes back as its
    /// signal. This failure names a crash (nil for 0) and disables the driver from now on.
    private func crashed(_ operation: String, _ signal: Int32) -> DriverFailure? {
        guard signal != 0 else { return nil }
        let what = "\(operation) with \(DriverCrashGuard.describe(signal))"
        crash.withLock { $0 = $0 ?? what }
        hasCrashed.store(true, ordering: .releasing)
        return DriverFailure(status: spider_status(SPIDER_INTERNAL), message: "driver \(label) crashed in \(what); "
                             + "spiderd keeps running and calls this driver no more until it restarts", retryAfterMs: 0)
    }

    /// The answer of every call once the driver has crashed.
    private var disabled: DriverFailure? {
        guard hasCrashed.load(ordering: .acquiring) else { return nil }
        return crash.withLock { $0 }.map {
            DriverFailure(status: spider_status(SPIDER_INTERNAL), message: "driver \(label) is disabled: it crashed in \($0); "
                          + "restart spiderd to load it again", retryAfterMs: 0)
        }
    }

    /// `try_call` is read only when the driver's table is large enough to hold it.
    private var hasTryCall: Bool {
        Int(table.pointee.struct_size) >= MemoryLayout<spider_driver_table>.offset(of: \.try_call)! + MemoryLayout<Int>.size
    }

    private static func emptyResult() -> spider_result {
        var r = spider_result()
        r.struct_size = UInt32(MemoryLayout<spider_result>.size)
        r.status = spider_status(SPIDER_INTERNAL)
        return r
    }

    /// Copies a result out of driver memory and gives the buffers back to the driver.
    private func take(_ result: inout spider_result) -> DriverOutcome {
        defer { if disabled == nil { _ = crashed("release", spider_guarded_release(table, &result)) } }
        func text(_ p: UnsafeMutablePointer<CChar>?, _ n: Int) -> String? {
            p.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: n), as: UTF8.self) }
        }
        if result.status == spider_status(SPIDER_OK) {
            let data = result.json.map { Data(bytes: $0, count: result.json_len) } ?? Data("{}".utf8)
            return .ok(data)
        }
        return .failure(DriverFailure(
            status: result.status,
            message: text(result.message, result.message_len) ?? "driver gave no message",
            cloudError: text(result.cloud_error, result.cloud_error_len),
            retryAfterMs: result.retry_after_ms))
    }
}

/// Lends a list of key/values to C as a `spider_kv` array for the duration of `body`.
private func withKeyValues<R>(_ pairs: [(key: String, value: String)], _ body: (UnsafeBufferPointer<spider_kv>) -> R) -> R {
    let strings = pairs.map { (strdup($0.key), strdup($0.value)) }
    defer { strings.forEach { free($0.0); free($0.1) } }
    let kvs = strings.map { spider_kv(key: $0.0, value: $0.1) }
    return kvs.withUnsafeBufferPointer(body)
}
