// A driver that answers garbage, or finishes after its deadline, must not take the host down
// or corrupt its name map.
import Foundation
import SpiderClient
import SpiderModels
import Testing

@Suite("Misbehaving drivers")
struct MisbehavingDriverTests {
    private func quirkyHost(_ extra: [String] = []) throws -> (HostProcess, RegisteredConnection, DriverGate) {
        let host = try HostProcess(driversDirs: [], ownDrivers: true, extraArguments: extra, start: false)
        let gate = try DriverGate(in: host.folder)
        try ThrowawayDriver(name: QuirkyDriverSource.name, provider: QuirkyDriverSource.provider, cSource: QuirkyDriverSource.c(gate: gate))
            .install(into: host.ownDriversDir, scratch: host.folder)
        try host.start()
        let c = try Fixtures.register(host, driver: "quirky-driver01", provider: QuirkyDriverSource.provider, library: nil,
                                      tag: "quirky", credentials: [("ApiKey", "k")], region: [("Region", "r1")])
        return (host, c, gate)
    }

    @Test("a result that is not JSON, or lacks its list, is 502 naming the operation")
    func malformedResults() throws {
        let (host, c, _) = try quirkyHost()
        try host.expect("GET", "/spider/regionzone" + c.query, status: 502, mentioning: ["regionzone.list", "JSON"])
        try host.expect("GET", "/spider/vmspec" + c.query, status: 502, mentioning: ["vmspec.list", "vmspec"])
        try host.expect("GET", "/spider/securitygroup" + c.query, status: 501, mentioning: ["securityHandler"])
        host.expectReady()
    }

    @Test("a create that finishes after its 504 is still recorded under the user's name")
    func lateCreateIsRecorded() throws {
        let (host, c, gate) = try quirkyHost(["--call-timeout", "1"])
        try gate.arm()   // the create waits in the driver until the test opens the gate
        try host.expect("POST", "/spider/vpc", json: Requests.vpc(c.name, "late-vpc", subnets: []), status: 504, mentioning: ["deadline"])
        host.expectReady()
        // While the create is still under way, the name is not free for another one.
        try host.expect("POST", "/spider/vpc", json: Requests.vpc(c.name, "late-vpc", subnets: []), status: 409, mentioning: ["late-vpc"])

        // The driver finishes once the gate opens; the host logs the request's real outcome after
        // recording it.
        gate.open()
        let recorded = host.waitForLog("POST /spider/vpc → 200")
        #expect(recorded, "the late create never ended in a 200\n\(host.logTail())")
        let vpc = try host.must("GET", "/spider/vpc/late-vpc" + c.query).decode(VPCInfo.self)
        #expect(vpc.IId == IID(NameId: "late-vpc", SystemId: "quirky-vpc-1"))
        // After, the name still belongs to it.
        try host.expect("POST", "/spider/vpc", json: Requests.vpc(c.name, "late-vpc", subnets: []), status: 409, mentioning: ["late-vpc"])
    }
}
