// The AWS driver's EKS clusters in a real spiderd against moto: a VPC with two subnets, a security
// group and a key pair made over the socket, then a cluster with a node group, node groups added,
// resized, autoscaling switched, removed, a version upgrade and the cluster deleted. After each step,
// moto's own view (boto3 eks) must agree. moto lacks UpdateClusterVersion (it answers its web
// server's 404 page): the upgrade's request is checked through a relay that records it and answers
// as EKS does, and moto's own answer must come back as a failed call naming the request.
import Foundation
import SpiderModels
import Testing

@Suite("AWS driver against moto: EKS clusters and node groups", .serialized)
struct AWSClusterTests {
    static let region = "us-east-1"
    static let role = "arn:aws:iam::123456789012:role/spider-eks-test"

    static func stack() throws -> (MotoServer, HostProcess, RegisteredConnection) {
        let moto = try MotoServer()
        let (host, connection) = try AWSStack.host(tag: "awseks", region: region,
                                                   keys: [("Endpoint", moto.endpoint), ("ClusterRoleARN", role)])
        return (moto, host, connection)
    }

    static func eks(_ moto: MotoServer, _ operation: String, _ parameters: [String: Any] = [:]) throws -> [String: Any] {
        try MotoView.call("eks", moto.endpoint, region: region, operation, parameters)
    }

    @Test("create with a node group → add, resize, autoscaling, remove → upgrade (moto lacks it) → delete; each step in moto")
    func clusterFlow() throws {
        let (moto, host, c) = try Self.stack()
        let q = c.query
        try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01", cidr: "10.0.0.0/16",
                                                                subnets: [("subnet-01", "10.0.1.0/24"), ("subnet-02", "10.0.2.0/24")]))
        let sg = try host.must("POST", "/spider/securitygroup", json: Requests.securityGroup(c.name, "sg-01", vpc: "vpc-01",
                                                                                          rules: [Requests.rule("443")])).json
        try host.must("POST", "/spider/keypair", json: Requests.keyPair(c.name, "keypair-01"))
        let vpcID = try #require(MotoView.items(try moto.ec2(Self.region, "describe_vpcs", filters: ["tag:Name": ["vpc-01"]]), "Vpcs")
            .first?["VpcId"] as? String)
        let subnetIDs = Set(MotoView.items(try moto.ec2(Self.region, "describe_subnets", filters: ["vpc-id": [vpcID]]), "Subnets")
            .compactMap { $0["SubnetId"] as? String })
        let sgID = try #require((sg["IId"] as? [String: Any])?["SystemId"] as? String)

        // Create: EKS has the cluster in the VPC's subnets with the group, the role and the version.
        var ngA = Requests.nodeGroup("ng-a", desired: "2", min: "1", max: "3", autoscaling: "true")
        ngA["VMSpecName"] = "t3.medium"
        ngA["RootDiskSize"] = "30"
        let created = try host.must("POST", "/spider/cluster", json: Requests.cluster(
            c.name, "cls-01", version: "1.30", subnets: ["subnet-01", "subnet-02"], nodeGroups: [ngA],
            extra: ["TagList": [["Key": "team", "Value": "spider"]]])).decode(ClusterInfo.self)
        #expect(created.IId.NameId == "cls-01")
        #expect(created.IId.SystemId == "cls-01")
        #expect(created.Version == "1.30")
        #expect(created.Status == .Active)
        #expect(created.Network.VpcIID.NameId == "vpc-01")
        #expect(Set(created.Network.SubnetIIDs.map(\.NameId)) == ["subnet-01", "subnet-02"])
        #expect(created.Network.SecurityGroupIIDs.map(\.NameId) == ["sg-01"])
        #expect(created.AccessInfo.Endpoint.hasPrefix("https://"))
        #expect(created.AccessInfo.Kubeconfig.contains("server: \(created.AccessInfo.Endpoint)"))
        #expect(created.TagList?.contains(KeyValue(Key: "team", Value: "spider")) == true)
        let cluster = try #require(try Self.eks(moto, "describe_cluster", ["name": "cls-01"])["cluster"] as? [String: Any])
        let vpcConfig = cluster["resourcesVpcConfig"] as? [String: Any] ?? [:]
        #expect(Set(vpcConfig["subnetIds"] as? [String] ?? []) == subnetIDs)
        #expect(vpcConfig["securityGroupIds"] as? [String] == [sgID])
        #expect(cluster["roleArn"] as? String == Self.role)
        #expect(cluster["version"] as? String == "1.30")
        #expect((cluster["tags"] as? [String: String])?["Name"] == "cls-01")
        #expect((cluster["tags"] as? [String: String])?["team"] == "spider")

        let group = try #require(created.NodeGroupList.first)
        #expect(created.NodeGroupList.count == 1)
        #expect(group.IId.NameId == "ng-a")
        #expect(group.VMSpecName == "t3.medium")
        #expect(group.RootDiskSize == "30")
        #expect((group.DesiredNodeSize, group.MinNodeSize, group.MaxNodeSize) == (2, 1, 3))
        #expect(group.OnAutoScaling)
        #expect(group.KeyPairIID.NameId == "keypair-01")
        #expect(try Self.eks(moto, "list_nodegroups", ["clusterName": "cls-01"])["nodegroups"] as? [String] == ["ng-a"])
        var ng = try #require(try Self.eks(moto, "describe_nodegroup", ["clusterName": "cls-01", "nodegroupName": "ng-a"])["nodegroup"] as? [String: Any])
        #expect(ng["instanceTypes"] as? [String] == ["t3.medium"])
        #expect(ng["diskSize"] as? Int == 30)
        #expect(ng["nodeRole"] as? String == Self.role)
        #expect(Set(ng["subnets"] as? [String] ?? []) == subnetIDs)
        #expect((ng["remoteAccess"] as? [String: Any])?["ec2SshKey"] as? String == "keypair-01")
        #expect(ng["scalingConfig"] as? [String: Int] == ["minSize": 1, "maxSize": 3, "desiredSize": 2])

        // List and get agree with create.
        #expect(try host.must("GET", "/spider/cluster" + q).decode(ClusterList.self).cluster.map(\.IId.NameId) == ["cls-01"])
        #expect(try host.must("GET", "/spider/cluster/cls-01" + q).decode(ClusterInfo.self).NodeGroupList.map(\.IId.NameId) == ["ng-a"])

        // A second node group; the same name again is 409.
        let grown = try host.must("POST", "/spider/cluster/cls-01/nodegroup", json: Requests.withInfo(c.name,
            Requests.nodeGroup("ng-b", desired: "1", min: "1", max: "2", autoscaling: "false", extra: ["VMSpecName": "t3.small"])))
            .decode(ClusterInfo.self)
        #expect(grown.NodeGroupList.map(\.IId.NameId) == ["ng-a", "ng-b"])
        #expect(try Self.eks(moto, "list_nodegroups", ["clusterName": "cls-01"])["nodegroups"] as? [String] == ["ng-a", "ng-b"])
        try host.expect("POST", "/spider/cluster/cls-01/nodegroup", json: Requests.withInfo(c.name,
            Requests.nodeGroup("ng-b", extra: ["VMSpecName": "t3.small"])), status: 409, mentioning: ["ng-b"])

        // Resize (UpdateNodegroupConfig) and autoscaling off (the node group's autoscaler tag).
        let resized = try host.must("PUT", "/spider/cluster/cls-01/nodegroup/ng-a/autoscalesize", json: Requests.withInfo(c.name, [
            "DesiredNodeSize": "4", "MinNodeSize": "2", "MaxNodeSize": "5"])).decode(NodeGroupInfo.self)
        #expect((resized.DesiredNodeSize, resized.MinNodeSize, resized.MaxNodeSize) == (4, 2, 5))
        ng = try #require(try Self.eks(moto, "describe_nodegroup", ["clusterName": "cls-01", "nodegroupName": "ng-a"])["nodegroup"] as? [String: Any])
        #expect(ng["scalingConfig"] as? [String: Int] == ["minSize": 2, "maxSize": 5, "desiredSize": 4])
        try host.must("PUT", "/spider/cluster/cls-01/nodegroup/ng-a/onautoscaling", json: Requests.withInfo(c.name, ["OnAutoScaling": "false"]))
        let clusterARN = try #require(cluster["arn"] as? String)
        var clusterTags = try Self.eks(moto, "list_tags_for_resource", ["resourceArn": clusterARN])["tags"] as? [String: String] ?? [:]
        #expect(clusterTags["spider-autoscaling/ng-a"] == "false")
        #expect(clusterTags["spider-autoscaling/ng-b"] == "false")
        let after = try host.must("GET", "/spider/cluster/cls-01" + q).decode(ClusterInfo.self)
        #expect(after.NodeGroupList.first { $0.IId.NameId == "ng-a" }?.OnAutoScaling == false)
        #expect(after.TagList == [KeyValue(Key: "team", Value: "spider")], "Spider's own tags stay out of TagList")

        // Remove a node group; one the cluster lacks is 404.
        try host.must("DELETE", "/spider/cluster/cls-01/nodegroup/ng-b", json: Requests.connection(c.name))
        #expect(try Self.eks(moto, "list_nodegroups", ["clusterName": "cls-01"])["nodegroups"] as? [String] == ["ng-a"])
        clusterTags = try Self.eks(moto, "list_tags_for_resource", ["resourceArn": clusterARN])["tags"] as? [String: String] ?? [:]
        #expect(clusterTags["spider-autoscaling/ng-b"] == nil, "the removed node group's setting goes with it")
        try host.expect("DELETE", "/spider/cluster/cls-01/nodegroup/ng-zz", json: Requests.connection(c.name), status: 404, mentioning: ["ng-zz"])

        // moto has no UpdateClusterVersion and answers a plain 404 page: a failed call naming the request
        // (it cannot tell "no such API" from a wrong URL), never "not implemented" or "not found".
        let refused = try host.expect("PUT", "/spider/cluster/cls-01/upgrade", json: Requests.withInfo(c.name, ["Version": "1.31"]),
                                      status: 502, mentioning: ["UpdateClusterVersion", "POST /clusters/cls-01/updates", "HTTP 404"])
        #expect(!refused.text.contains("does not implement"))
        #expect((try Self.eks(moto, "describe_cluster", ["name": "cls-01"])["cluster"] as? [String: Any])?["version"] as? String == "1.30")

        // Delete: the node groups go first, then the cluster.
        try host.must("DELETE", "/spider/cluster/cls-01" + q)
        #expect(try Self.eks(moto, "list_clusters")["clusters"] as? [String] == [])
        try host.expect("GET", "/spider/cluster/cls-01" + q, status: 404, mentioning: ["cls-01"])
        #expect(!host.responses.contains { $0.contains(c.credentialValues[1]) })
    }

    @Test("a cluster removed behind Spider's back is 404 with EKS's code")
    func notFound() throws {
        let (moto, host, c) = try Self.stack()
        try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01", cidr: "10.0.0.0/16", subnets: [("subnet-01", "10.0.1.0/24")]))
        try host.must("POST", "/spider/securitygroup", json: Requests.securityGroup(c.name, "sg-01", vpc: "vpc-01", rules: []))
        try host.must("POST", "/spider/cluster", json: Requests.cluster(c.name, "cls-02", version: "1.29"))
        _ = try Self.eks(moto, "delete_cluster", ["name": "cls-02"])
        try host.expect("GET", "/spider/cluster/cls-02" + c.query, status: 404, mentioning: ["ResourceNotFoundException"])
    }

    @Test("upgrade sends EKS's UpdateClusterVersion: POST /clusters/{name}/updates with the version, signed for eks")
    func upgradeRequest() throws {
        let moto = try MotoServer()
        // EKS's answer to UpdateClusterVersion (an Update in progress), given by the relay in moto's place.
        let update = #"{"update": {"id": "b5f0ba18-9a87-4450-b5a0-825e6e84496f", "status": "InProgress", "type": "VersionUpdate", "#
            + #""params": [{"type": "Version", "value": "1.31"}, {"type": "PlatformVersion", "value": "eks.1"}], "#
            + #""createdAt": 1765000000.0, "errors": []}}"#
        let relay = try AWSRelay(upstream: moto.endpoint, refusing: [
            .answer(method: "POST", path: "/clusters/cls-up/updates", status: 200, json: update),
        ])
        let (host, c) = try AWSStack.host(tag: "awseksup", region: Self.region, keys: [("Endpoint", relay.endpoint), ("ClusterRoleARN", Self.role)])
        try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01", cidr: "10.0.0.0/16",
                                                                subnets: [("subnet-01", "10.0.1.0/24"), ("subnet-02", "10.0.2.0/24")]))
        try host.must("POST", "/spider/securitygroup", json: Requests.securityGroup(c.name, "sg-01", vpc: "vpc-01", rules: []))
        try host.must("POST", "/spider/cluster", json: Requests.cluster(c.name, "cls-up", version: "1.30", subnets: ["subnet-01", "subnet-02"]))

        let upgraded = try host.must("PUT", "/spider/cluster/cls-up/upgrade", json: Requests.withInfo(c.name, ["Version": "1.31"]))
        #expect(try upgraded.decode(ClusterInfo.self).IId.NameId == "cls-up")
        let sent = relay.recorded.filter { $0.path.hasSuffix("/updates") }
        try #require(sent.count == 1, "one UpdateClusterVersion: \(relay.recorded.map { "\($0.method) \($0.path)" })")
        #expect(sent[0].method == "POST" && sent[0].path == "/clusters/cls-up/updates" && sent[0].service == "eks", "\(sent[0])")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(sent[0].body.utf8)) as? [String: String], "\(sent[0].body)")
        #expect(body["version"] == "1.31", "\(body)")
        #expect(UUID(uuidString: body["clientRequestToken"] ?? "") != nil, "an idempotency token: \(body)")
        #expect(Set(body.keys) == ["version", "clientRequestToken"], "\(body)")
        // It asked EKS that the cluster is ACTIVE first, and read it back after.
        let eksCalls = relay.recorded.filter { $0.service == "eks" && $0.path.hasPrefix("/clusters/cls-up") }.map { "\($0.method) \($0.path)" }
        let at = try #require(eksCalls.firstIndex(of: "POST /clusters/cls-up/updates"))
        #expect(at > 0 && eksCalls[at - 1] == "GET /clusters/cls-up" && eksCalls.dropFirst(at + 1).first == "GET /clusters/cls-up", "\(eksCalls)")
    }
}
