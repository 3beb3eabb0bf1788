// A request's head must arrive whole within --header-timeout of its first byte. The idle timeout
// alone would not do: it starts again with every byte, so a client trickling one byte a second
// could hold a connection (and a descriptor) for ever. Sits first in the pipeline, seeing raw bytes;
// the HTTP handler tells it (by direct calls, on the same event loop) when a head has come and
// when its answer has gone.
import NIOCore

final class HeaderDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Phase { case betweenRequests, inHead, inRequest }

    private let timeout: TimeAmount
    /// A client in a reserve place must send its request at once: the clock runs from its connect.
    private let fromConnect: Bool
    private var phase = Phase.betweenRequests
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount, fromConnect: Bool = false) {
        self.timeout = timeout
        self.fromConnect = fromConnect
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if fromConnect, context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        if fromConnect { arm(context) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if phase == .betweenRequests { phase = .inHead }
        context.fireChannelRead(data)
        // Armed only when these bytes did not bring the whole head (most requests come whole in
        // one read, and then no timer is made at all).
        if phase == .inHead { arm(context) }
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard timer == nil else { return }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) {
            let (handler, context) = bound.value
            handler.expire(context)
        }
    }

    /// The HTTP handler has the request's whole head (called on the channel's event loop).
    func headReceived() {
        phase = .inRequest
        timer?.cancel()
        timer = nil
    }

    /// The HTTP handler has answered: the next request's first byte starts its deadline.
    func answered() {
        phase = .betweenRequests
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        context.fireChannelInactive()
    }

    /// The head did not come in time: a 408 in the JSON envelope, written below the HTTP encoder.
    private func expire(_ context: ChannelHandlerContext) {
        timer = nil
        guard phase != .inRequest, context.channel.isActive else { return }
        let seconds = Double(timeout.nanoseconds) / 1e9
        let start = fromConnect ? "of connecting (past the connection limit, a client must ask at once)" : "of its first byte"
        let body = #"{"message":"the request's head (its line and headers) was not complete within \#(seconds) s \#(start)"}"#
        let head = "HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\ncontent-length: \(body.utf8.count)\r\nconnection: close\r\n\r\n"
        var buffer = context.channel.allocator.buffer(capacity: head.utf8.count + body.utf8.count)
        buffer.writeString(head + body)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)   // the write completes on this loop
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in bound.value.close(promise: nil) }
    }
}
