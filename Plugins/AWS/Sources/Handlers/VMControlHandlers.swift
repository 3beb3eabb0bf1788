// vm.status, vm.status.list and the control operations: suspend = StopInstances, resume =
// StartInstances, reboot = RebootInstances, terminate = TerminateInstances. Suspend, resume and
// terminate are sent at once and judged by the state AWS answers with: AWS accepts a stop of a
// stopped instance silently (previousState stopped), and so does Spider, as CB-Spider does:
// suspend of a suspended (or stopping) VM and resume of a running one succeed and change nothing.
// A state AWS refuses (IncorrectInstanceState) is looked up once to say which. Reboot looks first:
// moto "reboots" a stopped instance into running.
import SpiderDriverKit
import SpiderModels

extension AWSConnection {
    func vmStatus(_ request: IIDRequest, _ context: CallContext) throws -> VMStatusResult {
        let instance = try describeInstance(try requireSystemID(request.IId, "VM"), try ec2(), context)
        return VMStatusResult(Status: status(of: instance))
    }

    func listVMStatuses(_ context: CallContext) throws -> VMStatusList {
        let instances = try describeInstances(EC2Params(), try ec2(), context)
        return VMStatusList(instances.map {
            VMStatusInfo(IId: IID(NameId: $0.spiderName(), SystemId: $0.string("instanceId")), VmStatus: status(of: $0))
        })
    }

    func suspendVM(_ request: IIDRequest, _ context: CallContext) throws -> VMStatusResult {
        try control(request, "StopInstances", needs: .Running, alreadyDone: [.Suspended, .Suspending], for: "suspend",
                    answer: .Suspending, context)
    }

    func resumeVM(_ request: IIDRequest, _ context: CallContext) throws -> VMStatusResult {
        try control(request, "StartInstances", needs: .Suspended, alreadyDone: [.Running], for: "resume", answer: .Resuming, context)
    }

    func rebootVM(_ request: IIDRequest, _ context: CallContext) throws -> VMStatusResult {
        let (id, ec2) = try controlTarget(request, needs: .Running, for: "reboot", context)
        var params = EC2Params()
        params.list("InstanceId", [id])
        _ = try compute.whileRebooting(id) { try ec2.call("RebootInstances", params, context: context) }
        return VMStatusResult(Status: .Rebooting)
    }

    func terminateVM(_ request: IIDRequest, _ context: CallContext) throws -> VMStatusResult {
        let ec2 = try ec2()
        let id = try requireSystemID(request.IId, "VM")
        try checkVMNotInNLB(id, label: request.IId.NameId.isEmpty ? id : request.IId.NameId, context)
        var params = EC2Params()
        params.list("InstanceId", [id])
        // TerminateInstances of a terminated instance answers previousState terminated.
        let previous = Self.previousState(try ec2.call("TerminateInstances", params, context: context), id)
        if previous == "terminated" {
            throw DriverError.notFound("VM '\(request.IId.NameId)' (\(id)) is already terminated")
        }
        return VMStatusResult(Status: .Terminating)
    }

    // MARK: steps

    func status(of instance: XMLNode) -> VMStatus {
        VMStatusMapping.status(awsState: instance.find("instanceState")?.string("name") ?? "",
                               rebooting: compute.isRebooting(instance.string("instanceId")))
    }

    /// Sends `action` and answers `answer` when the instance was in the state `operation` needs
    /// (AWS's previousState) or already where it leads (`alreadyDone`: AWS changed nothing); CONFLICT
    /// naming the state otherwise, NOT_FOUND when it is terminated.
    private func control(_ request: IIDRequest, _ action: String, needs required: VMStatus, alreadyDone: Set<VMStatus>,
                         for operation: String, answer: VMStatus, _ context: CallContext) throws -> VMStatusResult {
        let ec2 = try ec2()
        let id = try requireSystemID(request.IId, "VM")
        // AWS has no rebooting state: only this connection knows, so no request is needed to refuse.
        if compute.isRebooting(id) {
            throw DriverError.conflict("VM '\(request.IId.NameId)' (\(id)) is \(VMStatus.Rebooting.rawValue); \(operation) needs it \(required.rawValue)")
        }
        var params = EC2Params()
        params.list("InstanceId", [id])
        let reply: XMLNode
        do {
            reply = try ec2.call(action, params, context: context)
        } catch let error as DriverError where error.cloudError?.hasPrefix("IncorrectInstanceState") == true {
            // AWS refused the state (e.g. stop of a pending or terminated instance): say which it is.
            _ = try controlTarget(request, needs: required, for: operation, context)
            throw error
        }
        let previous = VMStatusMapping.status(awsState: Self.previousState(reply, id), rebooting: false)
        if previous == .Terminated {
            throw DriverError.notFound("VM '\(request.IId.NameId)' (\(id)) is terminated")
        }
        guard previous == required || alreadyDone.contains(previous) else {
            throw DriverError.conflict("VM '\(request.IId.NameId)' (\(id)) is \(previous.rawValue); \(operation) needs it \(required.rawValue)")
        }
        return VMStatusResult(Status: answer)
    }

    /// The instance's previousState in a Stop/Start/TerminateInstances answer.
    static func previousState(_ reply: XMLNode, _ id: String) -> String {
        let item = reply.items("instancesSet").first { $0.string("instanceId") == id } ?? reply.items("instancesSet").first
        return item?.find("previousState")?.string("name") ?? ""
    }

    /// The instance's ID when it is in the state `operation` needs; CONFLICT otherwise.
    private func controlTarget(_ request: IIDRequest, needs required: VMStatus, for operation: String,
                               _ context: CallContext) throws -> (String, EC2Client) {
        let ec2 = try ec2()
        let id = try requireSystemID(request.IId, "VM")
        let current = status(of: try describeInstance(id, ec2, context))
        if current == .Terminated {
            throw DriverError.notFound("VM '\(request.IId.NameId)' (\(id)) is terminated")
        }
        guard current == required else {
            throw DriverError.conflict("VM '\(request.IId.NameId)' (\(id)) is \(current.rawValue); \(operation) needs it \(required.rawValue)")
        }
        return (id, ec2)
    }
}
