// Tags on the Mock through the host: add, list, get, remove and find on VPCs, subnets, security
// groups, key pairs and VMs named as the user named them; tags live in the resource and survive
// a restart; errors are 400/404/501 naming what is wrong.
import Foundation
import SpiderClient
import SpiderModels
import Testing

@Suite("Tags")
struct TagTests {
    private func addTag(_ host: HostProcess, _ c: RegisteredConnection, _ type: String, _ name: String,
                        _ key: String, _ value: String) throws -> KeyValue {
        try host.must("POST", "/spider/tag", json: [
            "ConnectionName": c.name, "ReqInfo": ["ResourceType": type, "ResourceName": name, "Tag": ["Key": key, "Value": value]],
        ] as [String: Any]).decode(KeyValue.self)
    }

    private func target(_ c: RegisteredConnection, _ type: String, _ name: String) -> String {
        c.query + "&ResourceType=\(type)&ResourceName=\(name)"
    }

    private func tags(_ host: HostProcess, _ c: RegisteredConnection, _ type: String, _ name: String) throws -> [KeyValue] {
        try host.must("GET", "/spider/tag" + target(c, type, name)).decode([KeyValue].self)
    }

    private func find(_ host: HostProcess, _ c: RegisteredConnection, _ query: String) throws -> [TagInfo] {
        try host.must("GET", "/spider/tag/find" + c.query + query).decode([TagInfo].self)
    }

    @Test("add, list, get, replace and remove on VPC, subnet, SG, key pair, VM, disk and NLB")
    func lifecycle() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "tags")
        try host.createStack(c)

        #expect(try addTag(host, c, "VPC", "vpc-01", "env", "prod") == KeyValue(Key: "env", Value: "prod"))
        _ = try addTag(host, c, "VPC", "vpc-01", "team", "net")
        _ = try addTag(host, c, "SG", "sg-01", "env", "prod")
        _ = try addTag(host, c, "vm", "vm-01", "env", "staging")
        _ = try addTag(host, c, "KEY", "keypair-01", "owner", "alice")
        _ = try addTag(host, c, "SUBNET", "subnet-01", "tier", "web")
        try host.must("POST", "/spider/disk", json: Requests.disk(c.name, "disk-01", type: "default", size: "default"))
        _ = try addTag(host, c, "DISK", "disk-01", "backup", "daily")
        try host.must("POST", "/spider/nlb", json: Requests.nlb(c.name, "nlb-01"))
        _ = try addTag(host, c, "NLB", "nlb-01", "exposure", "public")

        #expect(try tags(host, c, "VPC", "vpc-01") == [KeyValue(Key: "env", Value: "prod"), KeyValue(Key: "team", Value: "net")])
        #expect(try tags(host, c, "sg", "sg-01") == [KeyValue(Key: "env", Value: "prod")])
        #expect(try tags(host, c, "VM", "vm-01") == [KeyValue(Key: "env", Value: "staging")])
        #expect(try tags(host, c, "keypair", "keypair-01") == [KeyValue(Key: "owner", Value: "alice")])
        #expect(try tags(host, c, "Subnet", "subnet-01") == [KeyValue(Key: "tier", Value: "web")])
        #expect(try tags(host, c, "disk", "disk-01") == [KeyValue(Key: "backup", Value: "daily")])
        #expect(try tags(host, c, "nlb", "nlb-01") == [KeyValue(Key: "exposure", Value: "public")])
        #expect(try host.must("GET", "/spider/disk/disk-01" + c.query).decode(DiskInfo.self).TagList == [KeyValue(Key: "backup", Value: "daily")])

        // Tags live in the resource: its own get shows them.
        #expect(try host.must("GET", "/spider/vpc/vpc-01" + c.query).decode(VPCInfo.self).TagList?.count == 2)
        #expect(try host.must("GET", "/spider/vm/vm-01" + c.query).decode(VMInfo.self).TagList == [KeyValue(Key: "env", Value: "staging")])

        #expect(try host.must("GET", "/spider/tag/team" + target(c, "VPC", "vpc-01")).decode(KeyValue.self) == KeyValue(Key: "team", Value: "net"))
        // Adding a key again replaces its value.
        _ = try addTag(host, c, "VPC", "vpc-01", "team", "platform")
        #expect(try host.must("GET", "/spider/tag/team" + target(c, "VPC", "vpc-01")).decode(KeyValue.self).Value == "platform")
        #expect(try tags(host, c, "VPC", "vpc-01").count == 2)

        // Remove with the target in the body (CB-Spider) and in the query.
        try host.must("DELETE", "/spider/tag/team", json: ["ConnectionName": c.name, "ReqInfo": ["ResourceType": "VPC", "ResourceName": "vpc-01"]])
        #expect(try tags(host, c, "VPC", "vpc-01") == [KeyValue(Key: "env", Value: "prod")])
        try host.must("DELETE", "/spider/tag/env" + target(c, "SG", "sg-01"), json: ["ConnectionName": c.name])
        #expect(try tags(host, c, "SG", "sg-01").isEmpty)
        try host.expect("GET", "/spider/tag/team" + target(c, "VPC", "vpc-01"), status: 404, mentioning: ["team"])
        try host.expect("DELETE", "/spider/tag/team" + target(c, "VPC", "vpc-01"), status: 404, mentioning: ["team"])
        host.expectReady()
    }

    @Test("find by key, key and value, or keyword, across types or in one, with the user's names")
    func findAcrossTypes() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "tagfind")
        try host.createStack(c)
        _ = try addTag(host, c, "VPC", "vpc-01", "env", "prod")
        _ = try addTag(host, c, "SG", "sg-01", "env", "prod")
        _ = try addTag(host, c, "VM", "vm-01", "env", "staging")
        _ = try addTag(host, c, "KEY", "keypair-01", "owner", "production-team")

        func names(_ found: [TagInfo]) -> [String] { found.map { "\($0.ResourceType.rawValue):\($0.ResourceIId.NameId)" } }
        #expect(names(try find(host, c, "&Key=env")) == ["vpc:vpc-01", "sg:sg-01", "vm:vm-01"])
        #expect(names(try find(host, c, "&Key=env&Value=prod")) == ["vpc:vpc-01", "sg:sg-01"])
        #expect(names(try find(host, c, "&ResourceType=SG&Key=env")) == ["sg:sg-01"])
        #expect(names(try find(host, c, "&ResourceType=all&Keyword=PROD")) == ["vpc:vpc-01", "sg:sg-01", "keypair:keypair-01"])
        #expect(try find(host, c, "&Key=nothing").isEmpty)
        let vm = try find(host, c, "&ResourceType=vm&Key=env")
        #expect(vm.first?.TagList == [KeyValue(Key: "env", Value: "staging")])
        #expect(vm.first?.ResourceIId.SystemId.isEmpty == false)
        try host.expect("GET", "/spider/tag/find" + c.query + "&Value=prod", status: 400, mentioning: ["Key"])
    }

    @Test("unknown type or name, missing fields, untaggable types, a driver without tags")
    func errors() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "tagerr")
        try host.createStack(c)
        let add = { (reqInfo: [String: Any]) -> [String: Any] in ["ConnectionName": c.name, "ReqInfo": reqInfo] }
        let tag = ["Key": "env", "Value": "prod"]
        try host.expect("POST", "/spider/tag", json: add(["ResourceType": "BUCKET", "ResourceName": "vpc-01", "Tag": tag]),
                        status: 400, mentioning: ["ReqInfo.ResourceType", "BUCKET"])
        try host.expect("POST", "/spider/tag", json: add(["ResourceType": "VPC", "ResourceName": "vpc-99", "Tag": tag]),
                        status: 404, mentioning: ["vpc-99"])
        try host.expect("POST", "/spider/tag", json: add(["ResourceType": "VPC", "ResourceName": "vpc-01"]),
                        status: 400, mentioning: ["Tag"])
        try host.expect("POST", "/spider/tag", json: add(["ResourceType": "VPC", "ResourceName": "vpc-01", "Tag": ["Key": "", "Value": "x"]]),
                        status: 400, mentioning: ["Tag.Key"])
        try host.expect("GET", "/spider/tag" + c.query + "&ResourceType=VPC", status: 400, mentioning: ["ResourceName"])
        try host.expect("GET", "/spider/tag" + c.query + "&ResourceName=vpc-01", status: 400, mentioning: ["ResourceType"])

        let cex = try Fixtures.registerCExample(host)
        try host.expect("GET", "/spider/tag" + target(cex, "VPC", "vpc-01"), status: 501, mentioning: ["tagHandler"])
        try host.expect("GET", "/spider/tag/find" + cex.query + "&Key=env", status: 501, mentioning: ["tagHandler"])
        host.expectReady()
    }

    @Test("a type outside the driver's tagSupportResourceType is 501 naming it")
    func unsupportedType() throws {
        let host = try HostProcess(driversDirs: [], ownDrivers: true, start: false)
        try MockVariant.stage(into: host.ownDriversDir, capabilities: [:])
        try Self.limitTagTypes(in: host.ownDriversDir + "/mock", to: ["VPC"])
        try host.start()
        let c = try Fixtures.register(host, driver: Fixtures.mockDriverName, provider: "MOCK", library: "libspider-driver-mock.so",
                                      tag: "tagtypes", credentials: [("MockName", "tenant-tagtypes-\(UUID().uuidString.prefix(8))")],
                                      region: [("Region", "default")])
        try host.createStack(c)
        _ = try addTag(host, c, "VPC", "vpc-01", "env", "prod")
        try host.expect("GET", "/spider/tag" + target(c, "SG", "sg-01"), status: 501, mentioning: ["SG", "tagSupportResourceType"])
        try host.expect("GET", "/spider/tag/find" + c.query + "&ResourceType=VM&Key=env", status: 501, mentioning: ["VM"])
    }

    /// Rewrites the staged manifest's tagSupportResourceType.
    private static func limitTagTypes(in driverDir: String, to types: [String]) throws {
        let fm = FileManager.default
        for version in try fm.contentsOfDirectory(atPath: driverDir) where !version.hasPrefix(".") {
            let url = URL(fileURLWithPath: "\(driverDir)/\(version)/driver.json")
            var manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
            var capabilities = manifest["capabilities"] as? [String: Any] ?? [:]
            capabilities["tagSupportResourceType"] = types
            manifest["capabilities"] = capabilities
            try fm.removeItem(at: url)
            try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys]).write(to: url)
        }
    }

    @Test("tags survive a host restart")
    func survivesRestart() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "tagrestart")
        try host.createStack(c)
        _ = try addTag(host, c, "VPC", "vpc-01", "env", "prod")
        _ = try addTag(host, c, "VM", "vm-01", "role", "db")
        try host.restart()
        #expect(try tags(host, c, "VPC", "vpc-01") == [KeyValue(Key: "env", Value: "prod")])
        #expect(try tags(host, c, "VM", "vm-01") == [KeyValue(Key: "role", Value: "db")])
    }
}
