// The NLB and monitoring part of the operation table: ELBv2 network load balancers and CloudWatch
// VM metrics.
import SpiderDriverKit
import SpiderModels

extension Operations where Connection == AWSConnection {
    func nlbMonitoringOperations() -> Operations {
        self
            // Network load balancers
            .aws("nlb.create") { (c, r: NLBReqInfo, ctx) in try c.createNLB(r, ctx) }
            .aws("nlb.list") { (c, _: EmptyRequest, ctx) in try c.listNLBs(ctx) }
            .aws("nlb.get") { (c, r: IIDRequest, ctx) in try c.getNLB(r, ctx) }
            .aws("nlb.delete") { (c, r: IIDRequest, ctx) in try c.deleteNLB(r, ctx) }
            .aws("nlb.vms.add") { (c, r: NLBVMsReqInfo, ctx) in try c.addNLBVMs(r, ctx) }
            .aws("nlb.vms.remove") { (c, r: NLBVMsReqInfo, ctx) in try c.removeNLBVMs(r, ctx) }
            .aws("nlb.health") { (c, r: IIDRequest, ctx) in try c.nlbHealth(r, ctx) }
            .aws("nlb.listener.change") { (c, r: NLBListenerChangeReqInfo, ctx) in try c.changeNLBListener(r, ctx) }
            .aws("nlb.vmgroup.change") { (c, r: NLBVMGroupChangeReqInfo, ctx) in try c.changeNLBVMGroup(r, ctx) }
            .aws("nlb.healthchecker.change") { (c, r: NLBHealthCheckerChangeReqInfo, ctx) in try c.changeNLBHealthChecker(r, ctx) }
            // VM metrics (CloudWatch)
            .aws("monitoring.vm.get") { (c, r: VMMonitoringRequest, ctx) in try c.vmMetrics(r, ctx) }
    }
}
