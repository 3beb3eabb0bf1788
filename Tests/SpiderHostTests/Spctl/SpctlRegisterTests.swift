// spctl register/unregister/listall/deletecsp against a real host on the Mock, for every mapped kind:
// a name forgotten leaves the resource in the cloud (listall: only cloud), registering it again under
// a new name maps it (both spellings: `spctl <kind> register` and `spctl register <kind>`).
import Foundation
import Testing

@Suite("spctl register and unregister")
struct SpctlRegisterTests {
    static func cloudID(_ json: [String: Any]) -> String { (json["IId"] as? [String: Any])?["SystemId"] as? String ?? "" }

    @Test("every mapped kind: unregister, listall shows it only in the cloud, register under a new name")
    func everyKind() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host)
        try host.createStack(c)
        try host.must("POST", "/spider/disk", json: Requests.disk(c.name, "disk-01"))
        try host.must("POST", "/spider/myimage", json: Requests.myImage(c.name, "myimage-01", sourceVM: "vm-01"))
        try host.must("POST", "/spider/nlb", json: Requests.nlb(c.name, "nlb-01"))
        try host.must("POST", "/spider/cluster", json: Requests.cluster(c.name, "cluster-01"))

        let kinds: [(kind: String, name: String)] = [("cluster", "cluster-01"), ("nlb", "nlb-01"), ("myimage", "myimage-01"), ("disk", "disk-01"),
                                                     ("vm", "vm-01"), ("keypair", "keypair-01"), ("securitygroup", "sg-01"), ("vpc", "vpc-01")]
        for (i, k) in kinds.enumerated() {
            let id = Self.cloudID(try host.must("GET", "/spider/\(k.kind)/\(k.name)\(c.query)").json)
            let useGroup = i % 2 == 0  // alternate the two spellings
            try Spctl.must(host, useGroup ? [k.kind, "unregister", "-c", c.name, "-n", k.name] : ["unregister", k.kind, "-c", c.name, "-n", k.name])
            try host.must("GET", "/spider/\(k.kind)/\(k.name)\(c.query)", status: 404)

            if k.kind != "vpc" {  // listall covers every kind but subnets; vpc checked below through the table
                let all = try Spctl.must(host, [k.kind, "listall", "-c", c.name])
                let onlyCloud = (all.json["AllList"] as? [String: Any])?["OnlyCSPList"] as? [[String: Any]] ?? []
                #expect(onlyCloud.contains { $0["SystemId"] as? String == id }, "\(k.kind): \(all.stdout)")
            }
            let again = try Spctl.must(host, useGroup ? [k.kind, "register", "-c", c.name, "--name", "\(k.name)-r", "--csp-id", id]
                                                      : ["register", k.kind, "-c", c.name, "--name", "\(k.name)-r", "--csp-id", id])
            #expect(Self.cloudID(again.json) == id, "\(k.kind): \(again.stdout)")
            try host.must("GET", "/spider/\(k.kind)/\(k.name)-r\(c.query)")
            try Spctl.must(host, ["register", k.kind, "-c", c.name, "--name", "\(k.name)-twice", "--csp-id", id], code: 4)
        }
        let vpcs = try Spctl.must(host, ["vpc", "listall", "-c", c.name, "-o", "table"])
        #expect(vpcs.stdout.split(separator: "\n").contains { $0.hasPrefix("vpc-01-r") && $0.contains("mapped") }, "\(vpcs.stdout)")
    }

    @Test("subnets need their VPC; -d form; unknown cloud IDs 3, unknown kinds 2; deletecsp deletes by cloud ID")
    func subnetsAndFailures() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host)
        let ids = try host.createStack(c)

        try Spctl.must(host, ["unregister", "subnet", "-c", c.name, "-n", "subnet-01", "--vpc", "vpc-01"])
        try Spctl.must(host, ["register", "subnet", "-c", c.name, "--name", "subnet-01", "--csp-id", ids.subnet], code: 2)
        try Spctl.must(host, ["register", "subnet", "-c", c.name, "--vpc", "vpc-01", "--name", "subnet-09", "--csp-id", ids.subnet])
        let vpc = try host.must("GET", "/spider/vpc/vpc-01\(c.query)").json
        #expect((vpc["SubnetInfoList"] as? [[String: Any]])?.contains { ($0["IId"] as? [String: Any])?["NameId"] as? String == "subnet-09" } == true,
                "\(vpc)")

        try Spctl.must(host, ["keypair", "unregister", "-c", c.name, "-n", "keypair-01"])
        try Spctl.must(host, ["keypair", "register", "-d", #"{"ConnectionName":"\#(c.name)","ReqInfo":{"Name":"kp-back","CSPId":"\#(ids.keyPair)"}}"#])
        try host.must("GET", "/spider/keypair/kp-back\(c.query)")

        let unknown = try Spctl.must(host, ["register", "vm", "-c", c.name, "--name", "ghost", "--csp-id", "i-doesnotexist"], code: 3)
        #expect(unknown.stderr.contains("i-doesnotexist"), "\(unknown)")
        try Spctl.must(host, ["register", "frob", "-c", c.name, "--name", "x", "--csp-id", "y"], code: 2)
        try Spctl.must(host, ["register", "vm", "-c", c.name, "--name", "x"], code: 2)
        try Spctl.must(host, ["unregister", "vm", "-c", c.name, "-n", "nope"], code: 3)

        // deletecsp: gone from the cloud and from the map.
        try Spctl.must(host, ["vm", "deletecsp", "-c", c.name, "--id", ids.vm])
        let all = try Spctl.must(host, ["vm", "listall", "-c", c.name])
        let lists = all.json["AllList"] as? [String: Any] ?? [:]
        #expect(["MappedList", "OnlySpiderList", "OnlyCSPList"].allSatisfy { (lists[$0] as? [Any])?.isEmpty == true }, "\(all.stdout)")
    }
}
