// The compute part of the operation table: VMs and their controls.
import SpiderDriverKit
import SpiderModels

extension Operations where Connection == OpenStackConnection {
    func computeOperations() -> Operations {
        self
            .openstack("vm.start") { (c, r: VMReqInfo, ctx) in try c.startVM(r, ctx) }
            .openstack("vm.list") { (c, _: EmptyRequest, ctx) in try c.listVMs(ctx) }
            .openstack("vm.get") { (c, r: IIDRequest, ctx) in try c.getVM(r, ctx) }
            .openstack("vm.status") { (c, r: IIDRequest, ctx) in try c.vmStatus(r, ctx) }
            .openstack("vm.status.list") { (c, _: EmptyRequest, ctx) in try c.listVMStatuses(ctx) }
            .openstack("vm.suspend") { (c, r: IIDRequest, ctx) in try c.suspendVM(r, ctx) }
            .openstack("vm.resume") { (c, r: IIDRequest, ctx) in try c.resumeVM(r, ctx) }
            .openstack("vm.reboot") { (c, r: IIDRequest, ctx) in try c.rebootVM(r, ctx) }
            .openstack("vm.terminate") { (c, r: IIDRequest, ctx) in try c.terminateVM(r, ctx) }
    }
}
