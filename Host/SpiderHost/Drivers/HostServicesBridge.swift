// The host-services table handed to each driver, and the state of one call (deadline and
// cancellation). C callbacks are file-scope lets: they capture nothing and run on any thread.
import Foundation
import Logging
import SpiderDriverABI
import Synchronization

/// What `host_data` points at: the logger tagged with the driver's name.
final class DriverHostContext: Sendable {
    let logger: Logger
    init(driverLabel: String, logger: Logger) {
        var l = logger
        l[metadataKey: "driver"] = .string(driverLabel)
        self.logger = l
    }
}

/// What `spider_call_context*` points at for one call.
final class CallState: Sendable {
    let deadlineNanos: UInt64
    private let cancelled = Atomic<Bool>(false)
    private let progressDone = Atomic<UInt64>(0)

    /// A call made on behalf of another (a fan-out's per-connection call) stops when that one does.
    private let parent: CallState?
    /// Run once when the call is cancelled (an isolated driver's process is told).
    private let cancelActions = Mutex<[@Sendable () -> Void]?>([])

    init(timeoutSeconds: Double, parent: CallState? = nil) {
        deadlineNanos = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, timeoutSeconds) * 1e9)
        self.parent = parent
    }

    func cancel() {
        cancelled.store(true, ordering: .relaxed)
        let actions = cancelActions.withLock { a -> [@Sendable () -> Void] in
            defer { a = nil }
            return a ?? []
        }
        actions.forEach { $0() }
    }

    /// Runs `action` when the call is cancelled (or its parent is), at once when it already was.
    /// A deadline passing is not a cancel(): whoever waits on a deadline checks it itself.
    func whenCancelled(_ action: @escaping @Sendable () -> Void) {
        let now = cancelActions.withLock { a -> Bool in
            guard a != nil else { return true }
            a!.append(action)
            return false
        }
        if now { action() }
        parent?.whenCancelled(action)
    }

    var isCancelled: Bool {
        cancelled.load(ordering: .relaxed) || DispatchTime.now().uptimeNanoseconds >= deadlineNanos || parent?.isCancelled == true
    }

    var remainingMs: Int64 {
        let now = DispatchTime.now().uptimeNanoseconds
        return now >= deadlineNanos ? 0 : Int64((deadlineNanos - now) / 1_000_000)
    }

    func recordProgress(_ done: UInt64) { progressDone.store(done, ordering: .relaxed) }
}

enum HostServicesBridge {
    /// A services table that lives as long as the process (drivers may keep the pointer).
    static func makeTable(context: DriverHostContext, dataDir: String) -> UnsafePointer<spider_host_services> {
        let table = UnsafeMutablePointer<spider_host_services>.allocate(capacity: 1)
        table.initialize(to: spider_host_services(
            struct_size: UInt32(MemoryLayout<spider_host_services>.size),
            abi_version: UInt32(SPIDER_ABI_VERSION),
            host_data: Unmanaged.passRetained(context).toOpaque(),
            log: logThunk,
            is_cancelled: isCancelledThunk,
            deadline_remaining_ms: remainingThunk,
            progress: progressThunk,
            data_dir: strdup(dataDir)))
        return UnsafePointer(table)
    }
}

private func callState(_ ctx: OpaquePointer?) -> CallState? {
    ctx.map { Unmanaged<CallState>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() }
}

private let logThunk: @convention(c) (UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?, Int) -> Void = {
    hostData, level, message, length in
    guard let hostData, let message else { return }
    let context = Unmanaged<DriverHostContext>.fromOpaque(hostData).takeUnretainedValue()
    let text = String(decoding: UnsafeRawBufferPointer(start: message, count: length), as: UTF8.self)
    let swiftLevel: Logger.Level = switch level {
    case Int32(SPIDER_LOG_DEBUG): .debug
    case Int32(SPIDER_LOG_WARN): .warning
    case Int32(SPIDER_LOG_ERROR): .error
    default: .info
    }
    context.logger.log(level: swiftLevel, "\(text)")
}

private let isCancelledThunk: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?) -> Int32 = { _, ctx in
    (callState(ctx)?.isCancelled ?? false) ? 1 : 0
}

private let remainingThunk: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?) -> Int64 = { _, ctx in
    callState(ctx)?.remainingMs ?? Int64.max
}

private let progressThunk: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UInt64, UInt64, UnsafePointer<CChar>?) -> Void = {
    _, ctx, done, _, _ in
    callState(ctx)?.recordProgress(done)
}
