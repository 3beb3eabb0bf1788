// Waiting for AWS to settle (a volume attached, an instance running): read again every second
// until the answer is settled, the call is cancelled, two minutes passed, or only two seconds of
// the call's deadline are left for the answer; then the last read as it is (the caller judges it).
import Foundation
import SpiderDriverKit

enum Polling {
    static func read<T>(_ context: CallContext, _ read: () throws -> T, until settled: (T) -> Bool) throws -> T {
        var value = try read()
        var waitedMs = 0
        while !settled(value), waitedMs < 120_000, context.deadlineRemainingMs > 2_000 {
            for _ in 0..<10 {
                try context.checkCancelled()
                usleep(100_000)
            }
            waitedMs += 1_000
            value = try read()
        }
        return value
    }
}
