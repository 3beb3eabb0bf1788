// Waiting for a cloud to settle (a volume attached, an instance running): read again every
// `everyMs` (a second unless told) until the answer is settled, the call is cancelled, two
// minutes passed, or only two seconds of the call's deadline are left for the answer; then the
// last read as it is (the caller judges it).
import Foundation

public enum Polling {
    public static func read<T>(_ context: CallContext, everyMs: Int = 1_000, _ read: () throws -> T,
                               until settled: (T) -> Bool) throws -> T {
        var value = try read()
        var waitedMs = 0
        let step = max(10, min(everyMs, 100))
        while !settled(value), waitedMs < 120_000, context.deadlineRemainingMs > 2_000 {
            var slept = 0
            while slept < everyMs {
                try context.checkCancelled()
                usleep(useconds_t(step * 1_000))
                slept += step
            }
            waitedMs += everyMs
            value = try read()
        }
        return value
    }
}
