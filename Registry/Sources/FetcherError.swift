// What went wrong with a fetch, always naming the URL (or path) that was asked for.
public enum FetchError: Error, Equatable, CustomStringConvertible {
    /// Which limit a timed-out attempt ran into.
    public enum TimeoutLimit: Equatable, Sendable {
        case connect, total, stalled
    }

    /// HTTP 404/410, or a missing local file.
    case notFound(url: String)
    /// Any other HTTP status that is not a success, after the retries it allowed.
    case http(status: Int, url: String)
    case timeout(url: String, seconds: Double, limit: TimeoutLimit)
    /// The download announced or grew past `limit` bytes.
    case tooLarge(url: String, limit: UInt64)
    case tooManyRedirects(url: String, limit: Int)
    /// A scheme other than file, http and https, or a URL libcurl cannot parse.
    case unsupported(url: String, message: String)
    /// Connection, TLS, proxy or protocol failure: `message` is libcurl's own.
    case network(url: String, message: String)
    /// libcurl or libcrypto could not be set up for this fetch.
    case setup(url: String, message: String)
    /// The destination could not be written.
    case localFile(path: String, message: String)

    public var description: String {
        switch self {
        case .notFound(let url):
            "\(url): not found"
        case .http(let status, let url):
            "\(url): HTTP status \(status)"
        case .timeout(let url, let seconds, let limit):
            switch limit {
            case .connect: "\(url): no connection within \(Self.format(seconds)) s"
            case .total: "\(url): not finished within \(Self.format(seconds)) s"
            case .stalled: "\(url): download stalled for \(Self.format(seconds)) s"
            }
        case .tooLarge(let url, let limit):
            "\(url): larger than the limit of \(limit) bytes"
        case .tooManyRedirects(let url, let limit):
            "\(url): more than \(limit) redirects"
        case .unsupported(let url, let message):
            "\(url): \(message)"
        case .network(let url, let message):
            "\(url): \(message)"
        case .setup(let url, let message):
            "\(url): cannot start the download: \(message)"
        case .localFile(let path, let message):
            "cannot write \(path): \(message)"
        }
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
