// A driver call past --call-timeout is a 504, and the host keeps serving while a call runs.
// Neither test races a clock: the slow cloud never answers by itself (MockLatencyMs is ten
// minutes), so the call in flight can end only by the deadline under test or by the client leaving.
import Foundation
import SpiderClient
import SpiderModels
import Testing

@Suite("Deadlines")
struct DeadlineTests {
    @Test("while a call waits on a slow cloud, readyz and other connections answer")
    func serveWhileACallRuns() throws {
        let host = try HostProcess(extraArguments: ["--call-timeout", "600"])
        let fast = try Fixtures.registerMock(host, tag: "fast")
        let slow = try Fixtures.registerMock(host, tag: "slow", credentialExtras: [("MockLatencyMs", "600000")])
        try host.must("GET", "/spider/vmspec" + fast.query)   // the driver is loaded, the fast connection open

        let waiting = try RawConnection(host.socketPath)
        waiting.send("GET /spider/vpc\(slow.query) HTTP/1.1\r\nHost: x\r\n\r\n")
        // The call is in flight once its connection has opened (the host logs it just before the call).
        try #require(host.waitForLog("opened connection '\(slow.name)'"), "the slow connection never opened\n\(host.logTail())")

        #expect(try host.call("GET", "/spider/readyz").status == 200)
        let other = try host.call("GET", "/spider/vmspec/mock-vmspec-01" + fast.query)
        #expect(other.status == 200, "\(other.text)")
        try host.must("POST", "/spider/vpc", json: Requests.vpc(fast.name, "vpc-fast"))
        #expect(!waiting.hasAnswerOrEnd, "the slow call cannot have ended: its cloud answers in ten minutes, its deadline too")
        waiting.close()   // cancels it (CancellationTests)
        host.expectReady()
    }

    @Test("a call slower than --call-timeout is 504 naming the deadline; so is every later call on that cloud")
    func slowCallTimesOut() throws {
        let host = try HostProcess(extraArguments: ["--call-timeout", "1"])
        let fast = try Fixtures.registerMock(host, tag: "fast")
        let slow = try Fixtures.registerMock(host, tag: "slow", credentialExtras: [("MockLatencyMs", "600000")])

        let r = try host.call("GET", "/spider/vpc" + slow.query)
        #expect(r.status == 504, "\(r.status) \(r.text)")
        expectMessage(r, mentions: ["deadline"], request: "GET /spider/vpc (slow)")
        try host.expect("POST", "/spider/vpc", json: Requests.vpc(slow.name, "vpc-slow"), status: 504, mentioning: ["deadline"])

        // The host stays healthy and other connections are not held up.
        host.expectReady()
        try host.must("POST", "/spider/vpc", json: Requests.vpc(fast.name, "vpc-fast"))
    }
}
