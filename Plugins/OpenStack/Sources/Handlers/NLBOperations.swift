// The NLB part of the operation table: Octavia load balancers.
import SpiderDriverKit
import SpiderModels

extension Operations where Connection == OpenStackConnection {
    func nlbOperations() -> Operations {
        self
            .openstack("nlb.create") { (c, r: NLBReqInfo, ctx) in try c.createNLB(r, ctx) }
            .openstack("nlb.list") { (c, _: EmptyRequest, ctx) in try c.listNLBs(ctx) }
            .openstack("nlb.get") { (c, r: IIDRequest, ctx) in try c.getNLB(r, ctx) }
            .openstack("nlb.delete") { (c, r: IIDRequest, ctx) in try c.deleteNLB(r, ctx) }
            .openstack("nlb.vms.add") { (c, r: NLBVMsReqInfo, ctx) in try c.addNLBVMs(r, ctx) }
            .openstack("nlb.vms.remove") { (c, r: NLBVMsReqInfo, ctx) in try c.removeNLBVMs(r, ctx) }
            .openstack("nlb.health") { (c, r: IIDRequest, ctx) in try c.nlbHealth(r, ctx) }
    }
}
