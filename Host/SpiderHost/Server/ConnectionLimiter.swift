// How many clients may be connected at once, so that a flood of them (idle, or trickling bytes) can
// never take the descriptors the host needs for its own files and its drivers. Past the limit a few
// reserve places stay: a client there gets one request (under the header deadline) and is then
// closed, so `readyz` and an operator still get in while the flood holds every normal place; past
// the reserve a connection is closed as soon as it is accepted.
import Foundation
import Glibc
import Logging
import Synchronization

final class ConnectionLimiter: Sendable {
    enum Admission { case normal, reserve, refused }

    let limit: Int
    let reserve: Int
    private let open = Atomic<Int>(0)
    private let full = Atomic<Bool>(false)
    private let logger: Logger

    /// `configured` is lowered to what the process's descriptor limit can hold beside the host's own needs.
    init(configured: Int, reserve: Int, logger: Logger) {
        self.reserve = reserve
        self.logger = logger
        let descriptors = Self.raiseDescriptorLimit()
        let room = descriptors - Self.descriptorsForTheHost - reserve
        limit = max(1, min(configured, room))
        if limit < configured {
            logger.notice("at most \(limit) client connections (+\(reserve) in reserve): the descriptor limit is \(descriptors)")
        }
    }

    /// Descriptors kept for the host's own use: the database, drivers' sockets and pipes, registry downloads.
    static let descriptorsForTheHost = 128

    /// Raises the soft RLIMIT_NOFILE to the hard one (as servers do) and answers it.
    static func raiseDescriptorLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }

    /// A new client: where it goes. Every admitted one must be released when it closes.
    func admit() -> Admission {
        let now = open.wrappingAdd(1, ordering: .relaxed).newValue
        if now <= limit { return .normal }
        if !full.exchange(true, ordering: .relaxed) {
            logger.warning("client connection limit of \(limit) reached; \(reserve) reserve places serve one request each, the rest are closed at once (--max-connections)")
        }
        return now <= limit + reserve ? .reserve : .refused
    }

    func release() {
        let now = open.wrappingSubtract(1, ordering: .relaxed).newValue
        if now < limit, full.exchange(false, ordering: .relaxed) {
            logger.notice("client connections back under the limit (\(now) open)")
        }
    }
}
