// A request and a response as the HTTP client sees them.
struct HTTPRequest: Sendable {
    var method: String
    var url: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]
}

struct HTTPResponse: Sendable {
    let status: Int
    let body: [UInt8]
    /// Seconds from a Retry-After header, when the server sent one.
    let retryAfterSeconds: Int?
}

/// Connect and total timeouts; the call's own deadline shortens the total when it is sooner.
struct HTTPOptions: Sendable {
    var connectTimeoutMs: Int
    var totalTimeoutMs: Int
    /// The total for a download to a file (an offer file is GBs): its stall guard is what matters.
    var downloadTimeoutMs: Int
    /// Idle easy handles kept (each keeps its connections alive for the next call).
    var maxIdleHandles: Int

    static let standard = HTTPOptions(connectTimeoutMs: 10_000, totalTimeoutMs: 120_000, downloadTimeoutMs: 1_800_000,
                                       maxIdleHandles: 8)
}

/// How a transfer failed before any HTTP status came back.
enum HTTPFailure: Error, CustomStringConvertible {
    case cancelled
    case timedOut(String)
    case transport(String)

    var description: String {
        switch self {
        case .cancelled: "the call was cancelled or passed its deadline"
        case .timedOut(let m): "timed out: \(m)"
        case .transport(let m): m
        }
    }
}
