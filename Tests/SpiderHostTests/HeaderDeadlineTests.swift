// The header deadline on NIO's embedded channel, whose clock only moves when the test moves it: a
// head trickled byte by byte gets its 408 at the deadline counted from its first byte, however
// often bytes come; a head that arrives in time disarms it; the next request starts its own.
import NIOCore
import NIOEmbedded
import Testing
@testable import SpiderHost

@Suite("Header deadline")
struct HeaderDeadlineTests {
    private func channel() throws -> (EmbeddedChannel, EmbeddedEventLoop, HeaderDeadline) {
        let loop = EmbeddedEventLoop()
        let deadline = HeaderDeadline(timeout: .seconds(10))
        let channel = EmbeddedChannel(handler: deadline, loop: loop)
        try channel.connect(to: SocketAddress(unixDomainSocketPath: "/tmp/x")).wait()
        return (channel, loop, deadline)
    }

    private func send(_ channel: EmbeddedChannel, _ text: String) throws {
        try channel.writeInbound(channel.allocator.buffer(string: text))
        _ = try channel.readInbound(as: ByteBuffer.self)
    }

    private func written(_ channel: EmbeddedChannel) throws -> String {
        var out = ""
        while var buffer = try channel.readOutbound(as: ByteBuffer.self) { out += buffer.readString(length: buffer.readableBytes) ?? "" }
        return out
    }

    @Test("bytes trickling in do not move the deadline: 408 ten seconds after the first one, then closed")
    func trickle() throws {
        let (channel, loop, _) = try channel()
        let head = "GET /spider/readyz HTTP/1.1\r\nHost: x\r\n"   // never finished: no empty line
        for byte in head {
            try send(channel, String(byte))
            loop.advanceTime(by: .milliseconds(200))   // a byte every 0.2 s
        }
        let before = try written(channel)
        #expect(channel.isActive && before.isEmpty)
        loop.advanceTime(by: .milliseconds(Int64(10_000 - 200 * head.count - 1)))
        #expect(channel.isActive, "not before the deadline")
        loop.advanceTime(by: .milliseconds(1))
        let answer = try written(channel)
        #expect(answer.hasPrefix("HTTP/1.1 408 ") && answer.contains("10.0 s of its first byte"), "\(answer)")
        #expect(!channel.isActive, "closed after the 408")
    }

    @Test("a head in time disarms the deadline; after the answer, the next request's first byte starts a new one")
    func inTime() throws {
        let (channel, loop, deadline) = try channel()
        try send(channel, "GET /spider/readyz HTTP/1.1\r\n")
        loop.advanceTime(by: .seconds(9))
        deadline.headReceived()
        loop.advanceTime(by: .seconds(60))
        let meanwhile = try written(channel)
        #expect(channel.isActive && meanwhile.isEmpty, "a request being served is not timed here")
        deadline.answered()
        loop.advanceTime(by: .seconds(60))
        #expect(channel.isActive, "an idle connection is the idle timeout's business")
        try send(channel, "G")
        loop.advanceTime(by: .seconds(10))
        let late = try written(channel)
        #expect(late.hasPrefix("HTTP/1.1 408 ") && !channel.isActive)
    }
}
