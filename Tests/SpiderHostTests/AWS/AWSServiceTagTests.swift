// The AWS driver's tags on NLBs (ELBv2) and clusters (EKS) in a real spiderd against moto, through
// the host's /spider/tag routes: added, replaced, listed, got, found (alone and among EC2's types),
// removed, each checked in moto's own view (boto3 elbv2 describe_tags, eks list_tags_for_resource).
// Spider's own tags (Name, a cluster's node group autoscaling) are neither shown nor changed; a
// resource the cloud no longer has is 404.
import Foundation
import SpiderClient
import Testing

@Suite("AWS driver against moto: tags on NLBs and clusters", .serialized)
struct AWSServiceTagTests {
    static let region = AWSNetworkTests.region

    @Test("NLB tags: create's TagList, add/replace/list/get/find/remove in ELBv2's view; Name untouched; unknown NLB 404")
    func nlbTags() throws {
        let (moto, host, c) = try AWSNetworkTests.stack()
        _ = try AWSNLBMonitoringTests.vms(moto, host, c, ["vm-01"])
        let created = try host.must("POST", "/spider/nlb", json: Requests.nlb(c.name, "nlb-01", vms: ["vm-01"],
                                                                              extra: ["TagList": [["Key": "env", "Value": "test"]]])).json
        let arn = try #require((created["IId"] as? [String: Any])?["SystemId"] as? String)
        #expect(try Self.nlbTags(moto, arn) == ["Name": "nlb-01", "env": "test"])

        let target = "\(c.query)&ResourceType=NLB&ResourceName=nlb-01"
        #expect(try Self.pairs(host.must("GET", "/spider/tag\(target)")) == ["env": "test"])
        for (key, value) in [("team", "blue"), ("env", "prod")] {
            let added = try host.must("POST", "/spider/tag", json: Self.addRequest(c.name, "NLB", "nlb-01", key, value)).json
            #expect(added["Key"] as? String == key && added["Value"] as? String == value)
        }
        #expect(try Self.nlbTags(moto, arn) == ["Name": "nlb-01", "env": "prod", "team": "blue"])
        #expect(try Self.pairs(host.must("GET", "/spider/tag\(target)")) == ["env": "prod", "team": "blue"])
        let one = try host.must("GET", "/spider/tag/team\(target)").json
        #expect(one["Key"] as? String == "team" && one["Value"] as? String == "blue")
        try host.expect("GET", "/spider/tag/owner\(target)", status: 404, mentioning: ["owner"])
        try host.expect("GET", "/spider/tag/Name\(target)", status: 404, mentioning: ["Name"])
        let nlb = try host.must("GET", "/spider/nlb/nlb-01\(c.query)").json
        #expect(Self.pairs(nlb["TagList"]) == ["env": "prod", "team": "blue"])

        // find: the NLB alone, and among EC2's types when no type is given (the VPC tagged too).
        try host.must("POST", "/spider/tag", json: Self.addRequest(c.name, "VPC", "vpc-01", "env", "prod"))
        let byType = try Self.found(host.must("GET", "/spider/tag/find\(c.query)&ResourceType=NLB&Key=env&Value=prod"))
        #expect(byType.map(\.type) == ["nlb"] && byType.map(\.name) == ["nlb-01"])
        let everywhere = try Self.found(host.must("GET", "/spider/tag/find\(c.query)&Key=env&Value=prod"))
        #expect(Set(everywhere.map { "\($0.type):\($0.name)" }) == ["vpc:vpc-01", "nlb:nlb-01"])
        #expect(try Self.found(host.must("GET", "/spider/tag/find\(c.query)&ResourceType=all&Keyword=BLU")).map(\.name) == ["nlb-01"])
        #expect(try Self.found(host.must("GET", "/spider/tag/find\(c.query)&ResourceType=NLB&Keyword=nlb-01")).isEmpty,
                "the Name tag is not searched")
        #expect(try Self.found(host.must("GET", "/spider/tag/find\(c.query)&ResourceType=VPC&Keyword=blue")).isEmpty)

        // Name is the Spider name: neither changed nor removed.
        try host.expect("POST", "/spider/tag", json: Self.addRequest(c.name, "NLB", "nlb-01", "Name", "other"), status: 400,
                        mentioning: ["Name"])
        try host.expect("DELETE", "/spider/tag/Name", json: Self.removeRequest(c.name, "NLB", "nlb-01"), status: 400, mentioning: ["Name"])
        #expect(try Self.nlbTags(moto, arn)["Name"] == "nlb-01")

        // Remove: gone from ELBv2; a key the NLB lacks is 404.
        try host.must("DELETE", "/spider/tag/env", json: Self.removeRequest(c.name, "NLB", "nlb-01"))
        #expect(try Self.nlbTags(moto, arn) == ["Name": "nlb-01", "team": "blue"])
        // The NLB's listener and target group (tagged alike at create) follow the balancer's changes.
        let listener = try #require(MotoView.items(try AWSNLBMonitoringTests.elbv2(moto, "describe_listeners", ["LoadBalancerArn": arn]),
                                                   "Listeners").first?["ListenerArn"] as? String)
        let group = try #require(MotoView.items(try AWSNLBMonitoringTests.elbv2(moto, "describe_target_groups", ["LoadBalancerArn": arn]),
                                                "TargetGroups").first?["TargetGroupArn"] as? String)
        for part in [listener, group] {
            let tags = try Self.nlbTags(moto, part)
            #expect(tags["team"] == "blue" && tags["env"] == nil, "\(part): \(tags)")
        }
        try host.expect("DELETE", "/spider/tag/env", json: Self.removeRequest(c.name, "NLB", "nlb-01"), status: 404, mentioning: ["env"])

        // Unknown: a name Spider does not know, and an NLB deleted behind Spider's back.
        try host.expect("GET", "/spider/tag\(c.query)&ResourceType=NLB&ResourceName=nlb-zz", status: 404, mentioning: ["nlb-zz"])
        _ = try AWSNLBMonitoringTests.elbv2(moto, "delete_load_balancer", ["LoadBalancerArn": arn])
        try host.expect("GET", "/spider/tag\(target)", status: 404, mentioning: ["LoadBalancerNotFound"])
        try host.expect("POST", "/spider/tag", json: Self.addRequest(c.name, "NLB", "nlb-01", "env", "x"), status: 404)
        try host.expect("DELETE", "/spider/tag/team", json: Self.removeRequest(c.name, "NLB", "nlb-01"), status: 404)
    }

    @Test("cluster tags: create's TagList, add/replace/list/get/find/remove in EKS's view; Name and autoscaling untouched; unknown cluster 404")
    func clusterTags() throws {
        let (moto, host, c) = try AWSClusterTests.stack()
        try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01", cidr: "10.0.0.0/16",
                                                                subnets: [("subnet-01", "10.0.1.0/24"), ("subnet-02", "10.0.2.0/24")]))
        try host.must("POST", "/spider/securitygroup", json: Requests.securityGroup(c.name, "sg-01", vpc: "vpc-01", rules: []))
        try host.must("POST", "/spider/keypair", json: Requests.keyPair(c.name, "keypair-01"))
        try host.must("POST", "/spider/cluster", json: Requests.cluster(
            c.name, "cls-01", subnets: ["subnet-01", "subnet-02"], nodeGroups: [Requests.nodeGroup("ng-a", extra: ["VMSpecName": "t3.small"])],
            extra: ["TagList": [["Key": "team", "Value": "spider"]]]))
        let arn = try #require((try AWSClusterTests.eks(moto, "describe_cluster", ["name": "cls-01"])["cluster"] as? [String: Any])?["arn"]
                               as? String)
        #expect(try Self.clusterTags(moto, arn) == ["Name": "cls-01", "team": "spider", "spider-autoscaling/ng-a": "true"])

        let target = "\(c.query)&ResourceType=CLUSTER&ResourceName=cls-01"
        #expect(try Self.pairs(host.must("GET", "/spider/tag\(target)")) == ["team": "spider"], "Spider's own tags are not listed")
        for (key, value) in [("env", "dev"), ("env", "prod")] {
            let added = try host.must("POST", "/spider/tag", json: Self.addRequest(c.name, "CLUSTER", "cls-01", key, value)).json
            #expect(added["Key"] as? String == key && added["Value"] as? String == value)
        }
        #expect(try Self.clusterTags(moto, arn) == ["Name": "cls-01", "team": "spider", "env": "prod", "spider-autoscaling/ng-a": "true"])
        #expect(try Self.pairs(host.must("GET", "/spider/tag\(target)")) == ["env": "prod", "team": "spider"])
        let one = try host.must("GET", "/spider/tag/env\(target)").json
        #expect(one["Key"] as? String == "env" && one["Value"] as? String == "prod")
        try host.expect("GET", "/spider/tag/owner\(target)", status: 404, mentioning: ["owner"])
        try host.expect("GET", "/spider/tag/Name\(target)", status: 404, mentioning: ["Name"])
        let cluster = try host.must("GET", "/spider/cluster/cls-01\(c.query)").json
        #expect(Self.pairs(cluster["TagList"]) == ["env": "prod", "team": "spider"])

        // find: the cluster alone, and among EC2's types when no type is given (the VPC tagged too).
        try host.must("POST", "/spider/tag", json: Self.addRequest(c.name, "VPC", "vpc-01", "env", "prod"))
        let byType = try Self.found(host.must("GET", "/spider/tag/find\(c.query)&ResourceType=CLUSTER&Key=env&Value=prod"))
        #expect(byType.map(\.type) == ["cluster"] && byType.map(\.name) == ["cls-01"])
        let everywhere = try Self.found(host.must("GET", "/spider/tag/find\(c.query)&Key=env&Value=prod"))
        #expect(Set(everywhere.map { "\($0.type):\($0.name)" }) == ["vpc:vpc-01", "cluster:cls-01"])
        #expect(try Self.found(host.must("GET", "/spider/tag/find\(c.query)&Keyword=SPIDER")).map(\.name) == ["cls-01"])
        #expect(try Self.found(host.must("GET", "/spider/tag/find\(c.query)&ResourceType=CLUSTER&Keyword=autoscaling")).isEmpty,
                "Spider's own tags are not searched")

        // Name and the node group's autoscaling setting are Spider's: not changed through tags.
        for key in ["Name", "spider-autoscaling/ng-a"] {
            try host.expect("POST", "/spider/tag", json: Self.addRequest(c.name, "CLUSTER", "cls-01", key, "other"), status: 400,
                            mentioning: [key])
        }
        try host.expect("DELETE", "/spider/tag/Name", json: Self.removeRequest(c.name, "CLUSTER", "cls-01"), status: 400,
                        mentioning: ["Name"])
        try host.expect("DELETE", "/spider/tag/\(Self.pathSegment("spider-autoscaling/ng-a"))",
                        json: Self.removeRequest(c.name, "CLUSTER", "cls-01"), status: 400, mentioning: ["autoscaling"])
        #expect(try Self.clusterTags(moto, arn) == ["Name": "cls-01", "team": "spider", "env": "prod", "spider-autoscaling/ng-a": "true"])

        // Remove: gone from EKS; a key the cluster lacks is 404.
        try host.must("DELETE", "/spider/tag/env", json: Self.removeRequest(c.name, "CLUSTER", "cls-01"))
        #expect(try Self.clusterTags(moto, arn) == ["Name": "cls-01", "team": "spider", "spider-autoscaling/ng-a": "true"])
        try host.expect("DELETE", "/spider/tag/env", json: Self.removeRequest(c.name, "CLUSTER", "cls-01"), status: 404,
                        mentioning: ["env"])

        // Unknown: a name Spider does not know, and a cluster deleted behind Spider's back.
        try host.expect("GET", "/spider/tag\(c.query)&ResourceType=CLUSTER&ResourceName=cls-zz", status: 404, mentioning: ["cls-zz"])
        try host.must("POST", "/spider/cluster", json: Requests.cluster(c.name, "cls-02", subnets: ["subnet-01", "subnet-02"]))
        _ = try AWSClusterTests.eks(moto, "delete_cluster", ["name": "cls-02"])
        let gone = "\(c.query)&ResourceType=CLUSTER&ResourceName=cls-02"
        try host.expect("GET", "/spider/tag\(gone)", status: 404, mentioning: ["ResourceNotFoundException"])
        try host.expect("POST", "/spider/tag", json: Self.addRequest(c.name, "CLUSTER", "cls-02", "env", "x"), status: 404)
        try host.expect("DELETE", "/spider/tag/env", json: Self.removeRequest(c.name, "CLUSTER", "cls-02"), status: 404)
    }

    // MARK: helpers

    static func addRequest(_ connection: String, _ type: String, _ name: String, _ key: String, _ value: String) -> [String: Any] {
        ["ConnectionName": connection,
         "ReqInfo": ["ResourceType": type, "ResourceName": name, "Tag": ["Key": key, "Value": value]] as [String: Any]]
    }

    static func removeRequest(_ connection: String, _ type: String, _ name: String) -> [String: Any] {
        ["ConnectionName": connection, "ReqInfo": ["ResourceType": type, "ResourceName": name]]
    }

    /// A tag key as one URL path segment (a '/' in it escaped).
    static func pathSegment(_ key: String) -> String {
        key.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? key
    }

    /// A JSON list of {Key, Value} (a response body or a TagList) as key → value.
    static func pairs(_ list: Any?) -> [String: String] {
        let items = list as? [[String: Any]] ?? []
        return Dictionary(items.map { ($0["Key"] as? String ?? "", $0["Value"] as? String ?? "") }) { first, _ in first }
    }

    static func pairs(_ response: SpiderResponse) throws -> [String: String] {
        pairs(try JSONSerialization.jsonObject(with: response.body))
    }

    /// tag.find's answer as (resource type, user's name) pairs.
    static func found(_ response: SpiderResponse) throws -> [(type: String, name: String)] {
        let list = try JSONSerialization.jsonObject(with: response.body) as? [[String: Any]] ?? []
        return list.map { ($0["ResourceType"] as? String ?? "", ($0["ResourceIId"] as? [String: Any])?["NameId"] as? String ?? "") }
    }

    /// Every tag ELBv2 (moto) has on a load balancer.
    static func nlbTags(_ moto: MotoServer, _ arn: String) throws -> [String: String] {
        let description = MotoView.items(try AWSNLBMonitoringTests.elbv2(moto, "describe_tags", ["ResourceArns": [arn]]), "TagDescriptions")
        return pairs(description.first { $0["ResourceArn"] as? String == arn }?["Tags"])
    }

    /// Every tag EKS (moto) has on a cluster.
    static func clusterTags(_ moto: MotoServer, _ arn: String) throws -> [String: String] {
        try AWSClusterTests.eks(moto, "list_tags_for_resource", ["resourceArn": arn])["tags"] as? [String: String] ?? [:]
    }
}
