// Requests the host must refuse: the right status, a message that names the problem, and a
// host that still answers readyz afterwards.
import Foundation
import SpiderClient
import SpiderModels
import Testing

@Suite("Bad requests")
struct BadRequestTests {
    @Test("malformed JSON and missing fields are 400 naming what is wrong")
    func malformedBodies() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "bad-json")

        try host.expect("POST", "/spider/vpc", body: Data(#"{"ConnectionName": "\#(c.name)", "ReqInfo": {"Name": "#.utf8),
                        status: 400, mentioning: ["JSON"])
        try host.expect("POST", "/spider/vpc", json: ["ConnectionName": c.name, "ReqInfo": ["Name": "vpc-x"]],
                        status: 400, mentioning: ["ReqInfo.IPv4_CIDR"])
        try host.expect("POST", "/spider/vpc", json: ["ConnectionName": c.name],
                        status: 400, mentioning: ["ReqInfo"])
        try host.expect("POST", "/spider/vpc", json: ["ConnectionName": c.name, "ReqInfo": ["Name": 7, "IPv4_CIDR": "10.0.0.0/16"]],
                        status: 400, mentioning: ["ReqInfo.Name"])
        try host.expect("POST", "/spider/securitygroup", json: ["ConnectionName": c.name, "ReqInfo": ["Name": "sg-x"]],
                        status: 400, mentioning: ["ReqInfo.VPCName"])
        try host.expect("POST", "/spider/credential", json: ["CredentialName": "x", "ProviderName": "MOCK"],
                        status: 400, mentioning: ["KeyValueInfoList"])
        try host.expect("POST", "/spider/vpc", body: Data(), status: 400, mentioning: ["body"])
        // A create without any ConnectionName.
        try host.expect("POST", "/spider/vpc", json: Requests.vpc("", "vpc-x"), status: 400, mentioning: ["ConnectionName"])
        try host.expect("GET", "/spider/vpc", status: 400, mentioning: ["ConnectionName"])
        // Nothing was created by any of these.
        #expect(try host.must("GET", "/spider/vpc" + c.query).decode(VPCList.self).vpc.isEmpty)
        host.expectReady()
    }

    @Test("registration mistakes are refused naming the key, provider or name")
    func registrationMistakes() throws {
        let host = try HostProcess()
        try host.expect("POST", "/spider/driver", json: ["DriverName": "d", "ProviderName": "NOSUCHCLOUD"],
                        status: 404, mentioning: ["NOSUCHCLOUD"])
        try host.must("POST", "/spider/driver", json: ["DriverName": Fixtures.mockDriverName, "ProviderName": "MOCK"])
        try host.expect("POST", "/spider/driver", json: ["DriverName": Fixtures.mockDriverName, "ProviderName": "MOCK"],
                        status: 409, mentioning: [Fixtures.mockDriverName])
        try host.must("POST", "/spider/credential", json: [
            "CredentialName": "no-mockname", "ProviderName": "MOCK", "KeyValueInfoList": Fixtures.keyValues([("Other", "v")]),
        ])
        try host.must("POST", "/spider/region", json: [
            "RegionName": "r1", "ProviderName": "MOCK", "KeyValueInfoList": Fixtures.keyValues([("Region", "default")]),
        ])
        try host.expect("POST", "/spider/connectionconfig", json: [
            "ConfigName": "cfg", "ProviderName": "MOCK", "DriverName": Fixtures.mockDriverName,
            "CredentialName": "no-mockname", "RegionName": "r1",
        ], status: 400, mentioning: ["MockName"])
        try host.expect("POST", "/spider/connectionconfig", json: [
            "ConfigName": "cfg", "ProviderName": "MOCK", "DriverName": Fixtures.mockDriverName,
            "CredentialName": "no-such-credential", "RegionName": "r1",
        ], status: 404, mentioning: ["no-such-credential"])
        try host.expect("POST", "/spider/credential", json: [
            "CredentialName": "bad name", "ProviderName": "MOCK", "KeyValueInfoList": Fixtures.keyValues([("MockName", "x")]),
        ], status: 400, mentioning: ["CredentialName"])
        // A region the Mock does not have: the connection is refused when first used, naming it.
        try host.must("POST", "/spider/credential", json: [
            "CredentialName": "ok", "ProviderName": "MOCK", "KeyValueInfoList": Fixtures.keyValues([("MockName", "reg-test")]),
        ])
        try host.must("POST", "/spider/region", json: [
            "RegionName": "r-nowhere", "ProviderName": "MOCK", "KeyValueInfoList": Fixtures.keyValues([("Region", "nowhere-1")]),
        ])
        try host.must("POST", "/spider/connectionconfig", json: [
            "ConfigName": "cfg-nowhere", "ProviderName": "MOCK", "DriverName": Fixtures.mockDriverName,
            "CredentialName": "ok", "RegionName": "r-nowhere",
        ])
        try host.expect("GET", "/spider/vpc" + connectionQuery("cfg-nowhere"), status: 400, mentioning: ["nowhere-1"])
        host.expectReady()
    }

    @Test("unknown connection, VPC and VM names are 404 naming them")
    func unknownNames() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "unknown")
        let q = c.query

        try host.expect("GET", "/spider/vpc" + connectionQuery("no-such-config"), status: 404, mentioning: ["no-such-config"])
        try host.expect("POST", "/spider/vpc", json: Requests.vpc("no-such-config", "vpc-x"), status: 404, mentioning: ["no-such-config"])
        try host.expect("GET", "/spider/vpc/no-such-vpc" + q, status: 404, mentioning: ["no-such-vpc"])
        try host.expect("DELETE", "/spider/vpc/no-such-vpc" + q, status: 404, mentioning: ["no-such-vpc"])
        try host.expect("GET", "/spider/vm/no-such-vm" + q, status: 404, mentioning: ["no-such-vm"])
        try host.expect("GET", "/spider/vmstatus/no-such-vm" + q, status: 404, mentioning: ["no-such-vm"])
        try host.expect("PUT", "/spider/controlvm/no-such-vm" + q + "&action=suspend", status: 404, mentioning: ["no-such-vm"])
        try host.expect("DELETE", "/spider/vm/no-such-vm" + q, status: 404, mentioning: ["no-such-vm"])
        try host.expect("POST", "/spider/securitygroup",
                        json: Requests.securityGroup(c.name, "sg-x", vpc: "no-such-vpc", rules: [Requests.rule("22")]),
                        status: 404, mentioning: ["no-such-vpc"])
        try host.expect("GET", "/spider/connectionconfig/no-such-config", status: 404, mentioning: ["no-such-config"])
        try host.expect("GET", "/spider/credential/no-such-credential", status: 404, mentioning: ["no-such-credential"])
        try host.expect("GET", "/spider/driver/no-such-driver", status: 404, mentioning: ["no-such-driver"])
        // A failed SG create did not keep its name.
        #expect(try host.must("GET", "/spider/securitygroup" + q).decode(SecurityGroupList.self).securitygroup.isEmpty)
        host.expectReady()
    }

    @Test("a duplicate VPC name is 409 naming it, and the first VPC is untouched")
    func duplicateName() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "dup")
        let first = try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01")).decode(VPCInfo.self)
        // Same name, same subnet names.
        try host.expect("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01"), status: 409, mentioning: ["vpc-01", "already exists"])
        // Same name, other subnets.
        try host.expect("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01", cidr: "192.168.0.0/16", subnets: [("other", "192.168.1.0/24")]),
                        status: 409, mentioning: ["VPC 'vpc-01'", "already exists"])
        let listed = try host.must("GET", "/spider/vpc" + c.query).decode(VPCList.self)
        #expect(listed.vpc.map(\.IId) == [first.IId])
        #expect(listed.vpc.first?.SubnetInfoList.map(\.IId.NameId) == ["subnet-01"])
        host.expectReady()
    }

    @Test("unknown routes are 404, wrong methods 405, unknown controlvm actions 400")
    func routesAndMethods() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "routes")
        try host.expect("GET", "/spider/no-such-route", status: 404, mentioning: ["/spider/no-such-route"])
        try host.expect("GET", "/nothing/here", status: 404, mentioning: ["/nothing/here"])
        try host.expect("PATCH", "/spider/vpc" + c.query, status: 405, mentioning: ["PATCH"])
        try host.expect("PUT", "/spider/vpc", json: Requests.vpc(c.name, "vpc-x"), status: 405, mentioning: ["PUT"])
        try host.expect("POST", "/spider/readyz", status: 405, mentioning: ["POST"])

        try host.createStack(c)
        try host.expect("PUT", "/spider/controlvm/vm-01" + c.query + "&action=explode", status: 400, mentioning: ["explode"])
        try host.expect("PUT", "/spider/controlvm/vm-01" + c.query, status: 400, mentioning: ["action"])
        // State conflicts: reboot a suspended VM. (Suspend and resume are idempotent: a second one succeeds.)
        try host.must("PUT", "/spider/controlvm/vm-01" + c.query + "&action=suspend")
        try host.expect("PUT", "/spider/controlvm/vm-01" + c.query + "&action=reboot", status: 409, mentioning: ["Suspended"])
        #expect(try host.must("GET", "/spider/vmstatus/vm-01" + c.query).decode(VMStatusResult.self).Status == .Suspended)
        host.expectReady()
    }

    @Test("a body over --max-body is 413")
    func bodyTooLarge() throws {
        let host = try HostProcess(extraArguments: ["--max-body", "4096"])
        let c = try Fixtures.registerMock(host, tag: "big")
        var body = Requests.vpc(c.name, "vpc-big")
        body["Padding"] = String(repeating: "x", count: 10 * 1024)
        try host.expect("POST", "/spider/vpc", json: body, status: 413, mentioning: ["4096"])
        // A body just under the limit is fine.
        try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-small"))
        #expect(try host.must("GET", "/spider/vpc" + c.query).decode(VPCList.self).vpc.map(\.IId.NameId) == ["vpc-small"])
        host.expectReady()
    }

    @Test("names with control or invisible characters, and the names . and .., are 400 naming the field and the character",
          arguments: [("a\u{0}b", "U+0000"), ("bell\u{7}", "U+0007"), ("abc\u{202E}txt", "U+202E"), ("zero\u{200B}width", "U+200B"),
                      ("bom\u{FEFF}", "U+FEFF"), (".", "path step"), ("..", "path step")])
    func invisibleAndPathNames(_ name: String, _ words: String) throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "names")
        try host.expect("POST", "/spider/vpc", json: Requests.vpc(c.name, name), status: 400, mentioning: ["ReqInfo.Name", words])
        try host.expect("POST", "/spider/credential", json: ["CredentialName": name, "ProviderName": "MOCK",
                                                             "KeyValueInfoList": [["Key": "MockName", "Value": "x"]]],
                        status: 400, mentioning: ["CredentialName", words])
        #expect(try host.must("GET", "/spider/vpc" + c.query).decode(VPCList.self).vpc.isEmpty)
        host.expectReady()
    }

    @Test("a key named twice in one object is 400 naming it (Go takes the last, Foundation the first: the host takes neither)")
    func duplicateKeys() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "dupkeys")
        let bodies = [
            (#"{"ConnectionName": "\#(c.name)", "ConnectionName": "other", "ReqInfo": {"Name": "v1", "IPv4_CIDR": "10.0.0.0/16"}}"#, "ConnectionName"),
            (#"{"ConnectionName": "\#(c.name)", "ReqInfo": {"Name": "v1", "IPv4_CIDR": "10.0.0.0/16", "Name": "v2"}}"#, "ReqInfo.Name"),
            (#"{"ConnectionName": "\#(c.name)", "ReqInfo": {"Name": "v1", "IPv4_CIDR": "10.0.0.0/16", "N\u0061me": "v2"}}"#, "ReqInfo.Name"),
            (#"{"ConnectionName": "\#(c.name)", "ReqInfo": {"Name": "v1", "IPv4_CIDR": "10.0.0.0/16", "SubnetInfoList": [{"Name": "a", "IPv4_CIDR": "10.0.1.0/24"}, {"Name": "b", "Name": "c", "IPv4_CIDR": "10.0.2.0/24"}]}}"#, "ReqInfo.SubnetInfoList[1].Name"),
        ]
        for (body, key) in bodies {
            try host.expect("POST", "/spider/vpc", body: Data(body.utf8), status: 400, mentioning: [key, "twice"])
        }
        // The same key in two different objects is fine.
        try host.must("POST", "/spider/vpc", body: Data(#"{"ConnectionName": "\#(c.name)", "ReqInfo": {"Name": "v1", "IPv4_CIDR": "10.0.0.0/16", "SubnetInfoList": [{"Name": "a", "IPv4_CIDR": "10.0.1.0/24"}]}}"#.utf8))
        #expect(try host.must("GET", "/spider/vpc" + c.query).decode(VPCList.self).vpc.map(\.IId.NameId) == ["v1"])
    }

    @Test("DriverLibFileName is a file name: a path is 400; CB-Spider's own names are accepted and the answer says which library serves")
    func driverLibFileName() throws {
        let host = try HostProcess()
        try host.expect("POST", "/spider/driver", json: ["DriverName": "d1", "ProviderName": "MOCK", "DriverLibFileName": "../../tmp/evil.so"],
                        status: 400, mentioning: ["DriverLibFileName"])
        try host.expect("POST", "/spider/driver", json: ["DriverName": "d1", "ProviderName": "MOCK", "DriverLibFileName": "/tmp/evil.so"],
                        status: 400, mentioning: ["DriverLibFileName"])
        let made = try host.must("POST", "/spider/driver", json: ["DriverName": "d1", "ProviderName": "MOCK", "DriverLibFileName": "mock-driver-v1.0.so"])
        #expect(made.json["DriverLibFileName"] as? String == "libspider-driver-mock.so", "\(made.text)")
        #expect(try host.must("GET", "/spider/driver/d1").json["DriverLibFileName"] as? String == "libspider-driver-mock.so")
    }
}
