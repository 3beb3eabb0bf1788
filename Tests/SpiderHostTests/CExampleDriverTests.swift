// The plain-C example driver, loaded by dlopen like any other: catalogue and VPCs answer through
// it, what it lacks is a 501 naming the capability, and /driver/capability shows its manifest.
import Foundation
import SpiderClient
import SpiderModels
import Testing

@Suite("C example driver")
struct CExampleDriverTests {
    @Test("regions, specs and VPCs answer through the C driver")
    func catalogueAndVPCs() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerCExample(host)
        let q = c.query

        let regions = try host.must("GET", "/spider/regionzone" + q).decode(RegionZoneList.self)
        #expect(Set(regions.regionzone.map(\.Name)).isSuperset(of: ["example-east", "example-west"]))
        #expect(regions.regionzone.first { $0.Name == "example-east" }?.ZoneList?.map(\.Name).contains("example-east-a") == true)

        let specs = try host.must("GET", "/spider/vmspec" + q).decode(VMSpecList.self)
        #expect(specs.vmspec.contains { $0.Name == "ex.small" })
        #expect(specs.vmspec.allSatisfy { $0.Region == "example-east" })
        #expect(try host.must("GET", "/spider/vmspec/ex.small" + q).decode(VMSpecInfo.self).Name == "ex.small")

        let created = try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "c-vpc-01")).decode(VPCInfo.self)
        #expect(created.IId.NameId == "c-vpc-01")
        #expect(!created.IId.SystemId.isEmpty)
        #expect(created.SubnetInfoList.map(\.IId.NameId) == ["subnet-01"])
        #expect(try host.must("GET", "/spider/vpc" + q).decode(VPCList.self).vpc.map(\.IId) == [created.IId])
        #expect(try host.must("GET", "/spider/vpc/c-vpc-01" + q).decode(VPCInfo.self).IId == created.IId)
        try host.must("DELETE", "/spider/vpc/c-vpc-01" + q)
        #expect(try host.must("GET", "/spider/vpc" + q).decode(VPCList.self).vpc.isEmpty)
        try host.expect("GET", "/spider/vpc/c-vpc-01" + q, status: 404, mentioning: ["c-vpc-01"])

        // It was the C library that answered: the host logged loading it.
        #expect(host.log.contains("libspider-driver-cexample.so"), "\(host.logTail())")
    }

    @Test("a route the driver has no capability for is 501 naming the capability")
    func missingCapability() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerCExample(host)
        try host.expect("GET", "/spider/securitygroup" + c.query, status: 501, mentioning: ["securityHandler"])
        try host.expect("POST", "/spider/keypair", json: Requests.keyPair(c.name, "k1"), status: 501, mentioning: ["keyPairHandler"])
        try host.expect("GET", "/spider/vm" + c.query, status: 501, mentioning: ["vmhandler"])
        host.expectReady()
    }

    @Test("/spider/driver/capability reflects the manifest")
    func capabilityReflectsManifest() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerCExample(host)
        let manifest = try TestPaths.stagedManifest(named: "cexample")
        let declared = try #require(manifest["capabilities"] as? [String: Any])

        for path in ["/spider/driver/capability" + c.query, "/spider/driver/capability?DriverName=\(c.driver)"] {
            let answer = try host.must("GET", path).json
            let all = Set(answer.keys).union(declared.keys)
            for key in all {
                let expected = declared[key] as? Bool ?? false
                if let flag = answer[key] as? Bool {
                    #expect(flag == expected, "\(path): capability \(key) is \(flag), manifest says \(expected)")
                } else if declared[key] is Bool {
                    Issue.record("\(path): capability \(key) is missing from \(answer)")
                }
            }
            #expect(answer["vpchandler"] as? Bool == true)
            #expect(answer["securityHandler"] as? Bool == false)
        }
    }
}
