// Runs one piece of work per item on the worker pool, a bounded number at a time, and returns
// the results in the items' order by a deadline. The caller mostly waits: an item still running
// at the deadline (a driver stuck where it cannot be cancelled) or when the caller is cancelled
// gets `late(item)` in its place, and its real result is dropped when it comes. When no pool
// thread is free to start (every worker busy), the caller works through the items itself, so
// the fan-out never waits on helpers that cannot run.
import Dispatch
import NIOPosix
import Synchronization

enum FanOut {
    /// How long the caller waits for a helper to start before it works itself.
    static let helperGrace = DispatchTimeInterval.milliseconds(50)
    /// How often a waiting caller checks `cancelled`.
    static let pollInterval = DispatchTimeInterval.milliseconds(20)

    static func map<Item: Sendable, Result: Sendable>(_ items: [Item], limit: Int, on pool: NIOThreadPool, deadline: DispatchTime,
                                                      cancelled: @escaping @Sendable () -> Bool,
                                                      late: @escaping @Sendable (Item) -> Result,
                                                      _ body: @escaping @Sendable (Item) -> Result) -> [Result] {
        guard !items.isEmpty else { return [] }
        let work = Work<Item, Result>(items, body)
        for _ in 0..<min(max(limit, 1), items.count) {
            pool.submit { state in
                guard case .active = state else { return }
                work.noteHelperStarted()
                work.drain(until: deadline)
            }
        }
        if !work.wait(until: min(.now() + helperGrace, deadline)), !work.helperStarted {
            work.drain(until: deadline)
        }
        while !work.wait(until: min(.now() + pollInterval, deadline)), DispatchTime.now() < deadline, !cancelled() {}
        return work.finish().enumerated().map { index, result in result ?? late(items[index]) }
    }

    private final class Work<Item: Sendable, Result: Sendable>: Sendable {
        private let items: [Item]
        private let body: @Sendable (Item) -> Result
        private let state: Mutex<(next: Int, done: Int, helpers: Int, results: [Result?])>
        private let allDone = DispatchSemaphoreBox()

        init(_ items: [Item], _ body: @escaping @Sendable (Item) -> Result) {
            self.items = items
            self.body = body
            state = Mutex((0, 0, 0, Array(repeating: nil, count: items.count)))
        }

        func noteHelperStarted() { state.withLock { $0.helpers += 1 } }
        var helperStarted: Bool { state.withLock { $0.helpers > 0 } }

        /// Takes items until none are left or the deadline has passed.
        func drain(until deadline: DispatchTime) {
            while DispatchTime.now() < deadline {
                let index = state.withLock { s -> Int? in
                    guard s.next < items.count else { return nil }
                    s.next += 1
                    return s.next - 1
                }
                guard let index else { return }
                let result = body(items[index])
                let last = state.withLock { s -> Bool in
                    s.results[index] = result
                    s.done += 1
                    return s.done == items.count
                }
                if last { allDone.signal() }
            }
        }

        /// True once every item is done (the signal is kept for later waits).
        func wait(until deadline: DispatchTime) -> Bool {
            guard allDone.wait(until: deadline) else { return false }
            allDone.signal()
            return true
        }

        /// What has finished (nil for the rest); nothing more starts.
        func finish() -> [Result?] {
            state.withLock { s in
                s.next = items.count
                return s.results
            }
        }
    }
}

/// A semaphore that may be shared across threads under Swift 6's checks.
final class DispatchSemaphoreBox: @unchecked Sendable {  // DispatchSemaphore is thread-safe
    private let semaphore = DispatchSemaphore(value: 0)
    func signal() { semaphore.signal() }
    /// False when the deadline passed first.
    func wait(until deadline: DispatchTime) -> Bool { semaphore.wait(timeout: deadline) == .success }
}
