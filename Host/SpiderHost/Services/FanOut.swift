// Runs one piece of work per item on the worker pool, a bounded number at a time, and returns
// the results in the items' order. The calling thread (itself a worker) takes items too, so the
// work finishes even when every pool thread is busy: nothing waits on a helper that never starts.
import Dispatch
import NIOPosix
import Synchronization

enum FanOut {
    static func map<Item: Sendable, Result: Sendable>(_ items: [Item], limit: Int, on pool: NIOThreadPool,
                                                      _ body: @escaping @Sendable (Item) -> Result) -> [Result] {
        guard !items.isEmpty else { return [] }
        let work = Work<Item, Result>(items, body)
        for _ in 0..<min(max(limit, 1), items.count) - 1 {
            pool.submit { state in
                if case .active = state { work.drain() }
            }
        }
        work.drain()
        return work.waitForAll()
    }

    private final class Work<Item: Sendable, Result: Sendable>: Sendable {
        private let items: [Item]
        private let body: @Sendable (Item) -> Result
        private let state: Mutex<(next: Int, done: Int, results: [Result?])>
        private let allDone = DispatchSemaphoreBox()

        init(_ items: [Item], _ body: @escaping @Sendable (Item) -> Result) {
            self.items = items
            self.body = body
            state = Mutex((0, 0, Array(repeating: nil, count: items.count)))
        }

        /// Takes items until none are left.
        func drain() {
            while true {
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

        func waitForAll() -> [Result] {
            allDone.wait()
            return state.withLock { $0.results.map { $0! } }
        }
    }
}

/// A semaphore that may be shared across threads under Swift 6's checks.
final class DispatchSemaphoreBox: @unchecked Sendable {  // DispatchSemaphore is thread-safe
    private let semaphore = DispatchSemaphore(value: 0)
    func signal() { semaphore.signal() }
    func wait() { semaphore.wait() }
}
