// Swift views of the host-services table and of one call's context.
import SpiderDriverABI

/// The services the host passed to `spider_driver_entry`; valid for the life of the process.
public struct HostServices: @unchecked Sendable {
    let table: UnsafePointer<spider_host_services>

    public enum LogLevel: Int32, Sendable { case debug = 0, info, warn, error }

    /// Log through the host's logger, tagged with the driver's name.
    public func log(_ level: LogLevel, _ message: String) {
        var text = message
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                table.pointee.log(table.pointee.host_data, level.rawValue, chars.baseAddress, chars.count)
            }
        }
    }

    /// The folder that belongs to this driver and survives restarts.
    public var dataDirectory: String {
        String(cString: table.pointee.data_dir)
    }
}

/// Thrown by `CallContext.mayBlock()` during an immediate attempt: the host will retry the
/// operation on a worker thread, where blocking is allowed.
public struct WouldBlock: Error, Sendable {}

/// One in-flight call: ask it whether to stop, and report progress.
public struct CallContext: @unchecked Sendable {
    let host: UnsafePointer<spider_host_services>
    let context: OpaquePointer?
    /// True during `try_call`, on the host's I/O thread: nothing may block.
    public let mustNotBlock: Bool

    init(host: UnsafePointer<spider_host_services>, context: OpaquePointer?, mustNotBlock: Bool = false) {
        self.host = host
        self.context = context
        self.mustNotBlock = mustNotBlock
    }

    /// Call before anything that may block; during an immediate attempt it declines the attempt.
    public func mayBlock() throws {
        if mustNotBlock { throw WouldBlock() }
    }

    /// True when the client went away or the call's deadline passed.
    public var isCancelled: Bool {
        host.pointee.is_cancelled(host.pointee.host_data, context) != 0
    }

    /// Milliseconds before the deadline (Int64.max when none).
    public var deadlineRemainingMs: Int64 {
        host.pointee.deadline_remaining_ms(host.pointee.host_data, context)
    }

    /// Throws CANCELLED when the call should stop; call it between slow steps.
    public func checkCancelled() throws {
        if isCancelled { throw DriverError(.cancelled, "the call was cancelled or passed its deadline") }
    }

    public func progress(done: UInt64, total: UInt64, stage: String? = nil) {
        if let stage {
            stage.withCString { host.pointee.progress(host.pointee.host_data, context, done, total, $0) }
        } else {
            host.pointee.progress(host.pointee.host_data, context, done, total, nil)
        }
    }
}
