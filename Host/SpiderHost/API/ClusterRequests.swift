// The request bodies of the cluster routes, as CB-Spider's clients send them: the network and
// key pairs by name, sizes and switches as strings ("3", "true"; JSON numbers and booleans are
// taken too).
import SpiderModels

/// `POST /spider/cluster` (CB-Spider's ClusterCreateRequest.ReqInfo).
struct ClusterCreateInfo: Decodable, Sendable {
    var Name: String
    var Version: String?
    var VPCName: String
    var SubnetNames: [String]
    var SecurityGroupNames: [String]
    var NodeGroupList: [NodeGroupCreateInfo]?
    var TagList: [KeyValue]?
}

/// CB-Spider's ClusterNodeGroupRequest (`POST /spider/cluster/{Name}/nodegroup`'s ReqInfo too).
struct NodeGroupCreateInfo: Decodable, Sendable {
    var Name: String
    var ImageName: String?
    var VMSpecName: String?
    var RootDiskType: String?
    var RootDiskSize: LooseText?
    var KeyPairName: String
    var OnAutoScaling: LooseText
    var DesiredNodeSize: LooseText
    var MinNodeSize: LooseText
    var MaxNodeSize: LooseText
}

/// `PUT /spider/cluster/{Name}/nodegroup/{NodeGroupName}/onautoscaling`.
struct NodeGroupAutoScalingInfo: Decodable, Sendable {
    var OnAutoScaling: LooseText
}

/// `PUT /spider/cluster/{Name}/nodegroup/{NodeGroupName}/autoscalesize`.
struct NodeGroupSizeInfo: Decodable, Sendable {
    var DesiredNodeSize: LooseText
    var MinNodeSize: LooseText
    var MaxNodeSize: LooseText
}

/// `PUT /spider/cluster/{Name}/upgrade`.
struct ClusterUpgradeInfo: Decodable, Sendable {
    var Version: String
}

/// `POST /spider/getclusterowner`: the cluster's cloud ID.
struct ClusterOwnerInfo: Decodable, Sendable {
    var CSPId: String
}

/// A value CB-Spider sends as a string but some clients send as a JSON number or boolean.
struct LooseText: Decodable, Sendable {
    var text: String

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) {
            text = s
        } else if let n = try? c.decode(Int.self) {
            text = String(n)
        } else if let b = try? c.decode(Bool.self) {
            text = String(b)
        } else {
            throw DecodingError.typeMismatch(String.self, .init(codingPath: decoder.codingPath,
                                                                debugDescription: "expected a string, a whole number or a boolean"))
        }
    }
}
