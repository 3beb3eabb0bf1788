// A child's exit as an event: a pidfd (Linux 5.3+) becomes readable when the process ends.
import Glibc

public final class ProcessWatch: EventSource {
    public let eventDescriptor: Int32

    private typealias PidfdOpen = @convention(c) (pid_t, UInt32) -> Int32
    /// glibc 2.36 exports pidfd_open; Swift's Glibc module does not declare it.
    private static let pidfdOpen: PidfdOpen? = dlsym(nil, "pidfd_open").map { unsafeBitCast($0, to: PidfdOpen.self) }

    /// Watches `pid`, a child of this process that has not been reaped yet.
    public init(_ pid: pid_t) throws {
        guard let open = Self.pidfdOpen else { throw EventFailure("pidfd_open is not available (glibc 2.36 and Linux 5.3 are needed)") }
        let fd = open(pid, 0)
        guard fd >= 0 else { throw EventFailure("pidfd_open(\(pid)): \(String(cString: strerror(errno)))") }
        eventDescriptor = fd
    }

    /// A pidfd stays readable once the process has ended: nothing to read.
    public func drain() {}

    deinit { close(eventDescriptor) }
}

public struct EventFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
