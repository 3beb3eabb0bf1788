// Fault injection from connection keys: MockLatencyMs (a delay on every call),
// MockFailureRate (a fraction of calls fails with INTERNAL before doing anything),
// MockRendezvous (calls wait for each other: Rendezvous.swift) and MockCrashOn (one operation
// hits a Swift runtime trap, as a driver bug would: how the host contains a crashing driver can
// be seen, and tested, with a real Swift driver).
import Foundation
import SpiderDriverKit

struct FaultInjector: Sendable {
    let latencyMs: Int
    let failureRate: Double
    /// The rate as the user wrote it, for the error message.
    let failureRateText: String
    /// The operation that crashes the driver (nil: none).
    let crashOn: String?
    /// Calls that wait for each other (MockRendezvous; nil: none).
    var rendezvous: RendezvousSetting? = nil

    /// How long one sleep step lasts, so a cancelled call stops promptly.
    static let stepMs = 5

    /// Runs before every operation. Free when no knob is set.
    func apply(_ context: CallContext, operation: String) throws {
        if let crashOn, crashOn == operation { Self.crash() }
        if let rendezvous, rendezvous.operation == nil || rendezvous.operation == operation {
            try context.mayBlock()  // waiting is a block: decline an immediate attempt
            try Rendezvous.shared.meet(rendezvous, context)
        }
        if latencyMs > 0 {
            try context.mayBlock()  // a delay is a block: decline an immediate attempt
            try delay(context)
        }
        if failureRate > 0, Double.random(in: 0..<1) < failureRate {
            throw DriverError.internal("injected failure (MockFailureRate=\(failureRateText))")
        }
    }

    /// A force-unwrapped nil, found at run time: Swift stops the process here (a trap), unless the
    /// host catches it, which is what MockCrashOn is for.
    @inline(never)
    private static func crash() {
        let count: Int? = Int("MockCrashOn")
        _ = count!
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
