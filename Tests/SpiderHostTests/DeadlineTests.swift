// A driver call past --call-timeout is a 504, and the host keeps serving while it runs.
import Foundation
import SpiderClient
import SpiderModels
import Testing

@Suite("Deadlines")
struct DeadlineTests {
    @Test("a call slower than --call-timeout is 504; readyz and other connections answer meanwhile")
    func slowCallTimesOut() throws {
        let host = try HostProcess(extraArguments: ["--call-timeout", "1"])
        let fast = try Fixtures.registerMock(host, tag: "fast")
        let slow = try Fixtures.registerMock(host, tag: "slow", credentialExtras: [("MockLatencyMs", "3000")])
        try host.must("GET", "/spider/vmspec" + fast.query)   // the driver is loaded, the fast connection open

        let slowAnswer = Locked<SpiderResponse?>(nil)
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let r = try? host.call("GET", "/spider/vpc" + slow.query)
            slowAnswer.withLock { $0 = r }
            finished.signal()
        }
        // The slow call is in flight once its connection has opened (the host logs it before the call).
        let opened = host.waitForLog("opened connection '\(slow.name)'")
        #expect(opened, "the slow connection never opened\n\(host.logTail())")

        let ready = try host.call("GET", "/spider/readyz")
        let other = try host.call("GET", "/spider/vmspec/mock-vmspec-01" + fast.query)
        let slowWasDone = slowAnswer.withLock { $0 != nil }
        #expect(ready.status == 200)
        #expect(other.status == 200, "\(other.text)")
        #expect(!slowWasDone, "readyz and the fast connection answered while the slow call was still running")

        #expect(finished.wait(timeout: .now() + 60) == .success, "the slow call never answered")
        let r = try #require(slowAnswer.withLock { $0 }, "the slow call got no HTTP answer\n\(host.logTail())")
        #expect(r.status == 504, "\(r.status) \(r.text)")
        expectMessage(r, mentions: ["deadline"], request: "GET /spider/vpc (slow)")

        // Every later call on the slow connection also ends at its deadline; the host stays healthy.
        try host.expect("POST", "/spider/vpc", json: Requests.vpc(slow.name, "vpc-slow"), status: 504, mentioning: ["deadline"])
        host.expectReady()
        try host.must("POST", "/spider/vpc", json: Requests.vpc(fast.name, "vpc-fast"))
    }
}
