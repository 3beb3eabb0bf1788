// cluster.*: managed Kubernetes. A cluster lives in subnets of one VPC with security groups of that
// VPC; its node groups (unique names within the cluster) run DesiredNodeSize nodes named
// `<group>-node-N`, use a key pair, a VM spec and a public image. Kubernetes versions are the
// supported minors; upgrades go one minor at a time. Statuses pass Creating/Updating/Deleting for
// MockSettleMs. While a cluster exists, its VPC, subnets, security groups and node groups' key
// pairs cannot be deleted.
import SpiderDriverKit
import SpiderModels

extension MockConnection {
    static let clusterVersions = ["1.28", "1.29", "1.30", "1.31"]
    static let defaultClusterVersion = "1.31"
    static let defaultNodeSpec = "mock-vmspec-02"
    /// The node image used when a node group names none.
    static let defaultNodeImage = IID(NameId: "mock-k8s-node-image", SystemId: "mock-k8s-node-image")
    static let rootDiskSizes = 10...2000

    func createCluster(_ request: ClusterReqInfo) throws -> ClusterInfo {
        let name = try requireName(request.IId.NameId, field: "IId.NameId")
        let version = try Self.clusterVersion(request.Version, field: "Version")
        guard !request.Network.SubnetIIDs.isEmpty else { throw MockError.invalid("Network.SubnetIIDs", "a cluster needs at least one subnet") }
        return try mutate { state, now in
            state.purgeDeletedClusters(at: now)
            guard !state.clusters.hasName(name) else { throw MockError.exists("cluster", name, in: "region '\(region)'") }
            let network = try state.clusterNetwork(request.Network)
            var groups: [NodeGroupInfo] = []
            for (i, group) in request.NodeGroupList.enumerated() {
                if groups.contains(where: { $0.IId.NameId == group.IId.NameId }) {
                    throw MockError.invalid("NodeGroupList[\(i)].IId.NameId", "node group '\(group.IId.NameId)' is named twice")
                }
                groups.append(try state.newNodeGroup(group, field: "NodeGroupList[\(i)]", region: region))
            }
            let id = SystemID.make("cls") { state.clusters[$0] != nil }
            let endpoint = ClusterAccess.endpoint(clusterID: id, region: region)
            let info = ClusterInfo(
                IId: IID(NameId: name, SystemId: id), Version: version, Network: network, NodeGroupList: groups,
                AccessInfo: ClusterAccessInfo(Endpoint: endpoint, Kubeconfig: ClusterAccess.kubeconfig(
                    name: name, endpoint: endpoint, caData: ClusterAccess.certificateAuthorityData())),
                Addons: ClusterAddonsInfo(KeyValueList: [KeyValue(Key: "coredns", Value: "enabled"), KeyValue(Key: "kube-proxy", Value: "enabled")]),
                Status: .Active, CreatedTime: WallClock.rfc3339(now), TagList: request.TagList)
            var record = ClusterRecord(sequence: state.takeSequence(), info: info)
            record.begin(.Creating, now: now, settleMs: settings.settleMs)
            for group in groups { record.beginGroup(group.IId.SystemId, .Creating, now: now, settleMs: settings.settleMs) }
            state.clusters[id] = record
            return record.view(at: now)
        }
    }

    func listClusters() -> ClusterList {
        let now = WallClock.nowMs()
        return ClusterList(snapshot().liveClusters(at: now).map { $0.view(at: now) })
    }

    func getCluster(_ request: IIDRequest) throws -> ClusterInfo {
        let now = WallClock.nowMs()
        return try snapshot().existingCluster(request.IId, at: now).view(at: now)
    }

    func deleteCluster(_ request: IIDRequest) throws -> EmptyResult {
        try mutate { state, now in
            var cluster = try state.existingCluster(request.IId, at: now)
            guard cluster.status(at: now) != .Deleting else {
                throw DriverError.conflict("cluster '\(cluster.iid.NameId)' is being deleted already")
            }
            cluster.begin(.Deleting, now: now, settleMs: settings.settleMs)
            state.clusters[cluster.iid.SystemId] = cluster
            state.purgeDeletedClusters(at: now)
            return EmptyResult()
        }
    }

    func addNodeGroup(_ request: NodeGroupAddReqInfo) throws -> ClusterInfo {
        try changeCluster(request.IId) { state, cluster, now in
            let name = request.NodeGroup.IId.NameId
            if cluster.info.NodeGroupList.contains(where: { $0.IId.NameId == name }) {
                throw MockError.exists("node group", name, in: "cluster '\(cluster.iid.NameId)'")
            }
            let group = try state.newNodeGroup(request.NodeGroup, field: "NodeGroup", region: region)
            cluster.info.NodeGroupList.append(group)
            cluster.beginGroup(group.IId.SystemId, .Creating, now: now, settleMs: settings.settleMs)
            return cluster.view(at: now)
        }
    }

    func removeNodeGroup(_ request: NodeGroupTargetReqInfo) throws -> EmptyResult {
        try changeCluster(request.IId) { _, cluster, _ in
            let index = try cluster.nodeGroupIndex(request.NodeGroupIID)
            cluster.groupTransitions[cluster.info.NodeGroupList[index].IId.SystemId] = nil
            cluster.info.NodeGroupList.remove(at: index)
            return EmptyResult()
        }
    }

    func setNodeGroupAutoScaling(_ request: NodeGroupAutoScalingReqInfo) throws -> EmptyResult {
        try changeCluster(request.IId) { _, cluster, _ in
            let index = try cluster.nodeGroupIndex(request.NodeGroupIID)
            cluster.info.NodeGroupList[index].OnAutoScaling = request.OnAutoScaling
            return EmptyResult()
        }
    }

    /// New sizes; nodes are added (numbered after the highest) or removed (newest first) to match DesiredNodeSize.
    func resizeNodeGroup(_ request: NodeGroupResizeReqInfo) throws -> NodeGroupInfo {
        try Self.checkSizes(desired: request.DesiredNodeSize, min: request.MinNodeSize, max: request.MaxNodeSize, field: "")
        return try changeCluster(request.IId) { _, cluster, now in
            let index = try cluster.nodeGroupIndex(request.NodeGroupIID)
            var group = cluster.info.NodeGroupList[index]
            group.DesiredNodeSize = request.DesiredNodeSize
            group.MinNodeSize = request.MinNodeSize
            group.MaxNodeSize = request.MaxNodeSize
            group.Nodes = Self.nodes(of: group.IId.NameId, count: request.DesiredNodeSize, keeping: group.Nodes)
            cluster.info.NodeGroupList[index] = group
            cluster.beginGroup(group.IId.SystemId, .Updating, now: now, settleMs: settings.settleMs)
            return cluster.view(at: now).NodeGroupList[index]
        }
    }

    func upgradeCluster(_ request: ClusterUpgradeReqInfo) throws -> ClusterInfo {
        let target = try Self.clusterVersion(request.Version, field: "Version")
        return try changeCluster(request.IId) { _, cluster, now in
            let current = cluster.info.Version
            guard target != current else { throw DriverError.conflict("cluster '\(cluster.iid.NameId)' runs \(current) already") }
            // clusterVersion() accepted `target`, so it has an index; an unknown current version counts as the oldest.
            let from = Self.clusterVersions.firstIndex(of: current) ?? -1, to = Self.clusterVersions.firstIndex(of: target) ?? 0
            guard to > from else {
                throw MockError.invalid("Version", "\(target) is older than the cluster's \(current); clusters cannot be downgraded")
            }
            guard to == from + 1 else {
                throw MockError.invalid("Version", "clusters upgrade one minor version at a time: from \(current) the next is \(Self.clusterVersions[from + 1])")
            }
            cluster.info.Version = target
            cluster.begin(.Updating, now: now, settleMs: settings.settleMs)
            return cluster.view(at: now)
        }
    }

    func clusterToken(_ request: IIDRequest) throws -> ClusterTokenResponse {
        let now = WallClock.nowMs()
        let cluster = try snapshot().existingCluster(request.IId, at: now)
        guard cluster.status(at: now) != .Deleting else { throw DriverError.conflict("cluster '\(cluster.iid.NameId)' is being deleted") }
        return ClusterAccess.token(at: now)
    }

    // MARK: helpers

    /// Runs a change on an Active cluster (one in transition answers CONFLICT) and saves it.
    private func changeCluster<T>(_ iid: IID, _ body: (inout RegionState, inout ClusterRecord, Int64) throws -> T) throws -> T {
        try mutate { state, now in
            state.purgeDeletedClusters(at: now)
            var cluster = try state.existingCluster(iid, at: now)
            let status = cluster.status(at: now)
            guard status == .Active else {
                throw DriverError.conflict("cluster '\(cluster.iid.NameId)' is \(status.rawValue); try again once it is Active")
            }
            let result = try body(&state, &cluster, now)
            state.clusters[cluster.iid.SystemId] = cluster
            return result
        }
    }

    /// A supported version; empty means the default.
    static func clusterVersion(_ text: String?, field: String) throws -> String {
        guard let text, !text.isEmpty else { return defaultClusterVersion }
        guard clusterVersions.contains(text) else {
            throw MockError.invalid(field, "Kubernetes \(text) is not supported; supported versions are \(clusterVersions.joined(separator: ", "))")
        }
        return text
    }

    static func checkSizes(desired: Int, min: Int, max: Int, field: String) throws {
        let prefix = field.isEmpty ? "" : field + "."
        for (value, name) in [(desired, "DesiredNodeSize"), (min, "MinNodeSize"), (max, "MaxNodeSize")] where value < 0 {
            throw MockError.invalid(prefix + name, "\(value) is negative")
        }
        guard min <= desired, desired <= max else {
            throw MockError.invalid(prefix + "DesiredNodeSize", "\(desired) is not between MinNodeSize \(min) and MaxNodeSize \(max)")
        }
    }

    /// `count` nodes: those kept (oldest first), then new ones numbered after the highest so far.
    static func nodes(of group: String, count: Int, keeping existing: [IID]) -> [IID] {
        if existing.count >= count { return Array(existing.prefix(count)) }
        let highest = existing.compactMap { Int($0.NameId.split(separator: "-").last ?? "") }.max() ?? 0
        let added = (1...(count - existing.count)).map { n in
            IID(NameId: "\(group)-node-\(highest + n)", SystemId: SystemID.make("i") { _ in false })
        }
        return existing + added
    }
}

extension ClusterRecord {
    func nodeGroupIndex(_ iid: IID) throws -> Int {
        guard let index = info.NodeGroupList.firstIndex(where: { matches($0.IId, iid) }) else {
            throw MockError.notFound("node group", iid.label, in: "cluster '\(self.iid.NameId)'")
        }
        return index
    }
}

extension RegionState {
    /// The VPC, its subnets and security groups of that VPC, as stored.
    func clusterNetwork(_ network: ClusterNetworkInfo) throws -> ClusterNetworkInfo {
        let vpc = try vpcs.require(network.VpcIID, "VPC")
        let subnets = try network.SubnetIIDs.map { iid in
            guard let subnet = vpc.info.SubnetInfoList.first(where: { matches($0.IId, iid) }) else {
                throw MockError.notFound("subnet", iid.label, in: "VPC '\(vpc.iid.NameId)'")
            }
            return subnet.IId
        }
        let groups = try network.SecurityGroupIIDs.enumerated().map { index, iid in
            let group = try securityGroups.require(iid, "security group")
            guard group.info.VpcIID.SystemId == vpc.iid.SystemId else {
                throw MockError.invalid("Network.SecurityGroupIIDs[\(index)]", "security group '\(group.iid.NameId)' is in VPC "
                                        + "'\(group.info.VpcIID.NameId)', not in the cluster's VPC '\(vpc.iid.NameId)'")
            }
            return group.iid
        }
        return ClusterNetworkInfo(VpcIID: vpc.iid, SubnetIIDs: subnets, SecurityGroupIIDs: groups)
    }

    /// A node group as created: its key pair, spec and image checked, its nodes made.
    func newNodeGroup(_ request: NodeGroupReqInfo, field: String, region: String) throws -> NodeGroupInfo {
        let name = try requireName(request.IId.NameId, field: "\(field).IId.NameId")
        try MockConnection.checkSizes(desired: request.DesiredNodeSize, min: request.MinNodeSize, max: request.MaxNodeSize, field: field)
        let keyPair = try keyPairs.require(request.KeyPairIID, "key pair")
        let spec = request.VMSpecName.isEmpty ? MockConnection.defaultNodeSpec : request.VMSpecName
        guard Catalogue.spec(spec, region: region) != nil else {
            throw MockError.invalid("\(field).VMSpecName", "'\(spec)' is not a VM spec of region '\(region)'")
        }
        var image = MockConnection.defaultNodeImage
        if let requested = request.ImageIID, !requested.NameId.isEmpty || !requested.SystemId.isEmpty {
            let imageName = requested.SystemId.isEmpty ? requested.NameId : requested.SystemId
            guard Catalogue.image(imageName) != nil else { throw MockError.notFound("image", imageName) }
            image = IID(NameId: imageName, SystemId: imageName)
        }
        guard let diskType = DiskType.named(request.RootDiskType) else {
            throw MockError.invalid("\(field).RootDiskType", "'\(request.RootDiskType ?? "")' is not one of \(DiskType.names)")
        }
        var diskSize = 50
        if let text = request.RootDiskSize, !text.isEmpty, text.lowercased() != "default" {
            guard let size = Int(text), MockConnection.rootDiskSizes.contains(size) else {
                throw MockError.invalid("\(field).RootDiskSize", "'\(text)' is not a size from \(MockConnection.rootDiskSizes.lowerBound) "
                                        + "to \(MockConnection.rootDiskSizes.upperBound) GB")
            }
            diskSize = size
        }
        return NodeGroupInfo(
            IId: IID(NameId: name, SystemId: SystemID.make("ng") { _ in false }), ImageIID: image, VMSpecName: spec,
            RootDiskType: diskType.name, RootDiskSize: String(diskSize), KeyPairIID: keyPair.iid,
            OnAutoScaling: request.OnAutoScaling, DesiredNodeSize: request.DesiredNodeSize, MinNodeSize: request.MinNodeSize,
            MaxNodeSize: request.MaxNodeSize, Status: .Active,
            Nodes: MockConnection.nodes(of: name, count: request.DesiredNodeSize, keeping: []))
    }
}
