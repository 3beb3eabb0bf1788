// The one thread that starts the drivers' processes. A helper asks the kernel to kill it when its
// parent ends (PR_SET_PDEATHSIG), and "parent" there means the spawning *thread*: spawned from a
// worker or a short-lived thread, a helper would be killed when that thread ends. This thread lives
// as long as spiderd does.
import Foundation

final class Spawner: @unchecked Sendable {   // `work` and `done` are guarded by `lock`
    static let shared = Spawner()

    private let lock = NSCondition()
    private var work: [() -> Void] = []

    private init() {
        let thread = Thread { [unowned self] in self.serve() }
        thread.name = "spiderd-spawner"
        thread.start()
    }

    /// Runs `body` on the spawner thread and answers its result.
    func run<T>(_ body: @escaping () -> T) -> T {
        var result: T?
        let finished = NSCondition()
        lock.lock()
        work.append {
            let value = body()
            finished.lock()
            result = value
            finished.signal()
            finished.unlock()
        }
        lock.signal()
        lock.unlock()
        finished.lock()
        while result == nil { finished.wait() }
        finished.unlock()
        return result!
    }

    private func serve() {
        while true {
            lock.lock()
            while work.isEmpty { lock.wait() }
            let next = work.removeFirst()
            lock.unlock()
            next()
        }
    }
}
