// Managed Kubernetes clusters: create (VPC, subnets, security groups and node groups' key pairs
// by name), list, get, delete, add and remove node groups, autoscaling on/off, node group sizes,
// version upgrade and an access token.
//
// Node groups are not in the IID map: they exist only inside their cluster, CB-Spider addresses
// them only through it, and nothing registers them on their own. The host passes the user's node
// group name as its NameId and the cloud keeps it (unique within the cluster; a duplicate is the
// cloud's ALREADY_EXISTS, 409), so they need no mapping and go when their cluster goes.
import Foundation
import SpiderModels

enum ClusterRoutes {
    static func add(to r: inout Router) {
        r.add(.POST, "/spider/cluster") { app, req in
            let info = try req.decode(ConnectionRequest<ClusterCreateInfo>.self, what: "cluster create request").ReqInfo
            try validateName(info.Name, field: "ReqInfo.Name")
            try validateName(info.VPCName, field: "ReqInfo.VPCName")
            if let version = info.Version, !version.isEmpty { try checkVersion(version, field: "ReqInfo.Version") }
            guard !info.SubnetNames.isEmpty else { throw HostError.badRequest("ReqInfo.SubnetNames needs at least one subnet") }
            try checkNames(info.SubnetNames, field: "ReqInfo.SubnetNames")
            try checkNames(info.SecurityGroupNames, field: "ReqInfo.SecurityGroupNames")
            let groups = info.NodeGroupList ?? []
            try checkNames(groups.map(\.Name), field: "ReqInfo.NodeGroupList.Name")
            for (i, group) in groups.enumerated() { try checkNodeGroup(group, field: "ReqInfo.NodeGroupList[\(i)]") }
            let gw = try kind.gateway(app, req)
            let network = ClusterNetworkInfo(
                VpcIID: try gw.iid(.vpc, info.VPCName),
                SubnetIIDs: try info.SubnetNames.map { try gw.iid(.subnet, $0, owner: info.VPCName) },
                SecurityGroupIIDs: try info.SecurityGroupNames.map { try gw.iid(.securitygroup, $0) })
            let request = ClusterReqInfo(IId: IID(NameId: info.Name), Version: info.Version, Network: network,
                                         NodeGroupList: try groups.enumerated().map { try nodeGroupRequest($1, field: "ReqInfo.NodeGroupList[\($0)]", gw) },
                                         TagList: info.TagList)
            let cluster = try gw.create(gw.key(.cluster, info.Name), { try gw.run("cluster.create", request, as: ClusterInfo.self) },
                                        systemID: { $0.IId.SystemId })
            return try .json(present(cluster, gw))
        }
        kind.addListAndGet(to: &r)
        kind.addDelete(to: &r)

        r.add(.POST, "/spider/cluster/{Name}/nodegroup") { app, req in
            let group = try req.decode(ConnectionRequest<NodeGroupCreateInfo>.self, what: "node group add request").ReqInfo
            try validateName(group.Name, field: "ReqInfo.Name")
            try checkNodeGroup(group, field: "ReqInfo")
            let gw = try kind.gateway(app, req)
            let request = NodeGroupAddReqInfo(IId: try gw.iid(.cluster, req.parameter("Name")),
                                              NodeGroup: try nodeGroupRequest(group, field: "ReqInfo", gw))
            return try gw.answer("cluster.nodegroup.add", request, as: ClusterInfo.self) { present($0, gw) }
        }
        r.add(.DELETE, "/spider/cluster/{Name}/nodegroup/{NodeGroupName}") { app, req in
            let (gw, target) = try nodeGroupTarget(app, req)
            _ = try gw.runRaw("cluster.nodegroup.remove", target)
            return .ok
        }
        r.add(.PUT, "/spider/cluster/{Name}/nodegroup/{NodeGroupName}/onautoscaling") { app, req in
            let info = try req.decode(ConnectionRequest<NodeGroupAutoScalingInfo>.self, what: "node group autoscaling request").ReqInfo
            let on = try flag(info.OnAutoScaling, field: "ReqInfo.OnAutoScaling")
            let (gw, target) = try nodeGroupTarget(app, req)
            _ = try gw.runRaw("cluster.nodegroup.autoscaling",
                              NodeGroupAutoScalingReqInfo(IId: target.IId, NodeGroupIID: target.NodeGroupIID, OnAutoScaling: on))
            return .ok
        }
        r.add(.PUT, "/spider/cluster/{Name}/nodegroup/{NodeGroupName}/autoscalesize") { app, req in
            let info = try req.decode(ConnectionRequest<NodeGroupSizeInfo>.self, what: "node group size request").ReqInfo
            let sizes = try NodeSizes(desired: info.DesiredNodeSize, min: info.MinNodeSize, max: info.MaxNodeSize, field: "ReqInfo")
            let (gw, target) = try nodeGroupTarget(app, req)
            let request = NodeGroupResizeReqInfo(IId: target.IId, NodeGroupIID: target.NodeGroupIID,
                                                 DesiredNodeSize: sizes.desired, MinNodeSize: sizes.min, MaxNodeSize: sizes.max)
            return try gw.answer("cluster.nodegroup.resize", request, as: NodeGroupInfo.self) { presentGroup($0, gw) }
        }
        r.add(.PUT, "/spider/cluster/{Name}/upgrade") { app, req in
            let info = try req.decode(ConnectionRequest<ClusterUpgradeInfo>.self, what: "cluster upgrade request").ReqInfo
            try checkVersion(info.Version, field: "ReqInfo.Version")
            let gw = try kind.gateway(app, req)
            let request = ClusterUpgradeReqInfo(IId: try gw.iid(.cluster, req.parameter("Name")), Version: info.Version)
            return try gw.answer("cluster.upgrade", request, as: ClusterInfo.self) { present($0, gw) }
        }
        // Which VPC a cluster the host does not map yet belongs to (what `/regcluster` asks for).
        r.add(.POST, "/spider/getclusterowner") { app, req in
            let info = try req.decode(ConnectionRequest<ClusterOwnerInfo>.self, what: "cluster owner request").ReqInfo
            guard !info.CSPId.isEmpty else { throw HostError.badRequest("ReqInfo.CSPId is required") }
            let gw = try kind.gateway(app, req)
            let cluster = try gw.run("cluster.get", IIDRequest(IId: IID(NameId: "", SystemId: info.CSPId)), as: ClusterInfo.self)
            return try .json(gw.userIID(cluster.Network.VpcIID, .vpc))
        }
        r.add(.GET, "/spider/cluster/{Name}/token") { app, req in
            let gw = try kind.gateway(app, req)
            let iid = try gw.iid(.cluster, req.parameter("Name"))
            return try gw.answer("cluster.token", IIDRequest(IId: iid), as: ClusterTokenResponse.self)
        }
    }

    static let kind = ResourceKind<ClusterInfo, ClusterList>(
        type: .cluster, path: "/spider/cluster", capability: \.clusterHandler, capabilityName: "clusterHandler",
        operationPrefix: "cluster", items: \.cluster, makeList: ClusterList.init, iid: \.IId, present: present)

    /// The cluster, its network and its node groups' key pairs, with the user's names.
    static func present(_ cluster: ClusterInfo, _ gw: DriverGateway) -> ClusterInfo {
        var out = cluster
        out.IId = gw.userIID(cluster.IId, .cluster)
        out.Network.VpcIID = gw.userIID(cluster.Network.VpcIID, .vpc)
        out.Network.SubnetIIDs = cluster.Network.SubnetIIDs.map { gw.userIID($0, .subnet) }
        out.Network.SecurityGroupIIDs = cluster.Network.SecurityGroupIIDs.map { gw.userIID($0, .securitygroup) }
        out.NodeGroupList = cluster.NodeGroupList.map { presentGroup($0, gw) }
        return out
    }

    static func presentGroup(_ group: NodeGroupInfo, _ gw: DriverGateway) -> NodeGroupInfo {
        var out = group
        out.KeyPairIID = gw.userIID(group.KeyPairIID, .keypair)
        return out
    }

    // MARK: requests

    /// The cluster (through the map) and the node group (by name, inside it) of a node group route.
    private static func nodeGroupTarget(_ app: SpiderApp, _ req: APIRequest) throws -> (DriverGateway, NodeGroupTargetReqInfo) {
        let groupName = req.parameter("NodeGroupName")
        try validateName(groupName, field: "NodeGroupName")
        let gw = try kind.gateway(app, req)
        let cluster = try gw.iid(.cluster, req.parameter("Name"))
        return (gw, NodeGroupTargetReqInfo(IId: cluster, NodeGroupIID: IID(NameId: groupName)))
    }

    /// A node group as the driver gets it: the key pair through the map; a public image by its name.
    private static func nodeGroupRequest(_ group: NodeGroupCreateInfo, field: String, _ gw: DriverGateway) throws -> NodeGroupReqInfo {
        let sizes = try NodeSizes(desired: group.DesiredNodeSize, min: group.MinNodeSize, max: group.MaxNodeSize, field: field)
        let image = group.ImageName.flatMap { $0.isEmpty ? nil : IID(NameId: $0, SystemId: $0) }
        return NodeGroupReqInfo(
            IId: IID(NameId: group.Name), ImageIID: image, VMSpecName: group.VMSpecName ?? "",
            RootDiskType: group.RootDiskType, RootDiskSize: group.RootDiskSize?.text,
            KeyPairIID: try gw.iid(.keypair, group.KeyPairName),
            OnAutoScaling: try flag(group.OnAutoScaling, field: "\(field).OnAutoScaling"),
            DesiredNodeSize: sizes.desired, MinNodeSize: sizes.min, MaxNodeSize: sizes.max)
    }

    /// What the host checks before asking the cloud (so a bad request costs no lookups).
    private static func checkNodeGroup(_ group: NodeGroupCreateInfo, field: String) throws {
        try validateName(group.KeyPairName, field: "\(field).KeyPairName")
        _ = try flag(group.OnAutoScaling, field: "\(field).OnAutoScaling")
        _ = try NodeSizes(desired: group.DesiredNodeSize, min: group.MinNodeSize, max: group.MaxNodeSize, field: field)
    }

    private static func checkNames(_ names: [String], field: String) throws {
        for (i, name) in names.enumerated() { try validateName(name, field: "\(field)[\(i)]") }
        if let twice = names.first(where: { n in names.filter { $0 == n }.count > 1 }) {
            throw HostError.badRequest("\(field) names '\(twice)' twice")
        }
    }

    /// Kubernetes versions are "major.minor" (an optional ".patch" is allowed; the cloud judges which exist).
    static func checkVersion(_ version: String, field: String) throws {
        let parts = version.split(separator: ".", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else {
            throw HostError.badRequest("\(field) '\(version)' is not a Kubernetes version like \"1.30\"")
        }
    }

    private static func flag(_ value: LooseText, field: String) throws -> Bool {
        switch value.text.lowercased() {
        case "true": return true
        case "false": return false
        default: throw HostError.badRequest("\(field) must be \"true\" or \"false\" (got '\(value.text)')")
        }
    }
}

/// A node group's sizes: whole numbers ≥ 0 with min ≤ desired ≤ max.
struct NodeSizes {
    let desired: Int, min: Int, max: Int

    init(desired: LooseText, min: LooseText, max: LooseText, field: String) throws {
        func size(_ value: LooseText, _ name: String) throws -> Int {
            guard let n = Int(value.text.trimmingCharacters(in: .whitespaces)), n >= 0 else {
                throw HostError.badRequest("\(field).\(name) must be a whole number ≥ 0 (got '\(value.text)')")
            }
            return n
        }
        self.desired = try size(desired, "DesiredNodeSize")
        self.min = try size(min, "MinNodeSize")
        self.max = try size(max, "MaxNodeSize")
        guard self.min <= self.max else {
            throw HostError.badRequest("\(field).MinNodeSize (\(self.min)) is larger than \(field).MaxNodeSize (\(self.max))")
        }
        guard (self.min...self.max).contains(self.desired) else {
            throw HostError.badRequest("\(field).DesiredNodeSize (\(self.desired)) must be between MinNodeSize (\(self.min)) and MaxNodeSize (\(self.max))")
        }
    }
}
