// A connection config that still maps resources cannot be deleted, unless forced; a forced
// delete forgets the mappings, so a config re-created under the same name starts clean.
import Foundation
import SpiderClient
import SpiderModels
import Testing

@Suite("Connection config delete")
struct ConnectionConfigDeleteTests {
    @Test("409 while resources are mapped, 200 with ?force=true")
    func deleteWithMappedResources() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "cfgdel")
        try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01"))

        try host.expect("DELETE", "/spider/connectionconfig/\(c.name)", status: 409, mentioning: [c.name])
        #expect(try host.must("GET", "/spider/connectionconfig/\(c.name)").json["ConfigName"] as? String == c.name)
        #expect(try host.must("GET", "/spider/vpc" + c.query).decode(VPCList.self).vpc.map(\.IId.NameId) == ["vpc-01"])
        // What the config is made of cannot go while the config exists.
        try host.expect("DELETE", "/spider/credential/\(c.credential)", status: 409, mentioning: [c.credential])
        try host.expect("DELETE", "/spider/region/\(c.region)", status: 409, mentioning: [c.region])
        try host.expect("DELETE", "/spider/driver/\(c.driver)", status: 409, mentioning: [c.driver])

        try host.must("DELETE", "/spider/connectionconfig/\(c.name)?force=true")
        try host.expect("GET", "/spider/connectionconfig/\(c.name)", status: 404, mentioning: [c.name])
        try host.expect("GET", "/spider/vpc" + c.query, status: 404, mentioning: [c.name])
        #expect(try host.must("GET", "/spider/connectionconfig").list("connectionconfig").allSatisfy { $0["ConfigName"] as? String != c.name })

        // Re-created under the same name: no stale mapping. (The cloud still has the VPC the
        // forced delete forgot, so the host shows nothing and the name is no longer mapped.)
        try host.must("POST", "/spider/connectionconfig", json: [
            "ConfigName": c.name, "ProviderName": "MOCK", "DriverName": c.driver,
            "CredentialName": c.credential, "RegionName": c.region,
        ])
        #expect(try host.must("GET", "/spider/vpc" + c.query).decode(VPCList.self).vpc.isEmpty)
        try host.expect("GET", "/spider/vpc/vpc-01" + c.query, status: 404, mentioning: ["vpc-01"])
        try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-02", cidr: "10.9.0.0/16", subnets: [("subnet-01", "10.9.1.0/24")]))
        #expect(try host.must("GET", "/spider/vpc" + c.query).decode(VPCList.self).vpc.map(\.IId.NameId) == ["vpc-02"])

        // A config without mapped resources goes without force.
        try host.must("DELETE", "/spider/vpc/vpc-02" + c.query)
        try host.must("DELETE", "/spider/connectionconfig/\(c.name)")
        try host.must("DELETE", "/spider/credential/\(c.credential)")
        try host.must("DELETE", "/spider/region/\(c.region)")
        host.expectReady()
    }
}
