// A request and a response as the drivers' HTTP client sees them.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

public struct HTTPResponse: Sendable {
    public let status: Int
    public let body: [UInt8]
    /// Seconds from a Retry-After header, when the server sent one.
    public let retryAfterSeconds: Int?
    /// Headers the caller asked to keep (`HTTPRequest` cannot know them in advance), lower-cased names.
    public let headers: [String: String]

    public init(status: Int, body: [UInt8], retryAfterSeconds: Int?, headers: [String: String] = [:]) {
        self.status = status
        self.body = body
        self.retryAfterSeconds = retryAfterSeconds
        self.headers = headers
    }
}

/// Connect and total timeouts; the call's own deadline shortens the total when it is sooner.
public struct HTTPOptions: Sendable {
    public var connectTimeoutMs: Int
    public var totalTimeoutMs: Int
    /// The total for a download to a file (an offer file is GBs): its stall guard is what matters.
    public var downloadTimeoutMs: Int
    /// Idle easy handles kept (each keeps its connections alive for the next call).
    public var maxIdleHandles: Int
    /// Sent as User-Agent, e.g. "spider-driver-aws/0.1.0".
    public var userAgent: String
    /// Response headers kept in `HTTPResponse.headers` (lower-case), e.g. "x-subject-token".
    public var keptHeaders: Set<String>

    public static let standard = HTTPOptions(connectTimeoutMs: 10_000, totalTimeoutMs: 120_000, downloadTimeoutMs: 1_800_000,
                                              maxIdleHandles: 8, userAgent: "spider-driver", keptHeaders: [])

    public init(connectTimeoutMs: Int, totalTimeoutMs: Int, downloadTimeoutMs: Int, maxIdleHandles: Int, userAgent: String,
                keptHeaders: Set<String>) {
        self.connectTimeoutMs = connectTimeoutMs
        self.totalTimeoutMs = totalTimeoutMs
        self.downloadTimeoutMs = downloadTimeoutMs
        self.maxIdleHandles = maxIdleHandles
        self.userAgent = userAgent
        self.keptHeaders = keptHeaders
    }

    /// The standard options with another User-Agent.
    public static func standard(userAgent: String) -> HTTPOptions {
        var options = standard
        options.userAgent = userAgent
        return options
    }
}

/// How a transfer failed before any HTTP status came back.
public enum HTTPFailure: Error, CustomStringConvertible {
    case cancelled
    case timedOut(String)
    case transport(String)

    public var description: String {
        switch self {
        case .cancelled: "the call was cancelled or passed its deadline"
        case .timedOut(let m): "timed out: \(m)"
        case .transport(let m): m
        }
    }
}
