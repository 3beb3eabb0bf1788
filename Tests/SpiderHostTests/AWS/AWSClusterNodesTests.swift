// A cluster's node groups list their nodes: the live instances EKS tags with eks:cluster-name and
// eks:nodegroup-name. moto's EKS starts no instances for a node group, so the test launches tagged
// instances in moto as EKS would, and one of another cluster that must not be listed.
import Foundation
import SpiderModels
import Testing

@Suite("AWS driver against moto: EKS node groups list their nodes", .serialized)
struct AWSClusterNodesTests {
    static let region = AWSClusterTests.region

    static func launchNode(_ moto: MotoServer, image: String, subnet: String, cluster: String, nodeGroup: String) throws -> String {
        let reply = try moto.ec2(region, "run_instances", [
            "ImageId": image, "InstanceType": "t3.medium", "MinCount": 1, "MaxCount": 1, "SubnetId": subnet,
            "TagSpecifications": [["ResourceType": "instance", "Tags": [["Key": "eks:cluster-name", "Value": cluster],
                                                                         ["Key": "eks:nodegroup-name", "Value": nodeGroup]]]],
        ])
        return try #require((reply["Instances"] as? [[String: Any]])?.first?["InstanceId"] as? String)
    }

    @Test("cluster.get: each node group's Nodes are its tagged live instances; terminated ones and other clusters' are not")
    func nodes() throws {
        let (moto, host, c) = try AWSClusterTests.stack()
        let vpc = try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01", subnets: [("subnet-01", "10.0.1.0/24"),
                                                                                                       ("subnet-02", "10.0.2.0/24")])).json
        let subnetID = try #require((vpc["SubnetInfoList"] as? [[String: Any]])?.compactMap { ($0["IId"] as? [String: Any])?["SystemId"] as? String }.first)
        try host.must("POST", "/spider/keypair", json: Requests.keyPair(c.name, "keypair-01"))
        var ngA = Requests.nodeGroup("ng-a", desired: "2", min: "1", max: "3")
        ngA["VMSpecName"] = "t3.medium"
        var ngB = Requests.nodeGroup("ng-b", desired: "1", min: "1", max: "2")
        ngB["VMSpecName"] = "t3.medium"
        try host.must("POST", "/spider/cluster", json: Requests.cluster(c.name, "cls-01", subnets: ["subnet-01", "subnet-02"],
                                                                        securityGroups: [], nodeGroups: [ngA, ngB]))
        let image = try #require(try AWSComputeTests.image(moto)["ImageId"] as? String)
        let a1 = try Self.launchNode(moto, image: image, subnet: subnetID, cluster: "cls-01", nodeGroup: "ng-a")
        let a2 = try Self.launchNode(moto, image: image, subnet: subnetID, cluster: "cls-01", nodeGroup: "ng-a")
        let b1 = try Self.launchNode(moto, image: image, subnet: subnetID, cluster: "cls-01", nodeGroup: "ng-b")
        _ = try Self.launchNode(moto, image: image, subnet: subnetID, cluster: "cls-other", nodeGroup: "ng-a")
        _ = try moto.ec2(Self.region, "terminate_instances", ["InstanceIds": [a2]])

        let cluster = try host.must("GET", "/spider/cluster/cls-01\(c.query)").decode(ClusterInfo.self)
        let nodes = Dictionary(uniqueKeysWithValues: cluster.NodeGroupList.map { ($0.IId.NameId, Set($0.Nodes.map(\.SystemId))) })
        #expect(nodes == ["ng-a": [a1], "ng-b": [b1]])
    }
}
