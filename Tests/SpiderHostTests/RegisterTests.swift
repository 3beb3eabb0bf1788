// Registering existing cloud resources under a name, unregistering without deleting, the
// host-vs-cloud comparison (/allX) and deleting by cloud ID (/cspX).
import Foundation
import SpiderClient
import Testing

@Suite("Register, unregister, all-lists and delete by cloud ID")
struct RegisterTests {
    private func register(_ c: RegisteredConnection, _ name: String, _ cspID: String, vpc: String? = nil) -> [String: Any] {
        var info: [String: Any] = ["Name": name, "CSPId": cspID]
        if let vpc { info["VPCName"] = vpc }
        return ["ConnectionName": c.name, "ReqInfo": info]
    }

    private func allList(_ host: HostProcess, _ kind: String, _ c: RegisteredConnection) throws -> (mapped: [String], onlySpider: [String], onlyCSP: [String]) {
        let all = try host.must("GET", "/spider/all\(kind)" + c.query).json["AllList"] as? [String: Any] ?? [:]
        func ids(_ key: String) -> [String] {
            (all[key] as? [[String: Any]] ?? []).map { "\($0["NameId"] ?? "")=\($0["SystemId"] ?? "")" }
        }
        return (ids("MappedList"), ids("OnlySpiderList"), ids("OnlyCSPList"))
    }

    @Test("unregister keeps the cloud resource; register maps it again under a new name")
    func unregisterAndRegister() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "reg")
        let ids = try host.createStack(c)
        #expect(try allList(host, "vpc", c).mapped == ["vpc-01=\(ids.vpc)"])

        // Unregistering forgets the names (the VPC's subnets too) and leaves the cloud alone.
        for (kind, name) in [("vm", "vm-01"), ("keypair", "keypair-01"), ("securitygroup", "sg-01"), ("vpc", "vpc-01")] {
            #expect(try host.must("DELETE", "/spider/reg\(kind)/\(name)", json: Requests.connection(c.name)).json["Result"] as? String == "true")
            try host.expect("GET", "/spider/\(kind)/\(name)" + c.query, status: 404, mentioning: [name])
        }
        try host.expect("DELETE", "/spider/regvpc/vpc-01", json: Requests.connection(c.name), status: 404, mentioning: ["vpc-01"])
        try host.expect("GET", "/spider/vpc/vpc-01/subnet/subnet-01" + c.query, status: 404)
        let all = try allList(host, "vpc", c)
        #expect(all.mapped.isEmpty && all.onlySpider.isEmpty)
        #expect(all.onlyCSP.contains { $0.hasSuffix("=\(ids.vpc)") }, "the VPC is only in the cloud now: \(all)")
        #expect(try allList(host, "vm", c).onlyCSP.contains { $0.hasSuffix("=\(ids.vm)") })
        let info = try host.must("GET", "/spider/allvpcinfo" + c.query).json
        let lists = info["AllListInfo"] as? [String: Any] ?? [:]
        let onlyCloud = lists["OnlyCSPInfoList"] as? [[String: Any]] ?? []
        #expect(info["ResourceType"] as? String == "vpc" && (lists["MappedInfoList"] as? [Any])?.isEmpty == true)
        #expect(onlyCloud.first.map { ($0["IId"] as? [String: Any])?["SystemId"] as? String == ids.vpc && $0["IPv4_CIDR"] as? String == "10.0.0.0/16" } == true,
                "the cloud's whole VPC record: \(info)")

        // Register them back under other names; the cloud answers for them under those names.
        let vpc = try host.must("POST", "/spider/regvpc", json: register(c, "net-a", ids.vpc)).json
        #expect((vpc["IId"] as? [String: Any])?["NameId"] as? String == "net-a")
        try host.must("POST", "/spider/regsubnet", json: register(c, "sub-a", ids.subnet, vpc: "net-a"))
        let subnet = try host.must("GET", "/spider/vpc/net-a/subnet/sub-a" + c.query).json
        #expect((subnet["IId"] as? [String: Any])?["SystemId"] as? String == ids.subnet)
        try host.must("POST", "/spider/regsecuritygroup", json: register(c, "sg-a", ids.securityGroup))
        try host.must("POST", "/spider/regkeypair", json: register(c, "key-a", ids.keyPair))
        let vm = try host.must("POST", "/spider/regvm", json: register(c, "vm-a", ids.vm)).json
        #expect((vm["VpcIID"] as? [String: Any])?["NameId"] as? String == "net-a", "the VM shows its VPC by the new name: \(vm)")
        #expect(try allList(host, "vpc", c).mapped == ["net-a=\(ids.vpc)"])
        let mappedInfo = (try host.must("GET", "/spider/allvpcinfo" + c.query).json["AllListInfo"] as? [String: Any])?["MappedInfoList"] as? [[String: Any]]
        #expect(mappedInfo?.compactMap { ($0["IId"] as? [String: Any])?["NameId"] as? String } == ["net-a"])
        #expect(try host.must("GET", "/spider/countvm/\(c.name)").json["count"] as? Int == 1)

        // Mapped resources can be deleted by name again; a subnet unregisters within its VPC.
        try host.must("DELETE", "/spider/regsubnet/sub-a?VPCName=net-a", json: Requests.connection(c.name))
        try host.expect("GET", "/spider/vpc/net-a/subnet/sub-a" + c.query, status: 404)
        try host.must("DELETE", "/spider/vm/vm-a", json: Requests.connection(c.name))
        host.expectReady()
    }

    @Test("a driver answer the host has shown before is shown with the names the map has now")
    func answersFollowTheNameMap() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "regseen")
        let ids = try host.createStack(c)
        // The Mock answers the VM with the VPC's name it was started with, byte for byte the same each time.
        func vpcName() throws -> String? {
            (try host.must("GET", "/spider/vm/vm-01" + c.query).json["VpcIID"] as? [String: Any])?["NameId"] as? String
        }
        #expect(try vpcName() == "vpc-01")
        #expect(try vpcName() == "vpc-01")
        try host.must("DELETE", "/spider/regvpc/vpc-01", json: Requests.connection(c.name))
        try host.must("POST", "/spider/regvpc", json: register(c, "net-b", ids.vpc))
        #expect(try vpcName() == "net-b", "the same answer, shown with the VPC's new name")
    }

    @Test("disks and MyImages: unregister, all-list, register back, count")
    func disksAndImages() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "regdisk")
        try host.createStack(c)
        #expect(try host.must("GET", "/spider/vmstatus/vm-01" + c.query).json["Status"] as? String == "Running", "the Mock settles at once")
        let disk = try host.must("POST", "/spider/disk", json: Requests.disk(c.name, "disk-01")).json["IId"] as? [String: Any]
        let image = try host.must("POST", "/spider/myimage", json: Requests.myImage(c.name, "image-01", sourceVM: "vm-01")).json["IId"] as? [String: Any]
        let diskID = disk?["SystemId"] as? String ?? "", imageID = image?["SystemId"] as? String ?? ""
        for (kind, name, id) in [("disk", "disk-01", diskID), ("myimage", "image-01", imageID)] {
            #expect(try allList(host, kind, c).mapped == ["\(name)=\(id)"])
            try host.must("DELETE", "/spider/reg\(kind)/\(name)", json: Requests.connection(c.name))
            #expect(try allList(host, kind, c).onlyCSP.contains { $0.hasSuffix("=\(id)") })
            #expect(try host.must("GET", "/spider/count\(kind)/\(c.name)").json["count"] as? Int == 0)
            let shown = try host.must("POST", "/spider/reg\(kind)", json: register(c, "\(name)-again", id)).json
            #expect((shown["IId"] as? [String: Any])?["NameId"] as? String == "\(name)-again")
            #expect(try host.must("GET", "/spider/\(kind)/\(name)-again" + c.query).json["IId"].map { "\($0)" }?.contains(id) == true)
            #expect(try host.must("GET", "/spider/count\(kind)").json["count"] as? Int == 1)
            try host.expect("POST", "/spider/reg\(kind)", json: register(c, "x", "\(kind)-missing"), status: 404, mentioning: ["\(kind)-missing"])
        }
        host.expectReady()
    }

    @Test("register refuses unknown cloud IDs, taken names, mapped cloud IDs and bad input")
    func registerErrors() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "regerr")
        let ids = try host.createStack(c)
        try host.expect("POST", "/spider/regvpc", json: register(c, "other", "vpc-does-not-exist"), status: 404, mentioning: ["vpc-does-not-exist"])
        try host.expect("POST", "/spider/regvpc", json: register(c, "vpc-01", ids.vpc), status: 409, mentioning: ["vpc-01"])
        try host.expect("POST", "/spider/regvpc", json: register(c, "second-name", ids.vpc), status: 409, mentioning: [ids.vpc, "vpc-01"])
        try host.expect("POST", "/spider/regkeypair", json: ["ConnectionName": c.name, "ReqInfo": ["Name": "k"]], status: 400, mentioning: ["CSPId"])
        try host.expect("POST", "/spider/regkeypair", json: register(c, "", ids.keyPair), status: 400, mentioning: ["ReqInfo.Name"])
        try host.expect("POST", "/spider/regsubnet", json: register(c, "s", ids.subnet), status: 400, mentioning: ["ReqInfo.VPCName"])
        try host.expect("POST", "/spider/regsubnet", json: register(c, "s", ids.subnet, vpc: "nope"), status: 404, mentioning: ["nope"])
        try host.expect("POST", "/spider/regsubnet", json: register(c, "s", "subnet-missing", vpc: "vpc-01"), status: 404, mentioning: ["subnet-missing"])
        try host.expect("POST", "/spider/regvpc", json: register(c, "x", ids.vpc).merging(["ConnectionName": "no-such-config"]) { $1 },
                        status: 404, mentioning: ["no-such-config"])
        // A failed register leaves the name free.
        try host.expect("GET", "/spider/vpc/other" + c.query, status: 404)
        #expect(try host.must("GET", "/spider/countvpc/\(c.name)").json["count"] as? Int == 1)

        // A kind the C example driver lacks: 501 naming the capability.
        let cx = try Fixtures.registerCExample(host)
        let capabilities = try host.must("GET", "/spider/driver/capability" + cx.query).json
        let (kind, capability) = try #require([("myimage", "myImageHandler"), ("disk", "diskHandler"), ("keypair", "keyPairHandler")]
            .first { capabilities[$0.1] as? Bool != true }, "the C example driver lacks one of these: \(capabilities)")
        try host.expect("POST", "/spider/reg\(kind)", json: register(cx, "k", "id-1"), status: 501, mentioning: [capability])
        try host.expect("GET", "/spider/all\(kind)" + cx.query, status: 501, mentioning: [capability])
        host.expectReady()
    }

    @Test("delete by cloud ID: unmapped resources, and mapped ones are forgotten too")
    func deleteByCloudID() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "csp")
        let ids = try host.createStack(c)
        try host.must("DELETE", "/spider/regkeypair/keypair-01", json: Requests.connection(c.name))
        try host.expect("DELETE", "/spider/cspkeypair/\(ids.keyPair)", json: Requests.connection(c.name), status: 409)  // in use by the VM
        try host.must("DELETE", "/spider/cspvm/\(ids.vm)", json: Requests.connection(c.name))
        try host.expect("GET", "/spider/vm/vm-01" + c.query, status: 404)
        #expect(try host.must("GET", "/spider/countvm").json["count"] as? Int == 0)
        try host.must("DELETE", "/spider/cspkeypair/\(ids.keyPair)", json: Requests.connection(c.name))
        #expect(try allList(host, "keypair", c).onlyCSP.isEmpty)
        try host.expect("DELETE", "/spider/cspkeypair/\(ids.keyPair)", json: Requests.connection(c.name), status: 404)
        host.expectReady()
    }

    /// Creates of different names run side by side (they meet in the driver); one name's deletes
    /// and registers are serialized by the host whatever their timing.
    @Test("different names run in parallel; deletes of one name run once; racing registers get one name")
    func concurrentNames() throws {
        // The creates meet in the driver (MockRendezvous): all 8 answer only if they run side by side
        // (one after another, the first would wait until the deadline). The latency keeps the racing
        // deletes and registers below in flight together.
        let host = try HostProcess(extraArguments: ["--call-timeout", "30"])
        let c = try Fixtures.registerMock(host, tag: "race", credentialExtras: [("MockLatencyMs", "300"),
                                                                                ("MockRendezvous", "race:8:keypair.create")])
        let created = concurrently(8) { i in (try? host.call("POST", "/spider/keypair", json: Requests.keyPair(c.name, "key-\(i)")))?.status ?? 0 }
        #expect(created == Array(repeating: 200, count: 8))
        let deleted = concurrently(8) { i in (try? host.call("DELETE", "/spider/keypair/key-\(i)", json: Requests.connection(c.name)))?.status ?? 0 }
        #expect(deleted == Array(repeating: 200, count: 8))

        // Deletes of one name wait for each other: one deletes, the others then find no such name.
        try host.must("POST", "/spider/keypair", json: Requests.keyPair(c.name, "dup"))
        let racing = concurrently(3) { _ in try? host.call("DELETE", "/spider/keypair/dup", json: Requests.connection(c.name)) }
        #expect(racing.map { $0?.status ?? 0 }.sorted() == [200, 404, 404])
        for r in racing.compactMap({ $0 }) where r.status == 404 {
            expectMessage(r, mentions: ["'dup' does not exist on connection"], request: "DELETE /spider/keypair/dup")
        }

        // Registers racing for one name: one maps it, the others get 409.
        let key = try host.must("POST", "/spider/keypair", json: Requests.keyPair(c.name, "solo")).json["IId"] as? [String: Any]
        try host.must("DELETE", "/spider/regkeypair/solo", json: Requests.connection(c.name))
        let id = key?["SystemId"] as? String ?? ""
        let registers = concurrently(4) { _ in (try? host.call("POST", "/spider/regkeypair", json: register(c, "solo-name", id)))?.status ?? 0 }
        #expect(registers.sorted() == [200, 409, 409, 409])
        #expect(try host.must("GET", "/spider/countkeypair/\(c.name)").json["count"] as? Int == 1)
        host.expectReady()
    }
}
