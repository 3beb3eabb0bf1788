// A driver call stops when nobody waits for it any more: the client went away (spider_driver.h:
// is_cancelled "returns 1 when ... the client went away"), or the host is told to stop.
import Foundation
import SpiderClient
import Testing

@Suite("Cancelling driver calls")
struct CancellationTests {
    /// A host whose only worker thread can be held by one slow call, and whose deadlines are far away.
    private func hostWithSlowConnection() throws -> (HostProcess, fast: RegisteredConnection, slow: RegisteredConnection) {
        let host = try HostProcess(extraArguments: ["--call-timeout", "600", "--worker-threads", "1"])
        let fast = try Fixtures.registerMock(host, tag: "fast")
        let slow = try Fixtures.registerMock(host, tag: "slow", credentialExtras: [("MockLatencyMs", "600000")])
        try host.must("GET", "/spider/vmspec" + fast.query)   // driver loaded, fast connection open
        return (host, fast, slow)
    }

    @Test("a client that goes away mid-call cancels the driver call")
    func clientGoesAway() throws {
        let (host, fast, slow) = try hostWithSlowConnection()
        let leaving = try RawConnection(host.socketPath)
        leaving.send("GET /spider/vpc\(slow.query) HTTP/1.1\r\nHost: x\r\n\r\n")
        try #require(host.waitForLog("opened connection '\(slow.name)'"), "the slow call never started\n\(host.logTail())")
        leaving.close()

        // The single worker is free again only if the abandoned call was cancelled (its own
        // deadline is 600 s away). A create needs a worker (a read might be answered on the I/O thread).
        let patient = SpiderClient(socketPath: host.socketPath, timeoutSeconds: 30)
        let r = try? patient.request("POST", "/spider/keypair", json: ["ConnectionName": fast.name, "ReqInfo": ["Name": "after-leave"]])
        #expect(r?.status == 200, "a request after the client left got \(r.map { "\($0.status) \($0.text)" } ?? "no answer within 30 s")\n\(host.logTail())")
    }

    @Test("SIGTERM stops the host promptly even with a driver call in flight; the caller gets the cancellation or the end")
    func stopWithCallInFlight() throws {
        let (host, _, slow) = try hostWithSlowConnection()
        let waiting = try RawConnection(host.socketPath)
        waiting.send("GET /spider/vpc\(slow.query) HTTP/1.1\r\nHost: x\r\n\r\n")
        try #require(host.waitForLog("opened connection '\(slow.name)'"), "the slow call never started\n\(host.logTail())")

        let exit = host.stop()   // SIGTERM, SIGKILL after 15 s
        #expect(exit == .code(0), "spiderd ended with \(exit.map(\.description) ?? "?") instead of exiting 0 after SIGTERM\n\(host.logTail())")
        #expect(host.log.contains("cancelled 1 driver call(s) in flight"), "\(host.logTail())")
        // The host is gone, so the socket has ended. What came before the end is either nothing (the
        // connection closed first) or the cancelled call's own answer — never a result or another error.
        let bytes = waiting.receiveAll()
        let answers = RawResponse.parseAll(bytes)
        if !bytes.isEmpty {
            #expect(answers.count == 1 && answers[0].status == 504 && answers[0].message.contains("cancelled"),
                    "the call in flight answered: \(String(decoding: bytes, as: UTF8.self))")
        }
    }
}
