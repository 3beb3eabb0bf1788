// Managed Kubernetes clusters over the socket on the Mock driver: lifecycle (two node groups, add
// and remove one, autoscaling, sizes, upgrade, token, tags, delete), every error case, statuses
// while a change settles, the IID map (register, owner, delete by cloud ID), state across a
// restart with destroy, and 501 on a driver without clusterHandler.
import Foundation
import SpiderClient
import SpiderModels
import Testing

@Suite("Managed Kubernetes clusters")
struct ClusterTests {
    @Test("create with two node groups, get, list, add and remove a node group, autoscaling, resize, upgrade, token, delete")
    func lifecycle() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "cls")
        let q = c.query
        let ids = try host.createStack(c)

        let created = try host.must("POST", "/spider/cluster", json: Requests.cluster(c.name, "cls-01", nodeGroups: [
            Requests.nodeGroup("ng-a"),
            Requests.nodeGroup("ng-b", desired: "1", min: "0", max: "2", autoscaling: "false", extra: ["ImageName": "mock-vmimage-01"]),
        ])).decode(ClusterInfo.self)
        #expect(created.IId.NameId == "cls-01" && !created.IId.SystemId.isEmpty)
        #expect(created.Version == "1.29" && created.Status == .Active)
        #expect(created.Network.VpcIID == IID(NameId: "vpc-01", SystemId: ids.vpc))
        #expect(created.Network.SubnetIIDs == [IID(NameId: "subnet-01", SystemId: ids.subnet)])
        #expect(created.Network.SecurityGroupIIDs == [IID(NameId: "sg-01", SystemId: ids.securityGroup)])
        #expect(created.NodeGroupList.map(\.IId.NameId) == ["ng-a", "ng-b"])
        let a = created.NodeGroupList[0], b = created.NodeGroupList[1]
        #expect(a.Nodes.map(\.NameId) == ["ng-a-node-1", "ng-a-node-2"] && a.Nodes.allSatisfy { !$0.SystemId.isEmpty })
        #expect(a.DesiredNodeSize == 2 && a.MinNodeSize == 1 && a.MaxNodeSize == 3 && a.OnAutoScaling && a.Status == .Active)
        #expect(a.KeyPairIID == IID(NameId: "keypair-01", SystemId: ids.keyPair) && a.VMSpecName == "mock-vmspec-02")
        #expect(b.Nodes.map(\.NameId) == ["ng-b-node-1"] && !b.OnAutoScaling && b.ImageIID.NameId == "mock-vmimage-01")
        #expect(created.AccessInfo.Endpoint.hasPrefix("https://"))
        #expect(created.AccessInfo.Kubeconfig.contains("apiVersion: v1")
                && created.AccessInfo.Kubeconfig.contains("server: \(created.AccessInfo.Endpoint)"), "\(created.AccessInfo.Kubeconfig)")
        #expect(!created.CreatedTime.isEmpty)

        let got = try get(host, "cls-01", q)
        #expect(got.IId == created.IId && got.NodeGroupList == created.NodeGroupList && got.AccessInfo == created.AccessInfo)
        #expect(try host.must("GET", "/spider/cluster" + q).decode(ClusterList.self).cluster.map(\.IId) == [created.IId])
        #expect(try host.must("GET", "/spider/countcluster/\(c.name)").json["count"] as? Int == 1)

        // Add a node group (sizes as JSON numbers and a boolean are taken too), then remove another.
        let grown = try host.must("POST", "/spider/cluster/cls-01/nodegroup", json: Requests.withInfo(c.name, [
            "Name": "ng-c", "KeyPairName": "keypair-01", "OnAutoScaling": true, "DesiredNodeSize": 1, "MinNodeSize": 1, "MaxNodeSize": 1,
        ])).decode(ClusterInfo.self)
        #expect(grown.NodeGroupList.map(\.IId.NameId) == ["ng-a", "ng-b", "ng-c"])
        #expect(grown.NodeGroupList[2].Nodes.map(\.NameId) == ["ng-c-node-1"] && grown.NodeGroupList[2].VMSpecName == "mock-vmspec-02")
        let removed = try host.must("DELETE", "/spider/cluster/cls-01/nodegroup/ng-b", json: Requests.connection(c.name))
        #expect(removed.json["Result"] as? String == "true")
        #expect(try get(host, "cls-01", q).NodeGroupList.map(\.IId.NameId) == ["ng-a", "ng-c"])

        // Autoscaling off and on again.
        let off = try host.must("PUT", "/spider/cluster/cls-01/nodegroup/ng-a/onautoscaling",
                                json: Requests.withInfo(c.name, ["OnAutoScaling": "false"]))
        #expect(off.json["Result"] as? String == "true")
        #expect(try group(host, "cls-01", "ng-a", q).OnAutoScaling == false)
        try host.must("PUT", "/spider/cluster/cls-01/nodegroup/ng-a/onautoscaling", json: Requests.withInfo(c.name, ["OnAutoScaling": "true"]))
        #expect(try group(host, "cls-01", "ng-a", q).OnAutoScaling == true)

        // Resize: up adds nodes after the highest number, down removes the newest.
        let up = try host.must("PUT", "/spider/cluster/cls-01/nodegroup/ng-a/autoscalesize",
                               json: Requests.withInfo(c.name, ["DesiredNodeSize": "4", "MinNodeSize": "2", "MaxNodeSize": "5"]))
            .decode(NodeGroupInfo.self)
        #expect(up.DesiredNodeSize == 4 && up.MinNodeSize == 2 && up.MaxNodeSize == 5)
        #expect(up.Nodes.map(\.NameId) == ["ng-a-node-1", "ng-a-node-2", "ng-a-node-3", "ng-a-node-4"])
        #expect(Array(up.Nodes.prefix(2)) == a.Nodes, "existing nodes stay")
        let down = try host.must("PUT", "/spider/cluster/cls-01/nodegroup/ng-a/autoscalesize",
                                 json: Requests.withInfo(c.name, ["DesiredNodeSize": "1", "MinNodeSize": "1", "MaxNodeSize": "2"]))
            .decode(NodeGroupInfo.self)
        #expect(down.Nodes == [a.Nodes[0]])
        #expect(try group(host, "cls-01", "ng-a", q).Nodes == down.Nodes)

        // Upgrade one minor version.
        let upgraded = try host.must("PUT", "/spider/cluster/cls-01/upgrade", json: Requests.withInfo(c.name, ["Version": "1.30"]))
            .decode(ClusterInfo.self)
        #expect(upgraded.Version == "1.30" && upgraded.Status == .Active && upgraded.IId.NameId == "cls-01")
        #expect(try get(host, "cls-01", q).Version == "1.30")

        // Tokens: an ExecCredential with a fresh base64url bearer token and an expiry each time.
        let token = try host.must("GET", "/spider/cluster/cls-01/token" + q).decode(ClusterTokenResponse.self)
        let again = try host.must("GET", "/spider/cluster/cls-01/token" + q).decode(ClusterTokenResponse.self)
        #expect(token.kind == "ExecCredential" && token.apiVersion.hasPrefix("client.authentication.k8s.io/"))
        let body = token.status.token.dropFirst("k8s-mock-v1.".count)
        #expect(token.status.token.hasPrefix("k8s-mock-v1.") && body.count >= 60, "\(token.status.token)")
        #expect(body.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        #expect(token.status.token != again.status.token)
        #expect((try? Date(token.status.expirationTimestamp, strategy: .iso8601)) != nil, "\(token.status.expirationTimestamp)")

        // Tags on a cluster.
        try host.must("POST", "/spider/tag", json: ["ConnectionName": c.name, "ReqInfo": [
            "ResourceType": "cluster", "ResourceName": "cls-01", "Tag": ["Key": "env", "Value": "dev"]]] as [String: Any])
        #expect(try get(host, "cls-01", q).TagList == [KeyValue(Key: "env", Value: "dev")])

        try host.must("DELETE", "/spider/cluster/cls-01" + q)
        try host.expect("GET", "/spider/cluster/cls-01" + q, status: 404, mentioning: ["cls-01"])
        #expect(try host.must("GET", "/spider/cluster" + q).decode(ClusterList.self).cluster.isEmpty)
        #expect(try host.must("GET", "/spider/countcluster/\(c.name)").json["count"] as? Int == 0)
        // With the cluster gone, what it used may go.
        try host.must("DELETE", "/spider/vm/vm-01" + q)
        try host.must("DELETE", "/spider/securitygroup/sg-01" + q)
        try host.must("DELETE", "/spider/keypair/keypair-01" + q)
        try host.must("DELETE", "/spider/vpc/vpc-01" + q)
    }

    @Test("unknown names 404, bad sizes and versions 400 naming the field, duplicates and dependencies 409")
    func errors() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "clserr")
        let q = c.query
        // No VM: what the cluster uses is used by nothing else, so each 409 is the cluster's.
        try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01"))
        try host.must("POST", "/spider/securitygroup", json: Requests.securityGroup(c.name, "sg-01", vpc: "vpc-01", rules: [Requests.rule("443")]))
        try host.must("POST", "/spider/keypair", json: Requests.keyPair(c.name, "keypair-01"))
        try host.must("POST", "/spider/cluster", json: Requests.cluster(c.name, "cls-01", nodeGroups: [Requests.nodeGroup("ng-a")]))

        // Unknown names.
        let unknown: [(json: [String: Any], name: String)] = [
            (Requests.cluster(c.name, "cls-x", vpc: "no-vpc"), "no-vpc"),
            (Requests.cluster(c.name, "cls-x", subnets: ["subnet-01", "no-subnet"]), "no-subnet"),
            (Requests.cluster(c.name, "cls-x", securityGroups: ["no-sg"]), "no-sg"),
            (Requests.cluster(c.name, "cls-x", nodeGroups: [Requests.nodeGroup("ng-a", keyPair: "no-key")]), "no-key"),
            (Requests.cluster(c.name, "cls-x", nodeGroups: [Requests.nodeGroup("ng-a", extra: ["ImageName": "no-image"])]), "no-image"),
        ]
        for (json, name) in unknown { try host.expect("POST", "/spider/cluster", json: json, status: 404, mentioning: [name]) }
        try host.expect("GET", "/spider/cluster/nope" + q, status: 404, mentioning: ["nope"])
        try host.expect("DELETE", "/spider/cluster/nope" + q, status: 404, mentioning: ["nope"])
        try host.expect("GET", "/spider/cluster/nope/token" + q, status: 404, mentioning: ["nope"])
        try host.expect("PUT", "/spider/cluster/nope/upgrade", json: Requests.withInfo(c.name, ["Version": "1.30"]), status: 404, mentioning: ["nope"])
        try host.expect("POST", "/spider/cluster/nope/nodegroup", json: Requests.withInfo(c.name, Requests.nodeGroup("ng-b")),
                        status: 404, mentioning: ["nope"])
        try host.expect("POST", "/spider/cluster/cls-01/nodegroup", json: Requests.withInfo(c.name, Requests.nodeGroup("ng-b", keyPair: "no-key")),
                        status: 404, mentioning: ["no-key"])
        try host.expect("DELETE", "/spider/cluster/cls-01/nodegroup/ng-x", json: Requests.connection(c.name), status: 404, mentioning: ["ng-x", "cls-01"])
        try host.expect("PUT", "/spider/cluster/cls-01/nodegroup/ng-x/onautoscaling", json: Requests.withInfo(c.name, ["OnAutoScaling": "true"]),
                        status: 404, mentioning: ["ng-x"])
        try host.expect("PUT", "/spider/cluster/cls-01/nodegroup/ng-x/autoscalesize",
                        json: Requests.withInfo(c.name, ["DesiredNodeSize": "1", "MinNodeSize": "1", "MaxNodeSize": "1"]), status: 404, mentioning: ["ng-x"])

        // Bad sizes, switches, versions and lists.
        let bad: [(json: [String: Any], field: String)] = [
            (Requests.cluster(c.name, "cls-x", nodeGroups: [Requests.nodeGroup("ng-a", desired: "5", max: "3")]), "ReqInfo.NodeGroupList[0].DesiredNodeSize"),
            (Requests.cluster(c.name, "cls-x", nodeGroups: [Requests.nodeGroup("ng-a", desired: "0", min: "-1")]), "ReqInfo.NodeGroupList[0].MinNodeSize"),
            (Requests.cluster(c.name, "cls-x", nodeGroups: [Requests.nodeGroup("ng-a", desired: "two")]), "ReqInfo.NodeGroupList[0].DesiredNodeSize"),
            (Requests.cluster(c.name, "cls-x", nodeGroups: [Requests.nodeGroup("ng-a", min: "4", max: "3")]), "ReqInfo.NodeGroupList[0].MinNodeSize"),
            (Requests.cluster(c.name, "cls-x", nodeGroups: [Requests.nodeGroup("ng-a", autoscaling: "maybe")]), "ReqInfo.NodeGroupList[0].OnAutoScaling"),
            (Requests.cluster(c.name, "cls-x", nodeGroups: [Requests.nodeGroup("ng-a"), Requests.nodeGroup("ng-a")]), "ReqInfo.NodeGroupList.Name"),
            (Requests.cluster(c.name, "cls-x", version: "v1.30"), "ReqInfo.Version"),
            (Requests.cluster(c.name, "cls-x", version: "1.27"), "1.28, 1.29, 1.30, 1.31"),
            (Requests.cluster(c.name, "cls-x", subnets: []), "ReqInfo.SubnetNames"),
            (Requests.cluster(c.name, ""), "ReqInfo.Name"),
        ]
        for (json, field) in bad { try host.expect("POST", "/spider/cluster", json: json, status: 400, mentioning: [field]) }
        let resize = "/spider/cluster/cls-01/nodegroup/ng-a/autoscalesize"
        try host.expect("PUT", resize, json: Requests.withInfo(c.name, ["DesiredNodeSize": "9", "MinNodeSize": "1", "MaxNodeSize": "3"]),
                        status: 400, mentioning: ["ReqInfo.DesiredNodeSize"])
        try host.expect("PUT", resize, json: Requests.withInfo(c.name, ["DesiredNodeSize": "1", "MinNodeSize": "1", "MaxNodeSize": "-3"]),
                        status: 400, mentioning: ["ReqInfo.MaxNodeSize"])
        try host.expect("PUT", "/spider/cluster/cls-01/nodegroup/ng-a/onautoscaling", json: Requests.withInfo(c.name, ["OnAutoScaling": "yes"]),
                        status: 400, mentioning: ["ReqInfo.OnAutoScaling"])

        // Upgrades: one supported minor version at a time, never down.
        let upgrade = "/spider/cluster/cls-01/upgrade"
        try host.expect("PUT", upgrade, json: Requests.withInfo(c.name, ["Version": "latest"]), status: 400, mentioning: ["ReqInfo.Version"])
        try host.expect("PUT", upgrade, json: Requests.withInfo(c.name, ["Version": "1.99"]), status: 400, mentioning: ["1.99", "1.31"])
        try host.expect("PUT", upgrade, json: Requests.withInfo(c.name, ["Version": "1.31"]), status: 400, mentioning: ["one minor", "1.30"])
        try host.expect("PUT", upgrade, json: Requests.withInfo(c.name, ["Version": "1.28"]), status: 400, mentioning: ["downgraded"])
        try host.expect("PUT", upgrade, json: Requests.withInfo(c.name, ["Version": "1.29"]), status: 409, mentioning: ["1.29"])
        #expect(try get(host, "cls-01", q).Version == "1.29", "refused upgrades left the version as it was")

        // Duplicates.
        try host.expect("POST", "/spider/cluster", json: Requests.cluster(c.name, "cls-01"), status: 409, mentioning: ["cls-01"])
        try host.expect("POST", "/spider/cluster/cls-01/nodegroup", json: Requests.withInfo(c.name, Requests.nodeGroup("ng-a")),
                        status: 409, mentioning: ["ng-a", "cls-01"])
        #expect(try get(host, "cls-01", q).NodeGroupList.map(\.IId.NameId) == ["ng-a"])
        // Node group names are unique per cluster only.
        let other = try host.must("POST", "/spider/cluster", json: Requests.cluster(c.name, "cls-02", nodeGroups: [Requests.nodeGroup("ng-a")]))
        #expect(try other.decode(ClusterInfo.self).NodeGroupList.map(\.IId.NameId) == ["ng-a"])
        try host.must("DELETE", "/spider/cluster/cls-02" + q)

        // What the cluster uses cannot be deleted while it exists.
        try host.expect("DELETE", "/spider/vpc/vpc-01" + q, status: 409, mentioning: ["vpc-01", "cls-01"])
        try host.expect("DELETE", "/spider/vpc/vpc-01/subnet/subnet-01" + q, status: 409, mentioning: ["subnet-01", "cls-01"])
        try host.expect("DELETE", "/spider/securitygroup/sg-01" + q, status: 409, mentioning: ["sg-01", "cls-01"])
        try host.expect("DELETE", "/spider/keypair/keypair-01" + q, status: 409, mentioning: ["keypair-01", "cls-01"])
        try host.must("DELETE", "/spider/cluster/cls-01" + q)
        try host.must("DELETE", "/spider/keypair/keypair-01" + q)
        try host.must("DELETE", "/spider/securitygroup/sg-01" + q)
        try host.must("DELETE", "/spider/vpc/vpc-01" + q)
        host.expectReady()
    }

    @Test("while a change settles (MockSettleMs) the cluster is Creating and refuses other changes with 409")
    func transitionalStatuses() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "clsslow", credentialExtras: [("MockSettleMs", "600000")])
        let q = c.query
        try host.createStack(c)
        let created = try host.must("POST", "/spider/cluster", json: Requests.cluster(c.name, "cls-01", nodeGroups: [Requests.nodeGroup("ng-a")]))
            .decode(ClusterInfo.self)
        #expect(created.Status == .Creating && created.NodeGroupList.map(\.Status) == [.Creating])
        #expect(try get(host, "cls-01", q).Status == .Creating)
        try host.expect("PUT", "/spider/cluster/cls-01/upgrade", json: Requests.withInfo(c.name, ["Version": "1.30"]), status: 409,
                        mentioning: ["cls-01", "Creating"])
        try host.expect("POST", "/spider/cluster/cls-01/nodegroup", json: Requests.withInfo(c.name, Requests.nodeGroup("ng-b")), status: 409,
                        mentioning: ["Creating"])
        // Deleting: the host forgets the name at once; the cloud shows the cluster Deleting until it is gone.
        let id = created.IId.SystemId
        try host.must("DELETE", "/spider/cluster/cls-01" + q)
        let all = try host.must("GET", "/spider/allclusterinfo" + q).json["AllListInfo"] as? [String: Any]
        let cloud = all?["OnlyCSPInfoList"] as? [[String: Any]] ?? []
        #expect(cloud.count == 1 && (cloud.first?["Status"] as? String) == "Deleting", "\(String(describing: all))")
        try host.expect("DELETE", "/spider/cspcluster/\(id)" + q, status: 409, mentioning: ["deleted already"])
        try host.expect("DELETE", "/spider/vpc/vpc-01" + q, status: 409, mentioning: ["cls-01"])
    }

    @Test("clusters join the IID map: unregister, register under a new name, owner VPC, delete by cloud ID")
    func iidManagement() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "clsreg")
        let q = c.query
        try host.createStack(c)
        let id = try host.must("POST", "/spider/cluster", json: Requests.cluster(c.name, "cls-01", nodeGroups: [Requests.nodeGroup("ng-a")]))
            .decode(ClusterInfo.self).IId.SystemId

        try host.must("DELETE", "/spider/regcluster/cls-01", json: Requests.connection(c.name))
        try host.expect("GET", "/spider/cluster/cls-01" + q, status: 404)
        #expect(try host.must("GET", "/spider/cluster" + q).decode(ClusterList.self).cluster.isEmpty, "an unmapped cluster is not listed")
        let owner = try host.must("POST", "/spider/getclusterowner", json: ["ConnectionName": c.name, "ReqInfo": ["CSPId": id]]).decode(IID.self)
        #expect(owner.NameId == "vpc-01" && !owner.SystemId.isEmpty)
        try host.expect("POST", "/spider/getclusterowner", json: ["ConnectionName": c.name, "ReqInfo": ["CSPId": "cls-nope"]], status: 404,
                        mentioning: ["cls-nope"])
        try host.expect("POST", "/spider/getclusterowner", json: ["ConnectionName": c.name, "ReqInfo": ["CSPId": ""]], status: 400,
                        mentioning: ["ReqInfo.CSPId"])

        let register: [String: Any] = ["ConnectionName": c.name, "ReqInfo": ["Name": "k8s-again", "VPCName": "vpc-01", "CSPId": id]]
        let shown = try host.must("POST", "/spider/regcluster", json: register).decode(ClusterInfo.self)
        #expect(shown.IId == IID(NameId: "k8s-again", SystemId: id) && shown.Network.VpcIID.NameId == "vpc-01")
        #expect(shown.NodeGroupList.map(\.IId.NameId) == ["ng-a"] && shown.NodeGroupList.first?.KeyPairIID.NameId == "keypair-01")
        try host.must("PUT", "/spider/cluster/k8s-again/upgrade", json: Requests.withInfo(c.name, ["Version": "1.30"]))
        #expect(try host.must("GET", "/spider/countcluster/\(c.name)").json["count"] as? Int == 1)

        try host.must("DELETE", "/spider/cspcluster/\(id)", json: Requests.connection(c.name))
        try host.expect("GET", "/spider/cluster/k8s-again" + q, status: 404)
        #expect(try host.must("GET", "/spider/countcluster/\(c.name)").json["count"] as? Int == 0)
        try host.must("DELETE", "/spider/vpc/vpc-01/subnet/subnet-01" + q, status: 409)  // vm-01 still uses it; the cluster no longer does
    }

    @Test("a cluster survives a host restart; destroy deletes it before what it uses")
    func survivesRestartAndDestroy() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "clsrestart")
        let q = c.query
        try host.createStack(c)
        let created = try host.must("POST", "/spider/cluster", json: Requests.cluster(c.name, "cls-01", nodeGroups: [Requests.nodeGroup("ng-a")]))
            .decode(ClusterInfo.self)

        try host.restart()

        let after = try get(host, "cls-01", q)
        #expect(after.IId == created.IId && after.Version == created.Version && after.NodeGroupList == created.NodeGroupList
                && after.AccessInfo == created.AccessInfo && after.Network == created.Network)
        try host.expect("POST", "/spider/cluster", json: Requests.cluster(c.name, "cls-01"), status: 409, mentioning: ["cls-01"])
        try host.must("GET", "/spider/cluster/cls-01/token" + q)

        let report = try host.must("DELETE", "/spider/destroy", json: Requests.connection(c.name))
        #expect(report.json["IsAllDestroyed"] as? Bool == true, "\(report.text)")
        try host.expect("GET", "/spider/cluster/cls-01" + q, status: 404)
        #expect(try host.must("GET", "/spider/countcluster/\(c.name)").json["count"] as? Int == 0)
    }

    @Test("a driver without clusterHandler is 501 naming it")
    func unsupported() throws {
        let host = try HostProcess()
        let ce = try Fixtures.registerCExample(host)
        let q = ce.query
        try host.expect("GET", "/spider/cluster" + q, status: 501, mentioning: ["clusterHandler"])
        try host.expect("POST", "/spider/cluster", json: Requests.cluster(ce.name, "cls-01"), status: 501, mentioning: ["clusterHandler"])
        try host.expect("GET", "/spider/cluster/cls-01" + q, status: 501, mentioning: ["clusterHandler"])
        try host.expect("GET", "/spider/cluster/cls-01/token" + q, status: 501, mentioning: ["clusterHandler"])
        try host.expect("PUT", "/spider/cluster/cls-01/upgrade", json: Requests.withInfo(ce.name, ["Version": "1.30"]), status: 501,
                        mentioning: ["clusterHandler"])
        try host.expect("POST", "/spider/cluster/cls-01/nodegroup", json: Requests.withInfo(ce.name, Requests.nodeGroup("ng-a")), status: 501,
                        mentioning: ["clusterHandler"])
        try host.expect("DELETE", "/spider/cluster/cls-01" + q, status: 501, mentioning: ["clusterHandler"])
    }

    // MARK: helpers

    private func get(_ host: HostProcess, _ name: String, _ q: String) throws -> ClusterInfo {
        try host.must("GET", "/spider/cluster/\(name)" + q).decode(ClusterInfo.self)
    }

    private func group(_ host: HostProcess, _ cluster: String, _ name: String, _ q: String) throws -> NodeGroupInfo {
        try #require(try get(host, cluster, q).NodeGroupList.first { $0.IId.NameId == name })
    }
}
