// A share of the host's worker threads for one cloud. Every driver call holds a worker thread while
// it runs, so a cloud that hangs (or a driver that never returns) would otherwise take every thread
// and stall every other cloud. A bulkhead lets `limit` calls run at once and `queue` more wait for
// a place (until their deadline); a call past both is refused at once with 503 and Retry-After. Each
// driver has one across its connections, each connection one of its own, so neither one connection
// nor one driver can hold more than its share.
import Dispatch
import Foundation
import SpiderDriverABI
import Synchronization

final class Bulkhead: Sendable {
    /// "driver mock 1.0.0", "connection 'aws-east'": for messages.
    let name: String
    let limit: Int
    let queue: Int
    /// The flag that sets `limit` (for the message that says how to change it).
    let setting: String
    private let state = Mutex<(running: Int, waiting: Int)>((0, 0))
    private let freed = NSCondition()
    private let gauge: SaturationGauge

    init(name: String, limit: Int, queue: Int, setting: String, gauge: SaturationGauge) {
        self.name = name
        self.limit = limit
        self.queue = queue
        self.setting = setting
        self.gauge = gauge
    }

    /// Takes a place, waiting (within the call's deadline) when all are taken and the queue has room.
    func enter(_ call: CallState) -> DriverFailure? {
        let admitted = state.withLock { s -> Bool? in
            if s.running < limit {
                s.running += 1
                if s.running == limit { gauge.full() }
                return true
            }
            if s.waiting < queue { s.waiting += 1; return false }
            return nil
        }
        switch admitted {
        case true?: return nil
        case nil:
            return DriverFailure(status: spider_status(SPIDER_RETRYABLE),
                                 message: "\(name) is saturated: \(limit) calls running and \(queue) waiting; try again (\(setting) sets its share)",
                                 retryAfterMs: 1000)
        case false?:
            call.whenCancelled { [freed] in freed.lock(); freed.broadcast(); freed.unlock() }
            freed.lock()
            defer { freed.unlock() }
            while true {
                let placed = state.withLock { s -> Bool in
                    guard s.running < limit else { return false }
                    s.waiting -= 1
                    s.running += 1
                    if s.running == limit { gauge.full() }
                    return true
                }
                if placed { return nil }
                if call.isCancelled || !freed.wait(until: Date(timeIntervalSinceNow: Double(call.remainingMs) / 1000)) {
                    state.withLock { $0.waiting -= 1 }
                    return DriverFailure(status: spider_status(SPIDER_CANCELLED),
                                         message: "\(name) had no free place (\(limit) calls running) before the call's deadline", retryAfterMs: 0)
                }
            }
        }
    }

    func leave() {
        state.withLock { s in
            if s.running == limit { gauge.notFull() }
            s.running -= 1
        }
        freed.lock()
        freed.signal()
        freed.unlock()
    }

    /// "12 running, 3 waiting of 16 + 8" when every place is taken; nil otherwise.
    var saturation: String? {
        let s = state.withLock { $0 }
        return s.running >= limit ? "\(name): \(s.running) calls running, \(s.waiting) waiting (limit \(limit) + \(queue) queued)" : nil
    }
}

/// How many bulkheads are full right now: readyz reads one number, and lists them only when it is not 0.
final class SaturationGauge: Sendable {
    private let count = Atomic<Int>(0)
    func full() { count.wrappingAdd(1, ordering: .relaxed) }
    func notFull() { count.wrappingSubtract(1, ordering: .relaxed) }
    var anyFull: Bool { count.load(ordering: .relaxed) > 0 }
}
