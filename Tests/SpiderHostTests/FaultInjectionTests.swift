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

    @Test("an invalid MockFailureRate makes the connection fail with 400 naming the key")
    func invalidKnob() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "badknob", credentialExtras: [("MockFailureRate", "2.5")])
        try host.expect("GET", "/spider/vpc" + c.query, status: 400, mentioning: ["MockFailureRate"])
        host.expectReady()
    }
}
