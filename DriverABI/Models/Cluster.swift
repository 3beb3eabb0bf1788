// Managed Kubernetes clusters (CB-Spider's Cluster): a control plane in a VPC's subnets with
// security groups, and node groups of VMs the cloud manages (sized, optionally autoscaled).

/// Creating | Active | Inactive | Updating | Deleting (for clusters and node groups alike).
public enum ClusterStatus: String, Codable, Sendable, CaseIterable {
    case Creating, Active, Inactive, Updating, Deleting
}

/// Where the cluster lives.
public struct ClusterNetworkInfo: Codable, Sendable, Equatable {
    public var VpcIID: IID
    public var SubnetIIDs: [IID]
    public var SecurityGroupIIDs: [IID]
    public var KeyValueList: [KeyValue]?
    public init(VpcIID: IID, SubnetIIDs: [IID], SecurityGroupIIDs: [IID], KeyValueList: [KeyValue]? = nil) {
        self.VpcIID = VpcIID
        self.SubnetIIDs = SubnetIIDs
        self.SecurityGroupIIDs = SecurityGroupIIDs
        self.KeyValueList = KeyValueList
    }
}

/// A group of worker nodes, all of one spec and image. `Nodes` are the node VMs' IIDs.
public struct NodeGroupInfo: Codable, Sendable, Equatable {
    public var IId: IID
    public var ImageIID: IID
    public var VMSpecName: String
    public var RootDiskType: String
    public var RootDiskSize: String
    public var KeyPairIID: IID
    public var OnAutoScaling: Bool
    public var DesiredNodeSize: Int
    public var MinNodeSize: Int
    public var MaxNodeSize: Int
    public var Status: ClusterStatus
    public var Nodes: [IID]
    public var KeyValueList: [KeyValue]?
    public init(IId: IID, ImageIID: IID, VMSpecName: String, RootDiskType: String, RootDiskSize: String, KeyPairIID: IID,
                OnAutoScaling: Bool, DesiredNodeSize: Int, MinNodeSize: Int, MaxNodeSize: Int, Status: ClusterStatus,
                Nodes: [IID], KeyValueList: [KeyValue]? = nil) {
        self.IId = IId
        self.ImageIID = ImageIID
        self.VMSpecName = VMSpecName
        self.RootDiskType = RootDiskType
        self.RootDiskSize = RootDiskSize
        self.KeyPairIID = KeyPairIID
        self.OnAutoScaling = OnAutoScaling
        self.DesiredNodeSize = DesiredNodeSize
        self.MinNodeSize = MinNodeSize
        self.MaxNodeSize = MaxNodeSize
        self.Status = Status
        self.Nodes = Nodes
        self.KeyValueList = KeyValueList
    }
}

/// How to reach the API server: its URL and a kubeconfig (YAML text).
public struct ClusterAccessInfo: Codable, Sendable, Equatable {
    public var Endpoint: String
    public var Kubeconfig: String
    public init(Endpoint: String, Kubeconfig: String) {
        self.Endpoint = Endpoint
        self.Kubeconfig = Kubeconfig
    }
}

public struct ClusterAddonsInfo: Codable, Sendable, Equatable {
    public var KeyValueList: [KeyValue]?
    public init(KeyValueList: [KeyValue]? = nil) { self.KeyValueList = KeyValueList }
}

public struct ClusterInfo: Codable, Sendable {
    public var IId: IID
    /// Kubernetes "major.minor", e.g. "1.30".
    public var Version: String
    public var Network: ClusterNetworkInfo
    public var NodeGroupList: [NodeGroupInfo]
    public var AccessInfo: ClusterAccessInfo
    public var Addons: ClusterAddonsInfo
    public var Status: ClusterStatus
    public var CreatedTime: String
    public var TagList: [KeyValue]?
    public var KeyValueList: [KeyValue]?
    public init(IId: IID, Version: String, Network: ClusterNetworkInfo, NodeGroupList: [NodeGroupInfo], AccessInfo: ClusterAccessInfo,
                Addons: ClusterAddonsInfo = ClusterAddonsInfo(), Status: ClusterStatus, CreatedTime: String,
                TagList: [KeyValue]? = nil, KeyValueList: [KeyValue]? = nil) {
        self.IId = IId
        self.Version = Version
        self.Network = Network
        self.NodeGroupList = NodeGroupList
        self.AccessInfo = AccessInfo
        self.Addons = Addons
        self.Status = Status
        self.CreatedTime = CreatedTime
        self.TagList = TagList
        self.KeyValueList = KeyValueList
    }
}

public struct ClusterList: Codable, Sendable {
    public var cluster: [ClusterInfo]
    public init(_ v: [ClusterInfo]) { cluster = v }
}

/// CB-Spider's ClusterTokenResponse: a Kubernetes ExecCredential.
public struct ClusterTokenResponse: Codable, Sendable {
    public struct Status: Codable, Sendable {
        public var token: String
        /// RFC 3339; when the token stops working.
        public var expirationTimestamp: String
        public init(token: String, expirationTimestamp: String) {
            self.token = token
            self.expirationTimestamp = expirationTimestamp
        }
    }
    public var apiVersion: String
    public var kind: String
    public var status: Status
    public init(token: String, expirationTimestamp: String) {
        apiVersion = "client.authentication.k8s.io/v1beta1"
        kind = "ExecCredential"
        status = Status(token: token, expirationTimestamp: expirationTimestamp)
    }
}

// MARK: driver requests (names resolved by the host; sizes as numbers)

/// A node group to create (`cluster.create`, `cluster.nodegroup.add`). An empty `ImageIID` means
/// the cloud's default node image.
public struct NodeGroupReqInfo: Codable, Sendable {
    public var IId: IID
    public var ImageIID: IID?
    public var VMSpecName: String
    public var RootDiskType: String?
    public var RootDiskSize: String?
    public var KeyPairIID: IID
    public var OnAutoScaling: Bool
    public var DesiredNodeSize: Int
    public var MinNodeSize: Int
    public var MaxNodeSize: Int
    public init(IId: IID, ImageIID: IID? = nil, VMSpecName: String, RootDiskType: String? = nil, RootDiskSize: String? = nil,
                KeyPairIID: IID, OnAutoScaling: Bool, DesiredNodeSize: Int, MinNodeSize: Int, MaxNodeSize: Int) {
        self.IId = IId
        self.ImageIID = ImageIID
        self.VMSpecName = VMSpecName
        self.RootDiskType = RootDiskType
        self.RootDiskSize = RootDiskSize
        self.KeyPairIID = KeyPairIID
        self.OnAutoScaling = OnAutoScaling
        self.DesiredNodeSize = DesiredNodeSize
        self.MinNodeSize = MinNodeSize
        self.MaxNodeSize = MaxNodeSize
    }
}

/// `cluster.create`. An empty `Version` means the cloud's default version.
public struct ClusterReqInfo: Codable, Sendable {
    public var IId: IID
    public var Version: String?
    public var Network: ClusterNetworkInfo
    public var NodeGroupList: [NodeGroupReqInfo]
    public var TagList: [KeyValue]?
    public init(IId: IID, Version: String? = nil, Network: ClusterNetworkInfo, NodeGroupList: [NodeGroupReqInfo], TagList: [KeyValue]? = nil) {
        self.IId = IId
        self.Version = Version
        self.Network = Network
        self.NodeGroupList = NodeGroupList
        self.TagList = TagList
    }
}

/// `cluster.nodegroup.add`.
public struct NodeGroupAddReqInfo: Codable, Sendable {
    public var IId: IID
    public var NodeGroup: NodeGroupReqInfo
    public init(IId: IID, NodeGroup: NodeGroupReqInfo) {
        self.IId = IId
        self.NodeGroup = NodeGroup
    }
}

/// `cluster.nodegroup.remove`: the cluster and the node group's IID.
public struct NodeGroupTargetReqInfo: Codable, Sendable {
    public var IId: IID
    public var NodeGroupIID: IID
    public init(IId: IID, NodeGroupIID: IID) {
        self.IId = IId
        self.NodeGroupIID = NodeGroupIID
    }
}

/// `cluster.nodegroup.autoscaling`.
public struct NodeGroupAutoScalingReqInfo: Codable, Sendable {
    public var IId: IID
    public var NodeGroupIID: IID
    public var OnAutoScaling: Bool
    public init(IId: IID, NodeGroupIID: IID, OnAutoScaling: Bool) {
        self.IId = IId
        self.NodeGroupIID = NodeGroupIID
        self.OnAutoScaling = OnAutoScaling
    }
}

/// `cluster.nodegroup.resize`.
public struct NodeGroupResizeReqInfo: Codable, Sendable {
    public var IId: IID
    public var NodeGroupIID: IID
    public var DesiredNodeSize: Int
    public var MinNodeSize: Int
    public var MaxNodeSize: Int
    public init(IId: IID, NodeGroupIID: IID, DesiredNodeSize: Int, MinNodeSize: Int, MaxNodeSize: Int) {
        self.IId = IId
        self.NodeGroupIID = NodeGroupIID
        self.DesiredNodeSize = DesiredNodeSize
        self.MinNodeSize = MinNodeSize
        self.MaxNodeSize = MaxNodeSize
    }
}

/// `cluster.upgrade`.
public struct ClusterUpgradeReqInfo: Codable, Sendable {
    public var IId: IID
    public var Version: String
    public init(IId: IID, Version: String) {
        self.IId = IId
        self.Version = Version
    }
}
