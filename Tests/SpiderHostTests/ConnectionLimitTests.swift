// Clients cannot exhaust the host: under a descriptor limit of 256 spiderd serves at most
// 256 - 128 - 16 = 112 clients, keeps 16 reserve places that answer one request each (and close a
// client that does not ask at once), and closes any further connection as it is accepted. While the
// normal places are all held, readyz and an operator's create still get in; the log says so.
import Foundation
import Testing

@Suite("Client connection limits", .serialized)
struct ConnectionLimitTests {
    @Test("a flood of idle clients under a low descriptor limit: readyz and a create still get in, the excess is closed, the log says so")
    func flood() throws {
        let host = try HostProcess(extraArguments: ["--header-timeout", "5"], descriptorLimit: 256)
        let c = try Fixtures.registerMock(host, tag: "flood")
        try host.must("GET", "/spider/vpc" + c.query)   // the Mock's process runs
        let limit = 256 - 128 - 16
        #expect(host.waitForLog("at most \(limit) client connections (+16 in reserve)"), "\(host.logTail())")

        // Every normal place held by a kept-alive client (each answered once, so each is admitted).
        var held: [RawConnection] = []
        for _ in 0..<limit {
            let client = try RawConnection(host.socketPath)
            client.send("GET /spider/readyz HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(client.receive(until: "ready\"}").contains("200 OK"))
            held.append(client)
        }
        // Past the limit: one request each, then closed.
        let ready = try RawConnection(host.socketPath)
        ready.send("GET /spider/readyz HTTP/1.1\r\nHost: x\r\n\r\n")
        let readyAnswers = RawResponse.parseAll(ready.receiveAll())
        #expect(readyAnswers.map(\.status) == [200] && readyAnswers.first?.headers["connection"] == "close", "\(readyAnswers)")
        #expect(host.waitForLog("client connection limit of \(limit) reached"), "\(host.logTail())")

        let create = try RawConnection(host.socketPath)
        let body = #"{"ConnectionName":"\#(c.name)","ReqInfo":{"Name":"vpc-flood","IPv4_CIDR":"10.0.0.0/16","SubnetInfoList":[]}}"#
        create.send("POST /spider/vpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        #expect(RawResponse.parseAll(create.receiveAll()).map(\.status) == [200], "the create got in and its state was written")

        // 40 more clients that say nothing: up to 16 take the reserve places and are answered 408 when
        // they have not asked within --header-timeout; the rest are closed as they are accepted. (The
        // two clients above may still hold their places for an instant after they were answered.)
        let silent = try (0..<40).map { _ in try RawConnection(host.socketPath) }
        let outcomes = silent.map { RawResponse.parseAll($0.receiveAll()) }
        let timedOut = outcomes.filter { $0.map(\.status) == [408] && $0.first?.message.contains("of connecting") == true }.count
        let closedAtOnce = outcomes.filter(\.isEmpty).count
        #expect(timedOut + closedAtOnce == 40 && (14...16).contains(timedOut), "408: \(timedOut), closed: \(closedAtOnce)")
        // An operator is served while every normal place is still held.
        try host.must("GET", "/spider/vpc/vpc-flood" + c.query)
        held.forEach { $0.close() }
        host.expectReady()
        #expect(host.waitForLog("client connections back under the limit"), "\(host.logTail())")
    }
}
