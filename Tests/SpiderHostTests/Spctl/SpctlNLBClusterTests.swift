// spctl nlb, cluster and nodegroup against a real host on the Mock: create with friendly flags and
// with -d, tables, VMs in and out, health, listener change; node groups add/size/autoscaling/remove,
// upgrade, token; exit codes.
import Foundation
import Testing

@Suite("spctl nlb and cluster")
struct SpctlNLBClusterTests {
    @Test("nlb: create (flags and -d), list/get tables, add/remove VMs, health, set-listener, delete")
    func nlbs() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host)
        try host.createStack(c)
        try host.must("POST", "/spider/vm", json: Requests.vmInStack(c.name, "vm-02"))

        let created = try Spctl.must(host, ["nlb", "create", "-c", c.name, "--name", "nlb-01", "--vpc", "vpc-01", "--listener", "tcp:80",
                                            "--vmgroup", "TCP:8080", "--vm", "vm-01", "--health-checker", "TCP:8080:10:5:3"])
        let checker = created.json["HealthChecker"] as? [String: Any] ?? [:]
        #expect((created.json["Listener"] as? [String: Any])?["Port"] as? String == "80", "\(created.stdout)")
        #expect(checker["Interval"] as? Int == 10 && checker["Threshold"] as? Int == 3, "\(created.stdout)")
        let body = try JSONSerialization.data(withJSONObject: Requests.nlb(c.name, "nlb-02", vms: ["vm-02"]))
        try Spctl.must(host, ["nlb", "create", "-d", String(decoding: body, as: UTF8.self)])

        let listed = try Spctl.must(host, ["nlb", "list", "-c", c.name])
        #expect(NSDictionary(dictionary: listed.json).isEqual(to: try host.must("GET", "/spider/nlb\(c.query)").json))
        let table = try Spctl.must(host, ["nlb", "list", "-c", c.name, "-o", "table"])
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first.map { $0.contains("LISTENER") && $0.contains("VM GROUP") && $0.contains("HEALTH CHECKER") } == true, "\(table.stdout)")
        #expect(lines.contains { $0.hasPrefix("nlb-01") && $0.contains("TCP:80") && $0.contains("TCP:8080") && $0.contains("vm-01") },
                "\(table.stdout)")

        let added = try Spctl.must(host, ["nlb", "add-vms", "-c", c.name, "-n", "nlb-01", "--vm", "vm-02"])
        #expect(((added.json["VMGroup"] as? [String: Any])?["VMs"] as? [Any])?.count == 2, "\(added.stdout)")
        let health = try Spctl.must(host, ["nlb", "health", "-c", c.name, "-n", "nlb-01", "-o", "table"])
        let healthLines = health.stdout.split(separator: "\n").map(String.init)
        #expect(healthLines.first?.hasPrefix("VM") == true && healthLines.count == 3, "\(health.stdout)")
        #expect(healthLines.dropFirst().allSatisfy { $0.contains("healthy") }, "\(health.stdout)")
        try Spctl.must(host, ["nlb", "remove-vms", "-n", "nlb-01", "-d", #"{"ConnectionName":"\#(c.name)","ReqInfo":{"VMs":["vm-02"]}}"#])
        #expect((try Spctl.must(host, ["nlb", "health", "-c", c.name, "-n", "nlb-01"]).json["healthinfo"] as? [String: Any])
            .flatMap { $0["AllVMs"] as? [Any] }?.count == 1)
        let listener = try Spctl.must(host, ["nlb", "set-listener", "-c", c.name, "-n", "nlb-01", "--listener", "TCP:8000"])
        #expect(listener.json["Port"] as? String == "8000", "\(listener.stdout)")

        try Spctl.must(host, ["nlb", "create", "-c", c.name, "--name", "nlb-03", "--vpc", "vpc-01", "--listener", "TCP"], code: 2)
        try Spctl.must(host, ["nlb", "create", "-c", c.name, "--name", "nlb-03", "--vpc", "vpc-01", "--listener", "TCP:80"], code: 2)
        try Spctl.must(host, ["nlb", "create", "-c", c.name, "--name", "nlb-01", "--vpc", "vpc-01", "--listener", "TCP:80",
                              "--vmgroup", "TCP:80", "--vm", "vm-01"], code: 4)
        try Spctl.must(host, ["nlb", "add-vms", "-c", c.name, "-n", "nlb-01", "--vm", "nope"], code: 3)
        try Spctl.must(host, ["nlb", "add-vms", "-c", c.name, "-n", "nlb-01"], code: 2)
        try Spctl.must(host, ["nlb", "get", "-c", c.name, "-n", "nlb-02", "-o", "table"])
        try Spctl.must(host, ["nlb", "delete", "-c", c.name, "-n", "nlb-02"])
        try Spctl.must(host, ["nlb", "get", "-c", c.name, "-n", "nlb-02"], code: 3)
    }

    @Test("cluster: create (flags and -d), tables, node groups (both spellings), upgrade, token, delete")
    func clusters() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host)
        try host.createStack(c)

        let created = try Spctl.must(host, ["cluster", "create", "-c", c.name, "--name", "cluster-01", "--version", "1.29", "--vpc", "vpc-01",
                                            "--subnet", "subnet-01", "--sg", "sg-01",
                                            "--nodegroup", "name=ng-01,keypair=keypair-01,spec=mock-vmspec-02,desired=2,min=1,max=3,autoscaling=true"])
        let groups = created.json["NodeGroupList"] as? [[String: Any]] ?? []
        #expect(groups.count == 1 && groups.first?["DesiredNodeSize"] as? Int == 2 && groups.first?["OnAutoScaling"] as? Bool == true,
                "\(created.stdout)")
        let body = try JSONSerialization.data(withJSONObject: Requests.cluster(c.name, "cluster-02", nodeGroups: [Requests.nodeGroup("ng-a")]))
        try Spctl.must(host, ["cluster", "create", "-d", String(decoding: body, as: UTF8.self)])

        let listed = try Spctl.must(host, ["cluster", "list", "-c", c.name])
        #expect(NSDictionary(dictionary: listed.json).isEqual(to: try host.must("GET", "/spider/cluster\(c.query)").json))
        let table = try Spctl.must(host, ["cluster", "list", "-c", c.name, "-o", "table"])
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first.map { $0.contains("VERSION") && $0.contains("NODE GROUPS") && $0.contains("ENDPOINT") } == true, "\(table.stdout)")
        #expect(lines.contains { $0.hasPrefix("cluster-01") && $0.contains("1.29") && $0.contains("ng-01 (2 nodes, 1-3, autoscaling)") },
                "\(table.stdout)")

        // Node groups: the friendly flags under `nodegroup`, CB-Spider's -d under `cluster nodegroup`.
        let added = try Spctl.must(host, ["nodegroup", "add", "-c", c.name, "--cluster", "cluster-01", "--name", "ng-02", "--keypair", "keypair-01",
                                          "--spec", "mock-vmspec-02", "--desired", "1", "--min", "1", "--max", "2"])
        #expect((added.json["NodeGroupList"] as? [Any])?.count == 2, "\(added.stdout)")
        try Spctl.must(host, ["cluster", "nodegroup", "add", "-c", c.name, "--cluster", "cluster-01", "-d",
                              #"{"ReqInfo":{"Name":"ng-03","KeyPairName":"keypair-01","VMSpecName":"mock-vmspec-02","OnAutoScaling":"false","DesiredNodeSize":"1","MinNodeSize":"0","MaxNodeSize":"1"}}"#])
        let sized = try Spctl.must(host, ["nodegroup", "size", "-c", c.name, "--cluster", "cluster-01", "-n", "ng-02",
                                          "--desired", "3", "--min", "1", "--max", "4"])
        #expect(sized.json["DesiredNodeSize"] as? Int == 3 && sized.json["MaxNodeSize"] as? Int == 4, "\(sized.stdout)")
        try Spctl.must(host, ["nodegroup", "autoscaling", "-c", c.name, "--cluster", "cluster-01", "-n", "ng-02", "--on"])
        let afterAuto = try host.must("GET", "/spider/cluster/cluster-01\(c.query)").json
        let ng2 = (afterAuto["NodeGroupList"] as? [[String: Any]] ?? []).first { ($0["IId"] as? [String: Any])?["NameId"] as? String == "ng-02" }
        #expect(ng2?["OnAutoScaling"] as? Bool == true, "\(afterAuto)")
        try Spctl.must(host, ["cluster", "nodegroup", "remove", "-c", c.name, "--cluster", "cluster-01", "-n", "ng-03"])
        #expect((try host.must("GET", "/spider/cluster/cluster-01\(c.query)").json["NodeGroupList"] as? [Any])?.count == 2)

        let upgraded = try Spctl.must(host, ["cluster", "upgrade", "-c", c.name, "-n", "cluster-01", "--version", "1.30"])
        #expect(upgraded.json["Version"] as? String == "1.30", "\(upgraded.stdout)")
        let token = try Spctl.must(host, ["cluster", "token", "-c", c.name, "-n", "cluster-01"])
        #expect(token.json["kind"] as? String == "ExecCredential", "\(token.stdout)")
        let one = try Spctl.must(host, ["cluster", "get", "-c", c.name, "-n", "cluster-01", "-o", "table"])
        #expect(one.stdout.contains("1.30") && one.stdout.contains("ng-02 (3 nodes, 1-4, autoscaling)"), "\(one.stdout)")

        // Exit codes: bad node group text and missing flags (2, nothing sent), sizes the host refuses (2), unknown (3), taken (4).
        let bad = try Spctl.must(host, ["cluster", "create", "-c", c.name, "--name", "cluster-03", "--vpc", "vpc-01", "--subnet", "subnet-01",
                                        "--nodegroup", "name=ng,colour=blue"], code: 2)
        #expect(bad.stderr.contains("colour"), "\(bad)")
        try Spctl.must(host, ["cluster", "create", "-c", c.name, "--name", "cluster-03", "--vpc", "vpc-01"], code: 2)
        try Spctl.must(host, ["nodegroup", "size", "-c", c.name, "--cluster", "cluster-01", "-n", "ng-02", "--desired", "9", "--min", "1",
                              "--max", "4"], code: 2)
        try Spctl.must(host, ["nodegroup", "size", "-c", c.name, "--cluster", "cluster-01", "-n", "ng-02", "--desired", "2"], code: 2)
        try Spctl.must(host, ["nodegroup", "autoscaling", "-c", c.name, "--cluster", "cluster-01", "-n", "ng-02"], code: 2)
        try Spctl.must(host, ["cluster", "upgrade", "-c", c.name, "-n", "cluster-01", "--version", "latest"], code: 2)
        try Spctl.must(host, ["cluster", "get", "-c", c.name, "-n", "nope"], code: 3)
        try Spctl.must(host, ["cluster", "create", "-c", c.name, "--name", "cluster-01", "--vpc", "vpc-01", "--subnet", "subnet-01"], code: 4)
        try Spctl.must(host, ["cluster", "delete", "-c", c.name, "-n", "cluster-02"])
        #expect(try host.must("GET", "/spider/cluster\(c.query)").list("cluster").count == 1)
    }
}
