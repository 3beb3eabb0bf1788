// Concurrently.run: results in the bodies' order, the first failure in order thrown after all ran,
// and never more than `width` bodies at the same time.
import Foundation
import Synchronization
import Testing
@testable import AWSDriver

@Suite("Concurrently")
struct ConcurrentlyTests {
    struct Failure: Error, Equatable { let index: Int }

    @Test("results in order; at most width at once")
    func orderAndWidth() throws {
        let running = Atomic<Int>(0), most = Atomic<Int>(0)
        let bodies: [@Sendable () throws -> Int] = (0..<20).map { index in
            {
                let now = running.wrappingAdd(1, ordering: .relaxed).newValue
                var seen = most.load(ordering: .relaxed)
                while now > seen, !most.compareExchange(expected: seen, desired: now, ordering: .relaxed).exchanged {
                    seen = most.load(ordering: .relaxed)
                }
                usleep(20_000)   // long enough for the wave's bodies to overlap
                running.wrappingSubtract(1, ordering: .relaxed)
                return index * index
            }
        }
        #expect(try Concurrently.run(bodies) == (0..<20).map { $0 * $0 })
        #expect(most.load(ordering: .relaxed) <= Concurrently.width)
        #expect(most.load(ordering: .relaxed) > 1, "the bodies of a wave overlap")
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
