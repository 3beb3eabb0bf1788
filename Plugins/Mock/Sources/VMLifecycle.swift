// VM states are computed from timestamps: a control operation records the transitional state and
// when it ends; every read compares that with the clock. No background threads.
import Foundation
import SpiderModels

enum WallClock {
    static func nowMs() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    static func rfc3339(_ ms: Int64) -> String {
        Date(timeIntervalSince1970: Double(ms) / 1000).formatted(.iso8601)
    }
}

extension VMRecord {
    func status(at nowMs: Int64) -> VMStatus {
        if let transitional, nowMs < settleAtMs { return transitional }
        return settled
    }

    /// A terminated VM is gone: reads do not see it and the next change removes it.
    func isGone(at nowMs: Int64) -> Bool {
        status(at: nowMs) == .Terminated
    }

    /// Enters `transitional`, settling into `target` after `settleMs`.
    mutating func begin(_ transitional: VMStatus, settlingInto target: VMStatus, now: Int64, settleMs: Int64) {
        self.transitional = transitional
        self.settled = target
        self.settleAtMs = now + settleMs
    }
}

/// The control operations: which state each needs and which it passes through.
enum VMControl: String, Sendable {
    case suspend, resume, reboot, terminate

    var required: VMStatus? {
        switch self {
        case .suspend, .reboot: .Running
        case .resume: .Suspended
        case .terminate: nil
        }
    }

    var transitional: VMStatus {
        switch self {
        case .suspend: .Suspending
        case .resume: .Resuming
        case .reboot: .Rebooting
        case .terminate: .Terminating
        }
    }

    var target: VMStatus {
        switch self {
        case .suspend: .Suspended
        case .resume, .reboot: .Running
        case .terminate: .Terminated
        }
    }

    /// Suspend and resume are idempotent, as in CB-Spider and AWS: a VM already there (or on its
    /// way) is left as it is and the call succeeds. Reboot is not: it always restarts.
    func isAlreadyDone(_ current: VMStatus) -> Bool {
        switch self {
        case .suspend, .resume: current == target || current == transitional
        case .reboot, .terminate: false
        }
    }
}

extension RegionState {
    /// Drops VMs whose termination has settled.
    mutating func purgeTerminatedVMs(at nowMs: Int64) {
        let gone = vms.values.filter { $0.isGone(at: nowMs) }.map(\.iid.SystemId)
        for id in gone { vms[id] = nil }
    }

    /// VMs that still exist (not yet terminated), in creation order.
    func liveVMs(at nowMs: Int64) -> [VMRecord] {
        vms.values.filter { !$0.isGone(at: nowMs) }.sorted { $0.sequence < $1.sequence }
    }
}
