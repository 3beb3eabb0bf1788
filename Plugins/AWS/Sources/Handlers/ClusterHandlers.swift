// Managed Kubernetes (EKS): a cluster in the VPC's subnets with its security groups, node groups
// in the cluster's subnets, scaling through UpdateNodegroupConfig, OnAutoScaling kept in the node
// group's cluster-autoscaler tag, and version upgrades through UpdateClusterVersion.
import Foundation
import SpiderDriverKit
import SpiderModels

extension AWSConnection {
    /// Used when the connection names no `ClusterRoleARN` (moto accepts any well-formed ARN; AWS
    /// answers InvalidParameterException naming the role).
    static let placeholderRoleARN = "arn:aws:iam::123456789012:role/spider-eks"

    func eks() throws -> EKSClient {
        try EKSClient(http: http, credentials: settings.credentials, region: settings.region ?? AWSSettings.fallbackRegion,
                      endpointOverride: settings.endpoint)
    }

    private var roleARN: String { settings.clusterRoleARN ?? Self.placeholderRoleARN }

    private static func clusterPath(_ name: String) -> String { "/clusters/\(EKSClient.segment(name))" }

    private static func nodeGroupPath(_ cluster: String, _ nodeGroup: String) -> String {
        "\(clusterPath(cluster))/node-groups/\(EKSClient.segment(nodeGroup))"
    }

    private static func clusterName(_ iid: IID) throws -> String {
        let name = iid.SystemId.isEmpty ? iid.NameId : iid.SystemId
        guard !name.isEmpty else { throw DriverError.invalidArgument("IId: a cluster name is required") }
        return name
    }

    private static func nodeGroupName(_ iid: IID) throws -> String {
        let name = iid.NameId.isEmpty ? iid.SystemId : iid.NameId
        guard !name.isEmpty else { throw DriverError.invalidArgument("NodeGroupIID: a node group name is required") }
        return name
    }

    // MARK: clusters

    func createCluster(_ request: ClusterReqInfo, _ context: CallContext) throws -> ClusterInfo {
        let name = try requireName(request.IId.NameId)
        let subnets = try request.Network.SubnetIIDs.map { try requireSystemID($0, "subnet", field: "Network.SubnetIIDs") }
        guard !subnets.isEmpty else { throw DriverError.invalidArgument("Network.SubnetIIDs: EKS needs subnets (two zones at least)") }
        let groups = try request.Network.SecurityGroupIIDs.map { try requireSystemID($0, "security group", field: "Network.SecurityGroupIIDs") }
        var tags = ["Name": name]
        for tag in request.TagList ?? [] { tags[tag.Key] = tag.Value }
        for group in request.NodeGroupList {
            tags[EKSRecords.clusterAutoscalingPrefix + group.IId.NameId] = group.OnAutoScaling ? "true" : "false"
        }
        var body: [String: Any] = [
            "name": name, "roleArn": roleARN, "tags": tags, "clientRequestToken": UUID().uuidString,
            "resourcesVpcConfig": ["subnetIds": subnets, "securityGroupIds": groups],
        ]
        if let version = request.Version, !version.isEmpty { body["version"] = version }
        let eks = try eks()
        _ = try eks.call("CreateCluster", "POST", "/clusters", body: body, context: context)
        try waitUntilActive(name, eks, context)
        for nodeGroup in request.NodeGroupList {
            try createNodeGroup(cluster: name, nodeGroup, subnets: subnets, eks, context)
        }
        return try describeCluster(name, eks, context)
    }

    func listClusters(_ context: CallContext) throws -> ClusterList {
        let eks = try eks()
        return ClusterList(try clusterNames(eks, context).sorted().map { try describeCluster($0, eks, context) })
    }

    /// Every cluster name of the region (ListClusters pages with nextToken).
    func clusterNames(_ eks: EKSClient, _ context: CallContext) throws -> [String] {
        var names: [String] = [], token: String? = nil
        repeat {
            let page = try eks.call("ListClusters", "GET", "/clusters", query: token.map { [("nextToken", $0)] } ?? [], context: context)
            names += EKSRecords.strings(page["clusters"])
            token = (page["nextToken"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return names
    }

    func getCluster(_ request: IIDRequest, _ context: CallContext) throws -> ClusterInfo {
        try describeCluster(try Self.clusterName(request.IId), try eks(), context)
    }

    /// Node groups first (EKS refuses to delete a cluster that has any), then the cluster.
    func deleteCluster(_ request: IIDRequest, _ context: CallContext) throws -> EmptyResult {
        let name = try Self.clusterName(request.IId), eks = try eks()
        let nodeGroups = try nodeGroupNames(name, eks, context)
        for nodeGroup in nodeGroups {
            _ = try eks.call("DeleteNodegroup", "DELETE", Self.nodeGroupPath(name, nodeGroup), context: context)
        }
        try waitUntil("node groups of cluster '\(name)' deleted", context) { try nodeGroupNames(name, eks, context).isEmpty }
        _ = try eks.call("DeleteCluster", "DELETE", Self.clusterPath(name), context: context)
        return EmptyResult()
    }

    func upgradeCluster(_ request: ClusterUpgradeReqInfo, _ context: CallContext) throws -> ClusterInfo {
        let name = try Self.clusterName(request.IId), eks = try eks()
        try requireActive(name, eks, context)
        _ = try eks.call("UpdateClusterVersion", "POST", Self.clusterPath(name) + "/updates",
                         body: ["version": request.Version, "clientRequestToken": UUID().uuidString], context: context)
        return try describeCluster(name, eks, context)
    }

    // MARK: node groups

    func addNodeGroup(_ request: NodeGroupAddReqInfo, _ context: CallContext) throws -> ClusterInfo {
        let name = try Self.clusterName(request.IId), eks = try eks()
        let cluster = try requireActive(name, eks, context)
        let nodeGroup = try requireName(request.NodeGroup.IId.NameId, field: "NodeGroup.IId.NameId")
        if try nodeGroupNames(name, eks, context).contains(nodeGroup) {
            throw DriverError.alreadyExists("cluster '\(name)' already has a node group '\(nodeGroup)'")
        }
        let subnets = EKSRecords.strings((cluster["resourcesVpcConfig"] as? [String: Any])?["subnetIds"])
        try createNodeGroup(cluster: name, request.NodeGroup, subnets: subnets, eks, context)
        try tagCluster(cluster, [EKSRecords.clusterAutoscalingPrefix + nodeGroup: request.NodeGroup.OnAutoScaling ? "true" : "false"],
                       eks, context)
        return try describeCluster(name, eks, context)
    }

    func removeNodeGroup(_ request: NodeGroupTargetReqInfo, _ context: CallContext) throws -> EmptyResult {
        let name = try Self.clusterName(request.IId), eks = try eks()
        let nodeGroup = try Self.nodeGroupName(request.NodeGroupIID)
        _ = try eks.call("DeleteNodegroup", "DELETE", Self.nodeGroupPath(name, nodeGroup), context: context)
        // Its OnAutoScaling tag goes too, so a later node group of that name starts afresh.
        let cluster = try eks.call("DescribeCluster", "GET", Self.clusterPath(name), context: context)["cluster"] as? [String: Any] ?? [:]
        if let arn = cluster["arn"] as? String {
            _ = try eks.call("UntagResource", "DELETE", "/tags/\(EKSClient.segment(arn))",
                             query: [("tagKeys", EKSRecords.clusterAutoscalingPrefix + nodeGroup)], context: context)
        }
        return EmptyResult()
    }

    func setNodeGroupAutoScaling(_ request: NodeGroupAutoScalingReqInfo, _ context: CallContext) throws -> EmptyResult {
        let name = try Self.clusterName(request.IId), eks = try eks()
        let cluster = try requireActive(name, eks, context)
        let nodeGroup = try Self.nodeGroupName(request.NodeGroupIID)
        _ = try describeNodeGroup(name, nodeGroup, eks, context)   // NOT_FOUND for a node group the cluster lacks
        try tagCluster(cluster, [EKSRecords.clusterAutoscalingPrefix + nodeGroup: request.OnAutoScaling ? "true" : "false"], eks, context)
        return EmptyResult()
    }

    func resizeNodeGroup(_ request: NodeGroupResizeReqInfo, _ context: CallContext) throws -> NodeGroupInfo {
        let name = try Self.clusterName(request.IId), eks = try eks()
        let nodeGroup = try Self.nodeGroupName(request.NodeGroupIID)
        let cluster = try requireActive(name, eks, context)
        _ = try eks.call("UpdateNodegroupConfig", "POST", Self.nodeGroupPath(name, nodeGroup) + "/update-config", body: [
            "scalingConfig": ["minSize": request.MinNodeSize, "maxSize": request.MaxNodeSize, "desiredSize": request.DesiredNodeSize],
            "clientRequestToken": UUID().uuidString,
        ], context: context)
        return EKSRecords.nodeGroup(try describeNodeGroup(name, nodeGroup, eks, context), clusterTags: EKSRecords.tags(cluster["tags"]))
    }

    // MARK: steps

    private func tagCluster(_ cluster: [String: Any], _ tags: [String: String], _ eks: EKSClient, _ context: CallContext) throws {
        guard let arn = cluster["arn"] as? String else { throw DriverError.internal("EKS gave the cluster no ARN") }
        _ = try eks.call("TagResource", "POST", "/tags/\(EKSClient.segment(arn))", body: ["tags": tags], context: context)
    }

    private func createNodeGroup(cluster: String, _ request: NodeGroupReqInfo, subnets: [String], _ eks: EKSClient,
                                 _ context: CallContext) throws {
        let name = try requireName(request.IId.NameId, field: "NodeGroup.IId.NameId")
        var body: [String: Any] = [
            "nodegroupName": name, "nodeRole": roleARN, "subnets": subnets, "clientRequestToken": UUID().uuidString,
            "scalingConfig": ["minSize": request.MinNodeSize, "maxSize": request.MaxNodeSize, "desiredSize": request.DesiredNodeSize],
            "tags": ["Name": name, EKSRecords.autoscalingTag: request.OnAutoScaling ? "true" : "false"],
        ]
        if !request.VMSpecName.isEmpty { body["instanceTypes"] = [request.VMSpecName] }
        if let image = request.ImageIID, !image.NameId.isEmpty { body["amiType"] = image.NameId }
        if let size = request.RootDiskSize, let gb = Int(size), gb > 0 { body["diskSize"] = gb }
        let key = request.KeyPairIID.NameId.isEmpty ? request.KeyPairIID.SystemId : request.KeyPairIID.NameId
        if !key.isEmpty { body["remoteAccess"] = ["ec2SshKey": key] }
        do {
            _ = try eks.call("CreateNodegroup", "POST", Self.clusterPath(cluster) + "/node-groups", body: body, context: context)
        } catch let error as DriverError where error.status == .conflict {
            throw DriverError(.alreadyExists, "cluster '\(cluster)' already has a node group '\(name)'", cloudError: error.cloudError)
        }
    }

    private func describeCluster(_ name: String, _ eks: EKSClient, _ context: CallContext) throws -> ClusterInfo {
        let cluster = try eks.call("DescribeCluster", "GET", Self.clusterPath(name), context: context)["cluster"] as? [String: Any] ?? [:]
        let clusterTags = EKSRecords.tags(cluster["tags"])
        var nodeGroups = try nodeGroupNames(name, eks, context).map {
            EKSRecords.nodeGroup(try describeNodeGroup(name, $0, eks, context), clusterTags: clusterTags)
        }
        if !nodeGroups.isEmpty {
            let nodes = try clusterNodes(name, context)
            for index in nodeGroups.indices { nodeGroups[index].Nodes = nodes[nodeGroups[index].IId.NameId] ?? [] }
        }
        let vpcConfig = cluster["resourcesVpcConfig"] as? [String: Any] ?? [:]
        var vpcID = vpcConfig["vpcId"] as? String ?? ""
        if vpcID.isEmpty, let subnet = EKSRecords.strings(vpcConfig["subnetIds"]).first {
            // moto leaves vpcId out; the subnet knows its VPC.
            var params = EC2Params()
            params.list("SubnetId", [subnet])
            vpcID = (try? ec2().call("DescribeSubnets", params, context: context).items("subnetSet").first?.string("vpcId")) ?? ""
        }
        return EKSRecords.cluster(cluster, vpcID: vpcID, nodeGroups: nodeGroups, region: eks.region)
    }

    /// The live instances of the cluster's managed node groups by node group name: EKS tags each
    /// with eks:cluster-name and eks:nodegroup-name. One look-up for all the groups.
    private func clusterNodes(_ cluster: String, _ context: CallContext) throws -> [String: [IID]] {
        let ec2 = try ec2()
        var filter = EC2Params()
        filter.filter("tag:eks:cluster-name", [cluster])
        filter.filter("instance-state-name", VMStatusMapping.liveStates)
        var nodes: [String: [IID]] = [:]
        for instance in try describeInstances(filter, ec2, context) {
            let group = instance.items("tagSet").first { $0.string("key") == "eks:nodegroup-name" }?.string("value") ?? ""
            let id = instance.string("instanceId")
            nodes[group, default: []].append(IID(NameId: instance.spiderName(or: id), SystemId: id))
        }
        return nodes
    }

    private func describeNodeGroup(_ cluster: String, _ name: String, _ eks: EKSClient, _ context: CallContext) throws -> [String: Any] {
        try eks.call("DescribeNodegroup", "GET", Self.nodeGroupPath(cluster, name), context: context)["nodegroup"] as? [String: Any] ?? [:]
    }

    private func nodeGroupNames(_ cluster: String, _ eks: EKSClient, _ context: CallContext) throws -> [String] {
        var names: [String] = [], token: String? = nil
        repeat {
            let page = try eks.call("ListNodegroups", "GET", Self.clusterPath(cluster) + "/node-groups",
                                    query: token.map { [("nextToken", $0)] } ?? [], context: context)
            names += EKSRecords.strings(page["nodegroups"])
            token = (page["nextToken"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return names.sorted()
    }

    /// The cluster's JSON when it is ACTIVE; a change while it is not is a CONFLICT.
    @discardableResult
    private func requireActive(_ name: String, _ eks: EKSClient, _ context: CallContext) throws -> [String: Any] {
        let cluster = try eks.call("DescribeCluster", "GET", Self.clusterPath(name), context: context)["cluster"] as? [String: Any] ?? [:]
        let status = cluster["status"] as? String ?? ""
        guard status == "ACTIVE" else { throw DriverError.conflict("cluster '\(name)' is \(status), not ACTIVE: try again when it is") }
        return cluster
    }

    private func waitUntilActive(_ name: String, _ eks: EKSClient, _ context: CallContext) throws {
        try waitUntil("cluster '\(name)' ACTIVE", context) {
            let cluster = try eks.call("DescribeCluster", "GET", Self.clusterPath(name), context: context)["cluster"] as? [String: Any]
            let status = cluster?["status"] as? String ?? ""
            if status == "FAILED" { throw DriverError.internal("EKS cluster '\(name)' FAILED while being created") }
            return status == "ACTIVE"
        }
    }

    /// Polls `done` every few seconds until it holds, the call is cancelled or its deadline is near.
    private func waitUntil(_ what: String, _ context: CallContext, _ done: () throws -> Bool) throws {
        while try !done() {
            guard context.deadlineRemainingMs > 5_000 else {
                throw DriverError(.retryable, "waited for \(what) until the call's deadline; EKS is still working on it", retryAfterMs: 30_000)
            }
            for _ in 0..<50 { try context.checkCancelled(); usleep(100_000) }
        }
    }
}
