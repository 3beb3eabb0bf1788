// spctl vpc against a real host on the Mock: CB-Spider's -d form and the friendly flags give the
// same VPC; table, JSON and YAML output; exit codes for each class of failure.
import Foundation
import Testing

@Suite("spctl vpc")
struct SpctlVPCTests {
    @Test("create with flags and with -d, list, get, subnets, delete; JSON is the host's own")
    func vpcRoundTrip() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host)
        try Spctl.must(host, ["vpc", "create", "-c", c.name, "--name", "vpc-01", "--cidr", "10.0.0.0/16", "--subnet", "s1=10.0.1.0/24"])
        try Spctl.must(host, ["--config", "spctl.conf", "vpc", "create", "-i", "json", "-d",
                              #"{"ConnectionName":"\#(c.name)","ReqInfo":{"Name":"vpc-02","IPv4_CIDR":"10.1.0.0/16","SubnetInfoList":[{"Name":"s2","IPv4_CIDR":"10.1.1.0/24"}]}}"#])

        let file = host.folder.file("vpc-03.json")
        try #"{"ConnectionName":"\#(c.name)","ReqInfo":{"Name":"vpc-03","IPv4_CIDR":"10.2.0.0/16","SubnetInfoList":[{"Name":"s3","IPv4_CIDR":"10.2.1.0/24"}]}}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        try Spctl.must(host, ["vpc", "create", "-f", file])   // CB-Spider's --infile
        try Spctl.must(host, ["vpc", "create", "-f", file, "-d", "{}"], code: 2)
        try Spctl.must(host, ["vpc", "delete", "-c", c.name, "-n", "vpc-03"])

        let listed = try Spctl.must(host, ["--cname", c.name, "vpc", "list"])
        let fromHost = try host.must("GET", "/spider/vpc\(c.query)")
        #expect(listed.json["vpc"] as? [[String: Any]] != nil)
        #expect((listed.json["vpc"] as? [[String: Any]])?.count == 2)
        #expect(NSDictionary(dictionary: listed.json).isEqual(to: fromHost.json), "the same JSON as the host's")

        let table = try Spctl.must(host, ["vpc", "list", "-c", c.name, "-o", "table"])
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("NAME") == true && lines.first?.contains("CIDR") == true, "\(table.stdout)")
        #expect(lines.contains { $0.hasPrefix("vpc-01") && $0.contains("10.0.0.0/16") && $0.contains("s1") })
        #expect(!table.stdout.contains("\u{1B}["), "no colors when not on a terminal")

        let yaml = try Spctl.must(host, ["vpc", "get", "-c", c.name, "-n", "vpc-02", "-o", "yaml"])
        #expect(yaml.stdout.contains("NameId: vpc-02") && yaml.stdout.contains("IPv4_CIDR: 10.1.0.0/16"), "\(yaml.stdout)")

        try Spctl.must(host, ["vpc", "add-subnet", "-c", c.name, "--vpc", "vpc-01", "--name", "s3", "--cidr", "10.0.3.0/24"])
        try Spctl.must(host, ["vpc", "remove-subnet", "-c", c.name, "--vpc", "vpc-01", "-n", "s3"])
        try Spctl.must(host, ["vpc", "delete", "-c", c.name, "-n", "vpc-01"])
        try Spctl.must(host, ["vpc", "delete", "--cname", c.name, "-n", "vpc-02"])
        #expect(try host.must("GET", "/spider/vpc\(c.query)").list("vpc").isEmpty)
    }

    @Test("each class of failure has its exit code and the host's message on stderr")
    func exitCodes() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host)
        try Spctl.must(host, ["vpc", "create", "-c", c.name, "--name", "vpc-01", "--cidr", "10.0.0.0/16"])

        let missing = try Spctl.must(host, ["vpc", "get", "-c", c.name, "-n", "nope"], code: 3)
        #expect(missing.stderr.contains("nope") && missing.stdout.isEmpty)
        let duplicate = try Spctl.must(host, ["vpc", "create", "-c", c.name, "--name", "vpc-01", "--cidr", "10.0.0.0/16"], code: 4)
        #expect(duplicate.stderr.contains("already exists"))
        try Spctl.must(host, ["vpc", "create", "-d", "{not json"], code: 2)
        try Spctl.must(host, ["vpc", "list"], code: 2)
        try Spctl.must(host, ["vpc", "frobnicate"], code: 2)
        let cexample = try Fixtures.registerCExample(host)
        let unsupported = try Spctl.must(host, ["securitygroup", "list", "-c", cexample.name], code: 5)
        #expect(!unsupported.stderr.isEmpty)

        let r = try Spctl.run(host, ["vpc", "list", "-c", c.name], environment: ["SPIDER_SOCKET": host.folder.file("nothing.sock")])
        #expect(r.code == 6 && r.stderr.contains("no socket"), "\(r)")

        // CB-Spider's `--force true|false`: a config with a mapped VPC goes only with force.
        try Spctl.must(host, ["connection", "delete", "-n", c.name, "--force", "false"], code: 4)
        try Spctl.must(host, ["connection", "delete", "-n", c.name, "--force", "true"])
        #expect(try host.call("GET", "/spider/connectionconfig/\(c.name)").status == 404)
    }
}
