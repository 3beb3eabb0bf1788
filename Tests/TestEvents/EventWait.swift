// Tests wait for events, never for time: a child that exits (ProcessWatch), a file that changes
// (FileWatch), a datagram such as systemd's READY=1 (NotifySocket). `EventWait.until` checks a
// condition now and again after each event, sleeping in poll(2) in between. Its bound only turns
// a hang into a failure that says what never happened; no test reads anything from how long it took.
import Glibc

/// Something poll(2) can wait on.
public protocol EventSource: AnyObject {
    var eventDescriptor: Int32 { get }
    /// Reads what made the descriptor readable, so the next poll waits for a new event.
    func drain()
}

public enum EventWait {
    /// Calls `check` now and after every event on `sources` until it answers non-nil; nil when the
    /// bound passes first (the caller fails, naming what it waited for).
    public static func until<T>(_ sources: [any EventSource], boundSeconds: Double = 60, _ check: () throws -> T?) rethrows -> T? {
        let end = now() + boundSeconds
        while true {
            if let value = try check() { return value }
            let left = end - now()
            if left <= 0 { return nil }
            var fds = sources.map { pollfd(fd: $0.eventDescriptor, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), Int32(min(left, 3600) * 1000) + 1)
            if ready < 0 && errno != EINTR { return try check() }
            for (index, fd) in fds.enumerated() where fd.revents != 0 { sources[index].drain() }
        }
    }

    /// Like `until`, for a condition that needs no value.
    public static func until(_ sources: [any EventSource], boundSeconds: Double = 60, _ check: () throws -> Bool) rethrows -> Bool {
        try until(sources, boundSeconds: boundSeconds) { try check() ? true : nil } ?? false
    }

    private static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
