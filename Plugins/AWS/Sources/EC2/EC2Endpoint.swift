// Where EC2 answers for a region: AWS's regional endpoint, or the connection's `Endpoint`
// (moto, a VPC endpoint, a proxy) for every region alike.
struct EC2Endpoint: Sendable {
    let url: String
    /// The Host header (host[:port]), which SigV4 signs.
    let host: String
    /// The path, as sent.
    let path: String

    init(region: String, override: String?, service: String = "ec2") throws {
        var url = override ?? Self.defaultURL(region, service: service)
        if !url.contains("://") { url = "https://" + url }
        guard let schemeEnd = url.range(of: "://") else { throw SigV4Error("bad endpoint '\(url)'") }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw SigV4Error("endpoint '\(url)' is neither http nor https")
        }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        guard !authority.isEmpty else { throw SigV4Error("endpoint '\(url)' has no host") }
        var path = String(rest.dropFirst(authority.count).prefix { $0 != "?" })
        if path.isEmpty { path = "/" }
        // Curl sends the port only when it is not the scheme's default; the signed Host must match.
        var host = String(authority.split(separator: "@").last ?? authority)
        if (scheme == "http" && host.hasSuffix(":80")) || (scheme == "https" && host.hasSuffix(":443")) {
            host = String(host.prefix(host.count - (scheme == "http" ? 3 : 4)))
        }
        self.url = "\(scheme)://\(authority)\(path)"
        self.host = host
        self.path = path
    }

    static func defaultURL(_ region: String, service: String = "ec2") -> String {
        region.hasPrefix("cn-") ? "https://\(service).\(region).amazonaws.com.cn/" : "https://\(service).\(region).amazonaws.com/"
    }
}
