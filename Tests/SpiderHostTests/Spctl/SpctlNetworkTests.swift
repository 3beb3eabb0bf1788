// spctl securitygroup (sg, security) against a real host on the Mock: rules from flags and from -d
// give the same group; add/remove rules both ways; table, JSON, YAML; exit codes.
import Foundation
import Testing

@Suite("spctl securitygroup")
struct SpctlNetworkTests {
    /// The rules of a security group answer, as "direction proto from-to cidr" lines (protocol upper-cased).
    static func rules(_ json: [String: Any]) -> Set<String> {
        Set((json["SecurityRules"] as? [[String: Any]] ?? []).map { r in
            "\(r["Direction"] ?? "") \(String(describing: r["IPProtocol"] ?? "").uppercased()) \(r["FromPort"] ?? "")-\(r["ToPort"] ?? "") \(r["CIDR"] ?? "")"
        })
    }

    @Test("create with --rule flags and with -d (CB-Spider's `security create`), list, get, rules, delete")
    func roundTrip() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host)
        try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01"))

        let created = try Spctl.must(host, ["securitygroup", "create", "-c", c.name, "--name", "sg-01", "--vpc", "vpc-01",
                                            "--rule", "inbound,tcp,22", "--rule", "inbound,udp,1,65535,10.0.0.0/8"])
        #expect(Self.rules(created.json) == ["inbound TCP 22-22 0.0.0.0/0", "inbound UDP 1-65535 10.0.0.0/8"], "\(created.stdout)")
        try Spctl.must(host, ["--config", "spctl.conf", "security", "create", "-i", "json", "-d", """
            {"ConnectionName":"\(c.name)","ReqInfo":{"Name":"sg-02","VPCName":"vpc-01","SecurityRules":[{"Direction":"inbound","IPProtocol":"TCP","FromPort":"22","ToPort":"22","CIDR":"0.0.0.0/0"}]}}
            """])
        #expect(Self.rules(try host.must("GET", "/spider/securitygroup/sg-02\(c.query)").json) == ["inbound TCP 22-22 0.0.0.0/0"])

        let listed = try Spctl.must(host, ["--cname", c.name, "sg", "list"])
        #expect(NSDictionary(dictionary: listed.json).isEqual(to: try host.must("GET", "/spider/securitygroup\(c.query)").json),
                "the JSON is the host's own")
        let table = try Spctl.must(host, ["securitygroup", "list", "-c", c.name, "-o", "table"])
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first.map { $0.hasPrefix("NAME") && $0.contains("VPC") && $0.contains("RULES") } == true, "\(table.stdout)")
        #expect(lines.contains { $0.hasPrefix("sg-01") && $0.contains("vpc-01") && $0.lowercased().contains("inbound udp 1-65535 10.0.0.0/8") },
                "\(table.stdout)")

        // Rules: CB-Spider's add-rules with -d, the friendly `rule add`, and both removals.
        try Spctl.must(host, ["securitygroup", "add-rules", "-c", c.name, "-n", "sg-01", "-d",
                              #"{"ReqInfo":{"RuleInfoList":[{"Direction":"inbound","IPProtocol":"ICMP","FromPort":"-1","ToPort":"-1","CIDR":"0.0.0.0/0"}]}}"#])
        let added = try Spctl.must(host, ["sg", "rule", "add", "-c", c.name, "-n", "sg-01", "--rule", "inbound,tcp,443"])
        #expect(Self.rules(added.json).isSuperset(of: ["inbound ICMP -1--1 0.0.0.0/0", "inbound TCP 443-443 0.0.0.0/0"]), "\(added.stdout)")
        try Spctl.must(host, ["sg", "rule", "remove", "-c", c.name, "-n", "sg-01", "--rule", "inbound,tcp,443"])
        try Spctl.must(host, ["securitygroup", "remove-rules", "-c", c.name, "--sg", "sg-01", "--rule", "inbound,icmp,-1,-1"])
        let after = try host.must("GET", "/spider/securitygroup/sg-01\(c.query)").json
        #expect(Self.rules(after) == ["inbound TCP 22-22 0.0.0.0/0", "inbound UDP 1-65535 10.0.0.0/8"], "\(after)")

        let yaml = try Spctl.must(host, ["sg", "get", "-c", c.name, "-n", "sg-01", "-o", "yaml"])
        #expect(yaml.stdout.contains("NameId: sg-01") && yaml.stdout.contains("FromPort: \"22\""), "\(yaml.stdout)")
        let one = try Spctl.must(host, ["sg", "get", "-c", c.name, "-n", "sg-02", "-o", "table"])
        #expect(one.stdout.contains("RULES") && one.stdout.lowercased().contains("inbound tcp 22 0.0.0.0/0"), "\(one.stdout)")

        try Spctl.must(host, ["--config", "spctl.conf", "security", "delete", "--cname", c.name, "-n", "sg-02"])
        try Spctl.must(host, ["sg", "delete", "-c", c.name, "-n", "sg-01"])
        #expect(try host.must("GET", "/spider/securitygroup\(c.query)").list("securitygroup").isEmpty)
    }

    @Test("exit codes: not found, exists, bad rules and missing flags (nothing sent), unsupported by the driver")
    func exitCodes() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host)
        try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01"))
        try Spctl.must(host, ["sg", "create", "-c", c.name, "--name", "sg-01", "--vpc", "vpc-01", "--rule", "inbound,tcp,22"])

        let missing = try Spctl.must(host, ["sg", "get", "-c", c.name, "-n", "nope"], code: 3)
        #expect(missing.stderr.contains("nope") && missing.stdout.isEmpty)
        try Spctl.must(host, ["sg", "create", "-c", c.name, "--name", "sg-x", "--vpc", "no-vpc", "--rule", "inbound,tcp,22"], code: 3)
        let duplicate = try Spctl.must(host, ["sg", "create", "-c", c.name, "--name", "sg-01", "--vpc", "vpc-01", "--rule", "inbound,tcp,22"], code: 4)
        #expect(duplicate.stderr.contains("already exists"), "\(duplicate)")

        for bad in ["sideways,tcp,22", "inbound,tcp", "inbound,tcp,ssh", "inbound,tcp,1,2,3,4"] {
            let r = try Spctl.must(host, ["sg", "create", "-c", c.name, "--name", "sg-bad", "--vpc", "vpc-01", "--rule", bad], code: 2)
            #expect(r.stderr.contains(bad), "\(r)")
        }
        try Spctl.must(host, ["sg", "create", "-c", c.name, "--name", "sg-bad", "--rule", "inbound,tcp,22"], code: 2)
        try Spctl.must(host, ["sg", "add-rules", "-c", c.name, "-n", "sg-01"], code: 2)
        #expect(try host.must("GET", "/spider/securitygroup\(c.query)").list("securitygroup").count == 1, "no bad group reached the host")
        try Spctl.must(host, ["sg", "rule", "add", "-c", c.name, "-n", "nope", "--rule", "inbound,tcp,80"], code: 3)

        let cexample = try Fixtures.registerCExample(host)
        let unsupported = try Spctl.must(host, ["sg", "list", "-c", cexample.name], code: 5)
        #expect(!unsupported.stderr.isEmpty)
    }
}
