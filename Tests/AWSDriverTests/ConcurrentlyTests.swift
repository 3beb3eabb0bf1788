// Concurrently.run: results in the bodies' order, the first failure in order thrown after all ran,
// a wave's bodies running at the same time, and never more than `width` of them.
import Foundation
import Synchronization
import Testing
@testable import AWSDriver

@Suite("Concurrently")
struct ConcurrentlyTests {
    struct Failure: Error, Equatable { let index: Int }

    @Test("results in order; a wave's bodies run at the same time, never more than width")
    func orderAndWidth() throws {
        let count = 20, width = Concurrently.width
        // Each body waits at a rendezvous until every body of its wave has started: that proves they
        // overlap without timing anything. Bodies run one after another would never all arrive, and
        // the bounded wait would fail them; a wave wider than width would show in `most`.
        let rendezvous = NSCondition()
        let arrived = Atomic<Int>(0), running = Atomic<Int>(0), most = Atomic<Int>(0), stranded = Atomic<Int>(0)
        let bodies: [@Sendable () throws -> Int] = (0..<count).map { index in
            {
                let now = running.wrappingAdd(1, ordering: .relaxed).newValue
                var seen = most.load(ordering: .relaxed)
                while now > seen, !most.compareExchange(expected: seen, desired: now, ordering: .relaxed).exchanged {
                    seen = most.load(ordering: .relaxed)
                }
                let waveEnd = min((index / width + 1) * width, count)
                rendezvous.lock()
                arrived.wrappingAdd(1, ordering: .relaxed)
                rendezvous.broadcast()
                var met = true
                while arrived.load(ordering: .relaxed) < waveEnd, met {
                    met = rendezvous.wait(until: Date(timeIntervalSinceNow: 60))   // a bound, not a timing
                }
                rendezvous.unlock()
                if !met { stranded.wrappingAdd(1, ordering: .relaxed) }
                running.wrappingSubtract(1, ordering: .relaxed)
                return index * index
            }
        }
        #expect(try Concurrently.run(bodies) == (0..<count).map { $0 * $0 })
        #expect(stranded.load(ordering: .relaxed) == 0, "every body met the rest of its wave")
        #expect(most.load(ordering: .relaxed) == width, "a whole wave ran at once, and no more")
    }

    @Test("the first failure in order is thrown, after every body of its wave ran")
    func firstFailure() {
        let ran = Atomic<Int>(0)
        let bodies: [@Sendable () throws -> Int] = (0..<5).map { index in
            {
                ran.wrappingAdd(1, ordering: .relaxed)
                if index == 3 || index == 1 { throw Failure(index: index) }
                return index
            }
        }
        #expect(throws: Failure(index: 1)) { try Concurrently.run(bodies) }
        #expect(ran.load(ordering: .relaxed) == 5)
    }
}
