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
        let (id, current) = try controlTarget(request, context)
        switch current["status"].string {
        case "SUSPENDED", "SHUTOFF", "PAUSED": return VMStatusResult(Status: .Suspending)   // already: nothing to do
        case "ACTIVE": break
        default: throw busy(request, current)
        }
        try api.call(.compute, "POST", "/servers/\(id)/action", body: ["suspend": NSNull()], context: context)
        try settle(id, context)
        return VMStatusResult(Status: .Suspending)
    }

    func resumeVM(_ request: IIDRequest, _ context: CallContext) throws -> VMStatusResult {
        let (id, current) = try controlTarget(request, context)
        switch current["status"].string {
        case "ACTIVE": return VMStatusResult(Status: .Resuming)   // already running
        case "SUSPENDED": try api.call(.compute, "POST", "/servers/\(id)/action", body: ["resume": NSNull()], context: context)
        case "SHUTOFF": try api.call(.compute, "POST", "/servers/\(id)/action", body: ["os-start": NSNull()], context: context)
        case "PAUSED": try api.call(.compute, "POST", "/servers/\(id)/action", body: ["unpause": NSNull()], context: context)
        default: throw busy(request, current)
        }
        try settle(id, context)
        return VMStatusResult(Status: .Resuming)
    }

    func rebootVM(_ request: IIDRequest, _ context: CallContext) throws -> VMStatusResult {
        let (id, current) = try controlTarget(request, context)
        guard current["status"].string == "ACTIVE" else {
            throw DriverError.conflict("VM '\(request.IId.NameId)' is \(VMStatusMapping.status(current).rawValue), not Running: "
                                       + "only a running VM reboots (resume it first)")
        }
        try api.call(.compute, "POST", "/servers/\(id)/action", body: ["reboot": ["type": "SOFT"]], context: context)
        try settle(id, context)
        return VMStatusResult(Status: .Rebooting)
    }

    // MARK: steps

    private func controlTarget(_ request: IIDRequest, _ context: CallContext) throws -> (String, JSON) {
        let id = try requireOpenStackID(request.IId, "VM")
        return (id, try server(id, context))
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
