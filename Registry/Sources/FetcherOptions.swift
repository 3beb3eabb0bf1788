// How patient and how trusting a fetch is. Proxies are not an option here on purpose: libcurl reads
// `https_proxy`/`HTTPS_PROXY`, `http_proxy` (lowercase only: an `HTTP_PROXY` could come from a CGI
// request header), `all_proxy`/`ALL_PROXY` and `no_proxy`/`NO_PROXY` itself, and the fetcher never
// overrides them (FetcherProxyTests checks this).
public struct FetchOptions: Sendable {
    /// The host passes its own version; this is the registry library's fallback.
    public static let defaultUserAgent = "spider/0.1.0"

    /// Seconds to establish a connection (TCP and TLS), per attempt.
    public var connectTimeout: Double = 15
    /// Seconds for a whole attempt, connect included; 0 means no limit (stall detection still applies).
    public var totalTimeout: Double = 0
    /// Stall detection: an attempt fails when it moves fewer than `lowSpeedBytesPerSecond` bytes per
    /// second for `lowSpeedSeconds` seconds in a row.
    public var lowSpeedBytesPerSecond: Int = 1
    public var lowSpeedSeconds: Int = 30
    /// Retries after the first attempt, for transient failures only (connect failures, timeouts,
    /// dropped connections, HTTP 408, 429 and 5xx).
    public var maxRetries: Int = 3
    /// Backoff before retry n (1-based): `initialBackoff * 2^(n-1)`, capped by `maxBackoff`, with
    /// full jitter; a server's Retry-After (capped by `maxBackoff`) takes precedence.
    public var initialBackoff: Double = 0.5
    public var maxBackoff: Double = 30
    /// A download that announces or grows past this many bytes is abandoned; nil means no limit.
    public var maxBytes: UInt64? = nil
    /// Redirects followed (http and https only); more is an error.
    public var maxRedirects: Int = 5
    public var userAgent: String = FetchOptions.defaultUserAgent
    /// A PEM file of certificate authorities to trust instead of the system's, for a registry
    /// served with a private CA. Certificates are always verified.
    public var caBundlePath: String? = nil

    public init() {}
}
