// Nova's server status (and task state) as CB-Spider's VM status.
import SpiderModels

enum VMStatusMapping {
    static func status(_ server: JSON) -> VMStatus {
        let task = server["OS-EXT-STS:task_state"].string
        switch task {
        case "suspending", "shelving", "powering-off", "pausing": return .Suspending
        case "resuming", "unshelving", "powering-on", "unpausing": return .Resuming
        case "rebooting", "reboot_pending", "reboot_started", "rebooting_hard", "reboot_pending_hard", "reboot_started_hard":
            return .Rebooting
        case "deleting": return .Terminating
        default: break
        }
        return status(server["status"].string)
    }

    static func status(_ novaStatus: String) -> VMStatus {
        switch novaStatus.uppercased() {
        case "BUILD", "BUILDING": return .Creating
        case "ACTIVE": return .Running
        case "SUSPENDED", "SHUTOFF", "PAUSED", "SHELVED", "SHELVED_OFFLOADED", "STOPPED": return .Suspended
        case "REBOOT", "HARD_REBOOT": return .Rebooting
        case "DELETED", "SOFT_DELETED": return .Terminated
        case "ERROR": return .Failed
        default: return .Creating   // MIGRATING, RESIZE, VERIFY_RESIZE, REBUILD, PASSWORD, RESCUE: busy, coming back
        }
    }
}
