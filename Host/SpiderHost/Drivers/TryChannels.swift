// The sockets that carry try_call to a driver's process (driver_wire.h, "try channel"). An I/O
// thread takes a free channel, writes the TRY_CALL and waits on that same socket for the RESULT:
// no other thread stands between it and the helper's thread, on either side, which is what keeps
// the fast read path fast across the process boundary (a hand-over to a reading thread costs a
// context switch each way).
import Dispatch
import Glibc
import NIOConcurrencyHelpers

final class TryChannels: Sendable {
    /// One socket. Only the thread that took it out of `free` touches `nextID`, `late` and `broken`;
    /// the watchdog reads `late` of free channels under the pool's lock.
    private final class Channel: @unchecked Sendable {
        let fd: Int32
        var nextID: UInt64 = 1
        /// A request whose answer did not come in time: its id and when it was sent (monotonic ns).
        var late: (id: UInt64, sent: UInt64)?
        var broken = false
        init(fd: Int32) { self.fd = fd }
    }

    private struct Pool {
        var free: [Channel]
        var closed = false
    }

    private let pool: NIOLockedValueBox<Pool>

    init(fds: [Int32]) {
        pool = NIOLockedValueBox(Pool(free: fds.map(Channel.init)))
    }

    /// The answer to `frame` (its id is set here) sent on a free channel; nil when no channel is free,
    /// when the answer did not come within `boundNanos` (it is read and dropped before the channel's
    /// next use), or when the channel broke (the process is ending). nil means: call on a worker.
    func request(_ frame: WireFrame, boundNanos: UInt64) -> WireFrame? {
        guard let channel = take() else { return nil }
        defer { giveBack(channel) }
        if channel.late != nil {
            drain(channel)
            if channel.late != nil { return nil }   // still owed: this channel stays busy
        }
        var frame = frame
        frame.id = channel.nextID
        channel.nextID &+= 1
        let sent = DispatchTime.now().uptimeNanoseconds
        guard frame.write(to: channel.fd) else {
            channel.broken = true
            return nil
        }
        switch receive(channel, until: sent &+ boundNanos) {
        case .some(let answer) where answer.id == frame.id:
            return answer
        case .some:
            channel.broken = true   // an answer to nothing asked: the stream is off
            return nil
        case .none:
            if !channel.broken { channel.late = (frame.id, sent) }
            return nil
        }
    }

    /// When the oldest answer still owed on a free channel was asked for (monotonic ns), or nil.
    /// A try_call must never block: the watchdog ends a process that owes one for long.
    func oldestLateRequest() -> UInt64? {
        pool.withLockedValue { p in p.free.compactMap { $0.late?.sent }.min() }
    }

    /// Closes the channels (the process ended): the free ones now, a taken one when it is given back.
    func close() {
        let free = pool.withLockedValue { p in
            p.closed = true
            defer { p.free = [] }
            return p.free
        }
        free.forEach { Glibc.close($0.fd) }
    }

    private func take() -> Channel? {
        pool.withLockedValue { p in p.closed ? nil : p.free.popLast() }
    }

    private func giveBack(_ channel: Channel) {
        let keep = pool.withLockedValue { p in
            guard !p.closed, !channel.broken else { return false }
            p.free.append(channel)
            return true
        }
        if !keep { Glibc.close(channel.fd) }
    }

    /// Reads, without waiting, what has come on a channel that owes an answer; drops that answer.
    private func drain(_ channel: Channel) {
        guard let owed = channel.late else { return }
        guard let answer = receive(channel, until: 0) else { return }
        if answer.id == owed.id { channel.late = nil } else { channel.broken = true }
    }

    /// The next frame on the channel, waiting until `deadline` (monotonic ns; 0: not at all); nil when
    /// none came by then or the channel broke (`broken` is then set).
    private func receive(_ channel: Channel, until deadline: UInt64) -> WireFrame? {
        var ready = pollfd(fd: channel.fd, events: Int16(POLLIN), revents: 0)
        while true {
            let now = DispatchTime.now().uptimeNanoseconds
            let waitMs = deadline > now ? Int32(clamping: (deadline - now + 999_999) / 1_000_000) : 0
            let n = poll(&ready, 1, waitMs)
            if n < 0 && errno == EINTR { continue }
            if n < 0 {
                channel.broken = true
                return nil
            }
            if n == 0 { return nil }
            break
        }
        // Readable (or hung up): the helper writes a frame whole, so reading it all does not wait long.
        do {
            return try WireFrame.read(from: channel.fd)
        } catch {
            channel.broken = true
            return nil
        }
    }
}
