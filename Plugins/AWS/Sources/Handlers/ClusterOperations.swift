// The cluster part of the operation table: EKS clusters and their node groups.
import SpiderDriverKit
import SpiderModels

extension Operations where Connection == AWSConnection {
    func clusterOperations() -> Operations {
        self
            .aws("cluster.create") { (c, r: ClusterReqInfo, ctx) in try c.createCluster(r, ctx) }
            .aws("cluster.list") { (c, _: EmptyRequest, ctx) in try c.listClusters(ctx) }
            .aws("cluster.get") { (c, r: IIDRequest, ctx) in try c.getCluster(r, ctx) }
            .aws("cluster.delete") { (c, r: IIDRequest, ctx) in try c.deleteCluster(r, ctx) }
            .aws("cluster.upgrade") { (c, r: ClusterUpgradeReqInfo, ctx) in try c.upgradeCluster(r, ctx) }
            .aws("cluster.token") { (c, r: IIDRequest, ctx) in try c.clusterToken(r, ctx) }
            .aws("cluster.nodegroup.add") { (c, r: NodeGroupAddReqInfo, ctx) in try c.addNodeGroup(r, ctx) }
            .aws("cluster.nodegroup.remove") { (c, r: NodeGroupTargetReqInfo, ctx) in try c.removeNodeGroup(r, ctx) }
            .aws("cluster.nodegroup.autoscaling") { (c, r: NodeGroupAutoScalingReqInfo, ctx) in try c.setNodeGroupAutoScaling(r, ctx) }
            .aws("cluster.nodegroup.resize") { (c, r: NodeGroupResizeReqInfo, ctx) in try c.resizeNodeGroup(r, ctx) }
    }
}
