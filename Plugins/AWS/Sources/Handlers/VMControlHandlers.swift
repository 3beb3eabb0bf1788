// vm.status, vm.status.list and the control operations: suspend = StopInstances, resume =
// StartInstances, reboot = RebootInstances, terminate = TerminateInstances. AWS accepts a stop of a
// stopped instance silently, so each control checks the state first and answers CONFLICT as
// Spider's contract asks.
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
        let (id, ec2) = try controlTarget(request, needs: .Running, for: "suspend", context)
        var params = EC2Params()
        params.list("InstanceId", [id])
        _ = try ec2.call("StopInstances", params, context: context)
        return VMStatusResult(Status: .Suspending)
    }

    func resumeVM(_ request: IIDRequest, _ context: CallContext) throws -> VMStatusResult {
        let (id, ec2) = try controlTarget(request, needs: .Suspended, for: "resume", context)
        var params = EC2Params()
        params.list("InstanceId", [id])
        _ = try ec2.call("StartInstances", params, context: context)
        return VMStatusResult(Status: .Resuming)
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
        let instance = try describeInstance(id, ec2, context)
        switch status(of: instance) {
        case .Terminated:
            throw DriverError.notFound("VM '\(request.IId.NameId)' (\(id)) is already terminated")
        case .Terminating:
            return VMStatusResult(Status: .Terminating)
        default:
            var params = EC2Params()
            params.list("InstanceId", [id])
            _ = try ec2.call("TerminateInstances", params, context: context)
            return VMStatusResult(Status: .Terminating)
        }
    }

    // MARK: steps

    func status(of instance: XMLNode) -> VMStatus {
        VMStatusMapping.status(awsState: instance.find("instanceState")?.string("name") ?? "",
                               rebooting: compute.isRebooting(instance.string("instanceId")))
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
