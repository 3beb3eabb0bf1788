// Runs blocking work on several threads at once and collects the results in index order.
import Foundation
import Synchronization

/// A value shared between threads (a Mutex that escaping closures can capture).
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
    var value: Value { mutex.withLock { $0 } }
}

func concurrently<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
    let results = Locked<[Int: T]>([:])
    let group = DispatchGroup()
    // Start together, so the workers really overlap.
    let gate = DispatchSemaphore(value: 0)
    for index in 0..<count {
        group.enter()
        Thread.detachNewThread {
            gate.wait()
            let value = body(index)
            results.withLock { $0[index] = value }
            group.leave()
        }
    }
    for _ in 0..<count { gate.signal() }
    group.wait()
    let collected = results.value
    return (0..<count).map { collected[$0]! }
}
