// `DELETE /spider/destroy`: everything the host maps on one connection goes, in dependency
// order; what the cloud refuses stays mapped and is reported with the reason.
import Foundation
import SpiderClient
import Testing

@Suite("Destroy a connection's resources")
struct DestroyTests {
    struct Destroyed: Decodable {
        struct Kind: Decodable {
            struct Remained: Decodable { var Name: String; var ErrorMsg: String }
            var ResourceType: String
            var DeletedIIDList: [[String: String]]
            var IsAllDeleted: Bool
            var RemainedErrorInfoList: [Remained]
        }
        var DeletedAllListByResourceType: [Kind]
        var IsAllDestroyed: Bool

        func kind(_ type: String) -> Kind? { DeletedAllListByResourceType.first { $0.ResourceType == type } }
    }

    @Test("destroys VMs, key pairs, security groups and VPCs; other connections and cloud-only resources stay")
    func destroyAll() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "destroy", credentialExtras: [("MockSettleMs", "300")])
        let other = try Fixtures.registerMock(host, tag: "keep")
        try host.createStack(c)
        // vm-01 is still Creating (MockSettleMs): attaching and snapshotting only refuse a Terminating VM.
        #expect(try host.must("GET", "/spider/vmstatus/vm-01" + c.query).json["Status"] as? String == "Creating")
        try host.must("POST", "/spider/disk", json: Requests.disk(c.name, "disk-01"))
        try host.must("PUT", "/spider/disk/disk-01/attach", json: Requests.diskVM(c.name, "vm-01"))
        try host.must("POST", "/spider/myimage", json: Requests.myImage(c.name, "image-01", sourceVM: "vm-01"))
        try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-02", subnets: [("a", "10.0.1.0/24"), ("b", "10.0.2.0/24")]))
        try host.must("POST", "/spider/keypair", json: Requests.keyPair(c.name, "cloud-only"))
        try host.must("DELETE", "/spider/regkeypair/cloud-only", json: Requests.connection(c.name))
        try host.createStack(other)

        let report = try host.must("DELETE", "/spider/destroy", json: Requests.connection(c.name)).decode(Destroyed.self)
        #expect(report.IsAllDestroyed, "\(report)")
        #expect(report.DeletedAllListByResourceType.map(\.ResourceType) == ["cluster", "nlb", "myimage", "vm", "disk", "securitygroup", "keypair", "vpc"])
        #expect(report.kind("disk")?.DeletedIIDList.map { $0["NameId"] } == ["disk-01"])
        #expect(report.kind("myimage")?.DeletedIIDList.map { $0["NameId"] } == ["image-01"])
        #expect(report.kind("vm")?.DeletedIIDList.map { $0["NameId"] } == ["vm-01"])
        #expect(Set(report.kind("vpc")?.DeletedIIDList.compactMap { $0["NameId"] } ?? []) == ["vpc-01", "vpc-02"])
        for kind in ["disk", "myimage"] {
            #expect(try host.must("GET", "/spider/count\(kind)/\(c.name)").json["count"] as? Int == 0, "\(kind) left on \(c.name)")
        }
        for kind in ["vpc", "subnet", "securitygroup", "keypair", "vm"] {
            #expect(try host.must("GET", "/spider/count\(kind)/\(c.name)").json["count"] as? Int == 0, "\(kind) left on \(c.name)")
            #expect(try host.must("GET", "/spider/count\(kind)/\(other.name)").json["count"] as? Int == 1, "\(kind) kept on \(other.name)")
        }
        // The cloud has only what the host never mapped.
        let keys = try host.must("GET", "/spider/allkeypair" + c.query).json["AllList"] as? [String: Any]
        #expect((keys?["OnlyCSPList"] as? [[String: Any]])?.map { $0["NameId"] as? String } == ["cloud-only"])
        #expect(try host.must("GET", "/spider/allvpc" + c.query).json["AllList"].map { "\($0)" }?.contains("vpc-0") == false)

        // Nothing left: an empty, successful report.
        let again = try host.must("DELETE", "/spider/destroy", json: Requests.connection(c.name)).decode(Destroyed.self)
        #expect(again.IsAllDestroyed && again.DeletedAllListByResourceType.allSatisfy { $0.DeletedIIDList.isEmpty })
        try host.expect("DELETE", "/spider/destroy", json: Requests.connection("no-such-config"), status: 404, mentioning: ["no-such-config"])
        try host.expect("DELETE", "/spider/destroy", status: 400, mentioning: ["ConnectionName"])
        host.expectReady()
    }

    @Test("what the cloud refuses is reported and stays mapped; names the cloud forgot are cleaned up")
    func partialDestroy() throws {
        let host = try HostProcess()
        // Two connections to one Mock tenant: one cloud seen twice.
        let tenant = "tenant-partial-\(UUID().uuidString.prefix(8))"
        let c = try Fixtures.register(host, driver: Fixtures.mockDriverName, provider: "MOCK", library: "libspider-driver-mock.so",
                                      tag: "partial", credentials: [("MockName", tenant)], region: [("Region", "default")])
        let twin = try Fixtures.register(host, driver: Fixtures.mockDriverName, provider: "MOCK", library: "libspider-driver-mock.so",
                                         tag: "twin", credentials: [("MockName", tenant)], region: [("Region", "default")])
        try host.createStack(c)
        // A VM the host does not map keeps using sg-01, keypair-01 and vpc-01: the cloud refuses to delete them.
        try host.must("DELETE", "/spider/regvm/vm-01", json: Requests.connection(c.name))
        // A key pair the cloud no longer has (deleted through the twin): destroy forgets its name.
        let gone = try host.must("POST", "/spider/keypair", json: Requests.keyPair(c.name, "gone")).json["IId"] as? [String: Any]
        try host.must("POST", "/spider/regkeypair", json: ["ConnectionName": twin.name, "ReqInfo": ["Name": "gone-twin", "CSPId": gone?["SystemId"] as? String ?? ""]])
        try host.must("DELETE", "/spider/keypair/gone-twin", json: Requests.connection(twin.name))

        let report = try host.must("DELETE", "/spider/destroy", json: Requests.connection(c.name)).decode(Destroyed.self)
        #expect(!report.IsAllDestroyed)
        let sg = try #require(report.kind("securitygroup"))
        #expect(!sg.IsAllDeleted && sg.RemainedErrorInfoList.map(\.Name) == ["sg-01"])
        #expect(sg.RemainedErrorInfoList.first?.ErrorMsg.contains("vm-01") == true, "\(sg)")
        #expect(report.kind("vpc")?.RemainedErrorInfoList.map(\.Name) == ["vpc-01"])
        let keys = try #require(report.kind("keypair"))
        #expect(keys.DeletedIIDList.map { $0["NameId"] } == ["gone"] && keys.RemainedErrorInfoList.map(\.Name) == ["keypair-01"])
        try host.expect("GET", "/spider/keypair/gone" + c.query, status: 404)
        #expect(try host.must("GET", "/spider/countsecuritygroup/\(c.name)").json["count"] as? Int == 1)
        #expect(try host.must("GET", "/spider/countsubnet/\(c.name)").json["count"] as? Int == 1)
        host.expectReady()
    }
}
