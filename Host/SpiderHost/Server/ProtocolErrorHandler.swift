// Answers bytes that are not HTTP with a 400 in the JSON error envelope (NIO's own handler sends
// an empty body), then lets the connection close.
import NIOCore
import NIOHTTP1

final class ProtocolErrorHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    // Inbound only, so answers do not pass through it: the HTTP handler writes each answer whole
    // (head, body, end) within one event-loop turn, so no answer is ever half written when a parse
    // error arrives.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parseError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        let what = parseError == .invalidContentLength
            ? "its Content-Length is not a number of bytes (at most 2^64 - 1)" : "\(parseError)"
        let body = APIResponse.error(.badRequest("the request is not valid HTTP/1.1 (\(what))")).body
        let headers = HTTPHeaders([("content-type", "application/json"), ("content-length", String(body.count)),
                                   ("connection", "close")])
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .badRequest, headers: headers))), promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: body.count)
        buffer.writeBytes(body)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireErrorCaught(error)
    }
}
