// spctl destroy against a real host on the Mock: a whole resource set goes, the summary says so
// per type, and the host's REST API then lists nothing on the connection. CB-Spider's form too.
import Foundation
import Testing

@Suite("spctl destroy")
struct SpctlDestroyTests {
    @Test("destroy -c deletes everything mapped; summary per type; REST lists nothing afterwards")
    func destroyLeavesNothing() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "doomed")
        let other = try Fixtures.registerMock(host, tag: "spared")
        try host.createStack(c)
        try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-02", cidr: "10.1.0.0/16", subnets: [("subnet-02", "10.1.1.0/24")]))
        try host.createStack(other)

        let r = try Spctl.must(host, ["destroy", "-c", c.name, "--yes", "-o", "table"])
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("TYPE") == true && lines.first?.contains("REMAINED") == true, "\(r.stdout)")
        #expect(lines.contains { $0.hasPrefix("vm ") && $0.contains("vm-01") }, "\(r.stdout)")
        #expect(lines.contains { $0.hasPrefix("vpc ") && $0.contains("vpc-01,vpc-02") }, "\(r.stdout)")
        #expect(r.stdout.contains("\(c.name): 5 deleted, 0 remaining") && r.stdout.contains("all destroyed"), "\(r.stdout)")
        #expect(!r.stdout.contains("\u{1B}["), "no colors or progress when not on a terminal")

        try expectNothingLeft(host, "\(c.name)")
        #expect(try host.must("GET", "/spider/vm" + other.query).list("vm").count == 1, "the other connection keeps its VM")

        // CB-Spider's shape (operationId destroy-all-resource), JSON by default off a terminal: the host's answer.
        let json = try Spctl.must(host, ["all-resource", "destroy", "-d", #"{"ConnectionName":"\#(other.name)"}"#])
        #expect(json.json["IsAllDestroyed"] as? Bool == true, "\(json.stdout)")
        let kinds = json.json["DeletedAllListByResourceType"] as? [[String: Any]] ?? []
        #expect(kinds.contains { $0["ResourceType"] as? String == "keypair" && ($0["DeletedIIDList"] as? [Any])?.count == 1 }, "\(json.stdout)")
        try expectNothingLeft(host, "\(other.name)")

        // Nothing left to destroy is still a success; an unknown connection is not found.
        let again = try Spctl.must(host, ["--cname", c.name, "destroy", "-y", "-o", "table"])
        #expect(again.stdout.contains("0 deleted, 0 remaining"), "\(again.stdout)")
        let missing = try Spctl.must(host, ["destroy", "-c", "no-such-connection", "--yes"], code: 3)
        #expect(missing.stderr.contains("no-such-connection"), "\(missing.stderr)")
        try Spctl.must(host, ["destroy", "--yes"], code: 2)
    }

    /// The host's REST API lists no VPC, security group, key pair or VM, and maps nothing, on `connection`.
    private func expectNothingLeft(_ host: HostProcess, _ connection: String) throws {
        let q = connectionQuery(connection)
        for kind in ["vpc", "securitygroup", "keypair", "vm"] {
            let left = try host.must("GET", "/spider/\(kind)" + q).list(kind)
            #expect(left.isEmpty, "\(kind) left on \(connection): \(left)")
        }
        let dashboard = try host.must("GET", "/spider/dashboard").json["Connections"] as? [[String: Any]] ?? []
        let counts = dashboard.first { $0["ConnectionName"] as? String == connection }?["Counts"] as? [String: Int] ?? ["missing": 1]
        #expect(counts.values.allSatisfy { $0 == 0 }, "mapped on \(connection): \(counts)")
    }
}
