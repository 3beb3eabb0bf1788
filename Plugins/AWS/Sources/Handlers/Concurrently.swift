// Independent look-ups sent at once: a check that asks three services costs one round trip, not
// three. Each body runs on its own thread (they block on the network, so a thread pool sized to
// the CPUs would queue them), at most `width` at a time; the caller's thread runs one of each
// wave. The driver's HTTP client gives every concurrent call its own handle, and the host's
// services may be called from any thread.
import Foundation
import Synchronization

enum Concurrently {
    /// How many bodies run at the same time (a region's hundred target groups go in waves).
    static let width = 8

    /// Every body's result, in order, after all finished; the first failure in order is thrown.
    static func run<T: Sendable>(_ bodies: [@Sendable () throws -> T]) throws -> [T] {
        var results: [T] = []
        results.reserveCapacity(bodies.count)
        for start in stride(from: 0, to: bodies.count, by: width) {
            results += try wave(Array(bodies[start..<min(start + width, bodies.count)]))
        }
        return results
    }

    private static func wave<T: Sendable>(_ bodies: [@Sendable () throws -> T]) throws -> [T] {
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
