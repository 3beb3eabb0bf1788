// AWS instance states as Spider VM statuses. AWS has no state for a reboot: an instance stays
// `running`, so a running instance with a RebootInstances call in flight reads as Rebooting.
import SpiderModels

enum VMStatusMapping {
    /// AWS's states an instance is alive in (everything but terminated).
    static let liveStates = ["pending", "running", "stopping", "stopped", "shutting-down"]

    static func status(awsState: String, rebooting: Bool = false) -> VMStatus {
        switch awsState {
        case "pending": .Creating
        case "running": rebooting ? .Rebooting : .Running
        case "stopping": .Suspending
        case "stopped": .Suspended
        case "shutting-down": .Terminating
        case "terminated": .Terminated
        default: .Failed
        }
    }
}
