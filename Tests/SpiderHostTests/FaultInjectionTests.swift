// The Mock's fault injection surfaces as the host's gateway errors.
import Foundation
import SpiderClient
import SpiderModels
import Testing

@Suite("Fault injection")
struct FaultInjectionTests {
    @Test("MockFailureRate 1.0 is 502 with the driver's 'injected' message; a failed create frees its name")
    func injectedFailures() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "faults", credentialExtras: [("MockFailureRate", "1.0")])
        try host.expect("GET", "/spider/vpc" + c.query, status: 502, mentioning: ["injected"])
        try host.expect("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01"), status: 502, mentioning: ["injected"])
        // Not 409: the failed create did not keep the name.
        try host.expect("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01"), status: 502, mentioning: ["injected"])
        try host.expect("GET", "/spider/vpc/vpc-01" + c.query, status: 404, mentioning: ["vpc-01"])
        host.expectReady()
    }

    @Test("MockRendezvous: calls of a group go on once enough have met; one that waits alone ends at its deadline saying so; a bad value is 400")
    func rendezvous() throws {
        let host = try HostProcess(extraArguments: ["--call-timeout", "2"])
        let a = try Fixtures.registerMock(host, tag: "meet-a", credentialExtras: [("MockRendezvous", "pair:2:vpc.list")])
        let b = try Fixtures.registerMock(host, tag: "meet-b", credentialExtras: [("MockRendezvous", "pair:2:vpc.list")])
        // Only the named operation waits.
        try host.must("POST", "/spider/vpc", json: Requests.vpc(a.name, "vpc-01"))
        // Two lists on two connections of the group meet and both answer.
        let statuses = concurrently(2) { i in (try? host.call("GET", "/spider/vpc" + [a, b][i].query))?.status ?? 0 }
        #expect(statuses == [200, 200])
        // The group stays open: a later call passes at once.
        try host.must("GET", "/spider/vpc" + b.query)

        // Alone in a group of three, a call waits until the host's deadline ends it.
        let lonely = try Fixtures.registerMock(host, tag: "lonely", credentialExtras: [("MockRendezvous", "trio:3")])
        try host.expect("GET", "/spider/vpc" + lonely.query, status: 504, mentioning: ["deadline"])

        let bad = try Fixtures.registerMock(host, tag: "badmeet", credentialExtras: [("MockRendezvous", "trio:none")])
        try host.expect("GET", "/spider/vpc" + bad.query, status: 400, mentioning: ["MockRendezvous"])
        host.expectReady()
    }

    @Test("an invalid MockFailureRate makes the connection fail with 400 naming the key")
    func invalidKnob() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "badknob", credentialExtras: [("MockFailureRate", "2.5")])
        try host.expect("GET", "/spider/vpc" + c.query, status: 400, mentioning: ["MockFailureRate"])
        host.expectReady()
    }
}
