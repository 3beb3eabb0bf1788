// MockRendezvous: calls that meet before they go on. A connection with
// `MockRendezvous=<group>:<count>[:<operation>]` holds each of its calls (or only that operation's)
// until `count` calls of the group — from any connection naming it, in this driver process — have
// arrived; then all of them go on, and so does every later call of the group. So a test or a
// client's author can see, by an event instead of a clock, that calls really run side by side: if
// they ran one after another, the first would wait until its deadline and answer CANCELLED.
import Foundation
import SpiderDriverKit

struct RendezvousSetting: Sendable, Equatable {
    let group: String
    let count: Int
    /// Only this operation waits (nil: every operation of the connection).
    let operation: String?

    static let maxCount = 1000

    /// `<group>:<count>[:<operation>]`, e.g. `dash:16:resource.count`.
    init(parsing text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, !parts[0].isEmpty, let count = Int(parts[1]), (1...Self.maxCount).contains(count) else {
            throw DriverError.invalidArgument("key 'MockRendezvous': '\(text)' is not <group>:<count>[:<operation>] "
                                              + "with a count from 1 to \(Self.maxCount)")
        }
        group = parts[0]
        self.count = count
        operation = parts.count > 2 && !parts[2].isEmpty ? parts[2] : nil
    }
}

final class Rendezvous: @unchecked Sendable {   // state guarded by `condition`
    static let shared = Rendezvous()

    private let condition = NSCondition()
    private var arrived: [String: Int] = [:]

    /// Waits until `setting.count` calls of its group have arrived (this one included). A call
    /// cancelled while it waits leaves the group and answers CANCELLED.
    func meet(_ setting: RendezvousSetting, _ context: CallContext) throws {
        condition.lock()
        defer { condition.unlock() }
        arrived[setting.group, default: 0] += 1
        while arrived[setting.group, default: 0] < setting.count {
            if context.isCancelled {
                arrived[setting.group, default: 1] -= 1
                throw DriverError(.cancelled, "MockRendezvous '\(setting.group)': \(arrived[setting.group, default: 0] + 1) of "
                                  + "\(setting.count) calls had arrived when this one was cancelled")
            }
            _ = condition.wait(until: Date(timeIntervalSinceNow: 0.005))   // woken by an arrival, or looks at cancellation
        }
        condition.broadcast()
    }
}
