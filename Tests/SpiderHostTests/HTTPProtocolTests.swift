// HTTP/1.1 on the socket beyond one-request-per-connection: pipelining, chunked bodies,
// half-sent requests, and bytes that are not HTTP at all.
import Foundation
import SpiderClient
import Testing

@Suite("HTTP on the socket")
struct HTTPProtocolTests {
    @Test("pipelined keep-alive requests are answered in order on one connection")
    func pipelining() throws {
        let host = try HostProcess()
        let connection = try RawConnection(host.socketPath)
        connection.send("GET /spider/readyz HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "GET /spider/no-such-route HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "GET /spider/version HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let responses = RawResponse.parseAll(connection.receiveAll())
        #expect(responses.map(\.status) == [200, 404, 200], "\(responses)")
        #expect(responses.last?.body.contains("DriverABIVersion") == true)
        #expect(responses.allSatisfy { $0.headers["content-type"] == "application/json" })
        host.expectReady()
    }

    @Test("a chunked body over --max-body is 413")
    func chunkedTooLarge() throws {
        let host = try HostProcess(extraArguments: ["--max-body", "4096"])
        let connection = try RawConnection(host.socketPath)
        let chunk = "400\r\n" + String(repeating: "x", count: 1024) + "\r\n"
        connection.send("POST /spider/vpc HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + String(repeating: chunk, count: 10) + "0\r\n\r\n")
        let responses = RawResponse.parseAll(connection.receiveAll())
        #expect(responses.first?.status == 413, "\(responses)")
        #expect(responses.first?.message.contains("4096") == true, "\(responses)")
        host.expectReady()
    }

    @Test("a request not finished within --request-timeout is 408")
    func halfSentRequest() throws {
        let host = try HostProcess(extraArguments: ["--request-timeout", "1"])
        let connection = try RawConnection(host.socketPath)
        connection.send("POST /spider/vpc HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"Connection")
        let responses = RawResponse.parseAll(connection.receiveAll())
        #expect(responses.map(\.status) == [408], "\(responses)")
        #expect(!(responses.first?.message.isEmpty ?? true), "408 carries a message: \(responses)")
        host.expectReady()
    }

    @Test("a keep-alive connection left idle is closed after --idle-timeout; one waiting for its answer is not")
    func idleTimeout() throws {
        let host = try HostProcess(extraArguments: ["--idle-timeout", "1"])
        let c = try Fixtures.registerMock(host, tag: "idle", credentialExtras: [("MockLatencyMs", "3000")])
        let connection = try RawConnection(host.socketPath)
        // The call takes three idle timeouts: the connection waits for its answer, then, left idle, is closed.
        connection.send("GET /spider/vpc\(c.query) HTTP/1.1\r\nHost: x\r\n\r\n")
        let responses = RawResponse.parseAll(connection.receiveAll())
        #expect(responses.map(\.status) == [200], "\(responses)")
        #expect(connection.hasAnswerOrEnd, "the host closed the connection (not the client's 30 s receive timeout)")
        host.expectReady()
    }

    @Test("bytes that are not HTTP get 400 in the JSON error envelope")
    func notHTTP() throws {
        let host = try HostProcess()
        let connection = try RawConnection(host.socketPath)
        connection.send("THIS IS NOT HTTP\r\n\r\n")
        let responses = RawResponse.parseAll(connection.receiveAll())
        #expect(responses.first?.status == 400, "\(responses)")
        #expect(responses.first?.headers["content-type"] == "application/json", "one JSON error envelope for every error: \(responses)")
        #expect(!(responses.first?.message.isEmpty ?? true), "the 400 says what was wrong: \(responses)")
        host.expectReady()
    }

    @Test("a Content-Length past what an Int holds (2^63, 2^64 - 1) is 413 at once, not a wait for the body; past 64 bits, 400",
          arguments: [("9223372036854775808", 413), ("18446744073709551615", 413), ("1000000000000000000000000000000", 400)])
    func hugeContentLength(_ length: String, _ status: Int) throws {
        let host = try HostProcess()
        let connection = try RawConnection(host.socketPath)
        connection.send("POST /spider/vpc HTTP/1.1\r\nHost: x\r\nContent-Length: \(length)\r\n\r\n")
        let responses = RawResponse.parseAll(connection.receiveAll())
        #expect(responses.map(\.status) == [status], "\(responses)")
        #expect(responses.first?.message.contains(status == 413 ? length : "Content-Length") == true, "\(responses)")
        host.expectReady()
    }

    @Test("Expect: 100-continue gets 100 Continue before the body is sent, then the answer")
    func expectContinue() throws {
        let host = try HostProcess()
        let body = #"{"CredentialName":"cont","ProviderName":"MOCK","KeyValueInfoList":[{"Key":"MockName","Value":"x"}]}"#
        let connection = try RawConnection(host.socketPath)
        connection.send("POST /spider/credential HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: \(body.utf8.count)\r\nExpect: 100-continue\r\n\r\n")
        let interim = connection.receive(until: "\r\n\r\n")
        #expect(interim.hasPrefix("HTTP/1.1 100 Continue\r\n"), "the host says go on before the body: \(interim)")
        connection.send(body)
        connection.send("GET /spider/credential/cont HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let responses = RawResponse.parseAll(connection.receiveAll())
        #expect(responses.map(\.status) == [200, 200], "\(responses)")
        // Too large: 413 straight away, no 100.
        let large = try RawConnection(host.socketPath)
        large.send("POST /spider/credential HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\nExpect: 100-continue\r\n\r\n")
        #expect(RawResponse.parseAll(large.receiveAll()).map(\.status) == [413])
        host.expectReady()
    }
}
