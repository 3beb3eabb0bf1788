// The compute part of the operation table: public images, VM specs and VMs.
import SpiderDriverKit
import SpiderModels

extension Operations where Connection == AWSConnection {
    func computeOperations() -> Operations {
        self
            // Public images
            .aws("image.list") { (c, _: EmptyRequest, ctx) in try c.listImages(ctx) }
            .aws("image.get") { (c, r: NameRequest, ctx) in try c.getImage(r, ctx) }
            // VM specs
            .aws("vmspec.list") { (c, _: EmptyRequest, ctx) in try c.listVMSpecs(ctx) }
            .aws("vmspec.get") { (c, r: NameRequest, ctx) in try c.getVMSpec(r, ctx) }
            .aws("vmspec.org.list") { (c, _: EmptyRequest, ctx) in try c.originalVMSpecs(ctx) }
            .aws("vmspec.org.get") { (c, r: NameRequest, ctx) in try c.originalVMSpec(r, ctx) }
            // VMs
            .aws("vm.start") { (c, r: VMReqInfo, ctx) in try c.startVM(r, ctx) }
            .aws("vm.list") { (c, _: EmptyRequest, ctx) in try c.listVMs(ctx) }
            .aws("vm.get") { (c, r: IIDRequest, ctx) in try c.getVM(r, ctx) }
            .aws("vm.status") { (c, r: IIDRequest, ctx) in try c.vmStatus(r, ctx) }
            .aws("vm.status.list") { (c, _: EmptyRequest, ctx) in try c.listVMStatuses(ctx) }
            .aws("vm.suspend") { (c, r: IIDRequest, ctx) in try c.suspendVM(r, ctx) }
            .aws("vm.resume") { (c, r: IIDRequest, ctx) in try c.resumeVM(r, ctx) }
            .aws("vm.reboot") { (c, r: IIDRequest, ctx) in try c.rebootVM(r, ctx) }
            .aws("vm.terminate") { (c, r: IIDRequest, ctx) in try c.terminateVM(r, ctx) }
    }
}
