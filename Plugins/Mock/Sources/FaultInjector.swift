// Fault injection from connection keys: MockLatencyMs (a delay on every call) and
// MockFailureRate (a fraction of calls fails with INTERNAL before doing anything).
import Foundation
import SpiderDriverKit

struct FaultInjector: Sendable {
    let latencyMs: Int
    let failureRate: Double
    /// The rate as the user wrote it, for the error message.
    let failureRateText: String

    /// How long one sleep step lasts, so a cancelled call stops promptly.
    static let stepMs = 5

    /// Runs before every operation. Free when both knobs are 0.
    func apply(_ context: CallContext) throws {
        if latencyMs > 0 {
            try context.mayBlock()  // a delay is a block: decline an immediate attempt
            try delay(context)
        }
        if failureRate > 0, Double.random(in: 0..<1) < failureRate {
            throw DriverError.internal("injected failure (MockFailureRate=\(failureRateText))")
        }
    }

    private func delay(_ context: CallContext) throws {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(latencyMs) * 1_000_000
        while true {
            try context.checkCancelled()
            let now = DispatchTime.now().uptimeNanoseconds
            guard now < deadline else { return }
            let step = min(deadline - now, UInt64(Self.stepMs) * 1_000_000)
            usleep(useconds_t(step / 1_000))
        }
    }
}
