// vm.status, vm.status.list and the controls: suspend = Nova's suspend, resume = resume (or
// start for a VM shut off outside Spider), reboot = a soft reboot. Each is idempotent as CB-Spider
// is: suspending a suspended VM or resuming a running one succeeds and does nothing. Each waits
// until Nova settles (so the next status read shows the result) and answers CB-Spider's word for
// the transition (Suspending, Resuming, Rebooting).
import Foundation
import SpiderDriverKit
import SpiderModels

extension OpenStackConnection {
    func vmStatus(_ request: IIDRequest, _ context: CallContext) throws -> VMStatusResult {
        VMStatusResult(Status: VMStatusMapping.status(try server(try requireOpenStackID(request.IId, "VM"), context)))
    }

    func listVMStatuses(_ context: CallContext) throws -> VMStatusList {
        let servers = try api.call(.compute, "GET", "/servers/detail", microversion: Self.serverMicroversion, context: context)["servers"].array
        return VMStatusList(servers.map {
            VMStatusInfo(IId: IID(NameId: $0["name"].string, SystemId: $0["id"].string), VmStatus: VMStatusMapping.status($0))
        })
    }

    func suspendVM(_ request: IIDRequest, _ context: CallContext) throws -> VMStatusResult {
        let id = try requireOpenStackID(request.IId, "VM")
        // Asked first, read only when Nova refuses (409: not ACTIVE): the usual case costs no read.
        try act(id, ["suspend": NSNull()], context) { current in
            switch current["status"].string {
            case "SUSPENDED", "SHUTOFF", "PAUSED": return nil   // already: nothing to do
            case "ACTIVE": return ["suspend": NSNull()]          // it settled in between
            default: throw busy(request, current)
            }
        }
        return VMStatusResult(Status: .Suspending)
    }

    func resumeVM(_ request: IIDRequest, _ context: CallContext) throws -> VMStatusResult {
        let id = try requireOpenStackID(request.IId, "VM")
        try act(id, ["resume": NSNull()], context) { current in
            switch current["status"].string {
            case "ACTIVE": return nil   // already running
            case "SUSPENDED": return ["resume": NSNull()]
            case "SHUTOFF": return ["os-start": NSNull()]
            case "PAUSED": return ["unpause": NSNull()]
            default: throw busy(request, current)
            }
        }
        return VMStatusResult(Status: .Resuming)
    }

    func rebootVM(_ request: IIDRequest, _ context: CallContext) throws -> VMStatusResult {
        let id = try requireOpenStackID(request.IId, "VM")
        try act(id, ["reboot": ["type": "SOFT"]], context) { current in
            if current["status"].string == "ACTIVE" { return ["reboot": ["type": "SOFT"]] }   // it settled in between
            throw DriverError.conflict("VM '\(request.IId.NameId)' is \(VMStatusMapping.status(current).rawValue), not Running: "
                                       + "only a running VM reboots (resume it first)")
        }
        return VMStatusResult(Status: .Rebooting)
    }

    // MARK: steps

    /// Asks Nova for `action` and waits until it settles. When Nova refuses it (409: the server is
    /// in another state), `instead` sees the server as it is and names the action that fits, nil
    /// for none (already there), or throws.
    private func act(_ id: String, _ action: [String: Any], _ context: CallContext,
                     instead: (JSON) throws -> [String: Any]?) throws {
        do {
            try api.call(.compute, "POST", "/servers/\(id)/action", body: action, context: context)
        } catch let error as DriverError where error.status == .conflict {
            guard let other = try instead(try server(id, context)) else { return }
            try api.call(.compute, "POST", "/servers/\(id)/action", body: other, context: context)
        }
        try settle(id, context)
    }

    /// Waits until Nova has no task running on the server.
    private func settle(_ id: String, _ context: CallContext) throws {
        _ = try Polling.read(context, everyMs: 250, { try self.server(id, context) }, until: { server in
            !server["OS-EXT-STS:task_state"].exists && !["REBOOT", "HARD_REBOOT", "BUILD"].contains(server["status"].string)
        })
    }

    private func busy(_ request: IIDRequest, _ server: JSON) -> DriverError {
        DriverError.conflict("VM '\(request.IId.NameId)' is \(server["status"].string) in Nova "
                             + "(Spider: \(VMStatusMapping.status(server).rawValue)): try again when it settles")
    }
}
