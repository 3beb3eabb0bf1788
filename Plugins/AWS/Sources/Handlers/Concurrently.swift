// Independent look-ups sent at once: a check that asks three services costs one round trip, not
// three. Each body runs on its own thread (they block on the network, so a thread pool sized to
// the CPUs would queue them); the caller's thread runs the first. The driver's HTTP client gives
// every concurrent call its own handle, and the host's services may be called from any thread.
import Foundation
import Synchronization

enum Concurrently {
    /// Every body's result, in order, after all finished; the first failure in order is thrown.
    static func run<T: Sendable>(_ bodies: [@Sendable () throws -> T]) throws -> [T] {
        guard bodies.count > 1 else { return try bodies.map { try $0() } }
        let results = Mutex<[Int: Result<T, any Error>]>([:])
        let finished = DispatchSemaphore(value: 0)
        for index in bodies.indices.dropFirst() {
            let body = bodies[index]
            Thread.detachNewThread {
                let result = Result { try body() }
                results.withLock { $0[index] = result }
                finished.signal()
            }
        }
        let first = Result { try bodies[0]() }
        for _ in bodies.indices.dropFirst() { finished.wait() }
        let all = results.withLock { $0 }
        return try bodies.indices.map { index in try (index == 0 ? first : all[index]!).get() }
    }
}
