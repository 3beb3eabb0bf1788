// A driver that answers garbage, or finishes after its deadline, must not take the host down
// or corrupt its name map.
import Foundation
import SpiderClient
import SpiderModels
import Testing

@Suite("Misbehaving drivers")
struct MisbehavingDriverTests {
    private func quirkyHost(_ extra: [String] = []) throws -> (HostProcess, RegisteredConnection) {
        let host = try HostProcess(driversDirs: [], ownDrivers: true, extraArguments: extra, start: false)
        try ThrowawayDriver(name: QuirkyDriverSource.name, provider: QuirkyDriverSource.provider, cSource: QuirkyDriverSource.c)
            .install(into: host.ownDriversDir, scratch: host.folder)
        try host.start()
        let c = try Fixtures.register(host, driver: "quirky-driver01", provider: QuirkyDriverSource.provider, library: nil,
                                      tag: "quirky", credentials: [("ApiKey", "k")], region: [("Region", "r1")])
        return (host, c)
    }

    @Test("a result that is not JSON, or lacks its list, is 502 naming the operation")
    func malformedResults() throws {
        let (host, c) = try quirkyHost()
        try host.expect("GET", "/spider/regionzone" + c.query, status: 502, mentioning: ["regionzone.list", "JSON"])
        try host.expect("GET", "/spider/vmspec" + c.query, status: 502, mentioning: ["vmspec.list", "vmspec"])
        try host.expect("GET", "/spider/securitygroup" + c.query, status: 501, mentioning: ["securityHandler"])
        host.expectReady()
    }

    @Test("a create that finishes after its 504 is still recorded under the user's name")
    func lateCreateIsRecorded() throws {
        let (host, c) = try quirkyHost(["--call-timeout", "1"])
        try host.expect("POST", "/spider/vpc", json: Requests.vpc(c.name, "late-vpc", subnets: []), status: 504, mentioning: ["deadline"])
        host.expectReady()

        // The driver finishes about a second later; poll (bounded) until the host has recorded it.
        var got: SpiderResponse?
        for _ in 0..<300 {
            got = try host.call("GET", "/spider/vpc/late-vpc" + c.query)
            if got?.status == 200 { break }
            usleep(100_000)
        }
        #expect(got?.status == 200, "the late VPC was never recorded: \(got.map { "\($0.status) \($0.text)" } ?? "")\n\(host.logTail())")
        if got?.status == 200 {
            let vpc = try got!.decode(VPCInfo.self)
            #expect(vpc.IId == IID(NameId: "late-vpc", SystemId: "quirky-vpc-1"))
        }
        // While it was being created and after, the name was never free for a second create.
        try host.expect("POST", "/spider/vpc", json: Requests.vpc(c.name, "late-vpc", subnets: []), status: 409, mentioning: ["late-vpc"])
    }
}
