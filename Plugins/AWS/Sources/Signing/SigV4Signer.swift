// AWS Signature Version 4, written from AWS's specification ("Create a signed AWS API request"):
// canonical request → string to sign → HMAC chain of date/region/service → Authorization header.
import Foundation
import SpiderDriverCrypto

struct SigV4Signer: Sendable {
    let credentials: AWSCredentials
    let region: String
    let service: String

    static let algorithm = "AWS4-HMAC-SHA256"

    /// Adds X-Amz-Date (unless present), X-Amz-Security-Token (when the credentials carry one and
    /// the request lacks it; signed) and Authorization to `request`.
    func sign(_ request: inout SigV4Request, at date: Date) throws {
        if request.header("x-amz-date") == nil {
            request.headers.append(("X-Amz-Date", Self.amzDate(date)))
        }
        if let token = credentials.sessionToken, request.header("x-amz-security-token") == nil {
            request.headers.append(("X-Amz-Security-Token", token))
        }
        request.headers.append(("Authorization", try authorization(for: request)))
    }

    /// Query-string authentication (a presigned URL, AWS's "Authenticating Requests: Using Query
    /// Parameters"): X-Amz-Algorithm, -Credential, -Date, -Expires, -SignedHeaders (every header of
    /// the request, Host included) and -Security-Token join the query, and X-Amz-Signature is
    /// appended. The body's hash is signed as for a header-signed request (S3 alone signs
    /// UNSIGNED-PAYLOAD instead).
    func presign(_ request: inout SigV4Request, at date: Date, expiresSeconds: Int) throws {
        let amzDate = Self.amzDate(date)
        let scope = "\(amzDate.prefix(8))/\(region)/\(service)/aws4_request"
        let signedHeaders = Set(request.headers.map { $0.name.lowercased() }).sorted().joined(separator: ";")
        request.query += [("X-Amz-Algorithm", Self.algorithm), ("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope)"),
                          ("X-Amz-Date", amzDate), ("X-Amz-Expires", String(expiresSeconds)),
                          ("X-Amz-SignedHeaders", signedHeaders)]
        if let token = credentials.sessionToken { request.query.append(("X-Amz-Security-Token", token)) }
        let canonical = try Self.canonicalRequest(request)
        let toSign = try Self.stringToSign(canonicalRequest: canonical.text, amzDate: amzDate, scope: scope)
        let key = try signingKey(day: String(amzDate.prefix(8)))
        request.query.append(("X-Amz-Signature", DriverCrypto.hex(try DriverCrypto.hmacSHA256(key: key, Array(toSign.utf8)))))
    }

    /// The Authorization header value for a request that already has its X-Amz-Date.
    func authorization(for request: SigV4Request) throws -> String {
        guard let amzDate = request.header("x-amz-date"), amzDate.count == 16 else {
            throw SigV4Error("the request has no X-Amz-Date (yyyyMMdd'T'HHmmss'Z')")
        }
        let canonical = try Self.canonicalRequest(request)
        let scope = "\(amzDate.prefix(8))/\(region)/\(service)/aws4_request"
        let toSign = try Self.stringToSign(canonicalRequest: canonical.text, amzDate: amzDate, scope: scope)
        let key = try signingKey(day: String(amzDate.prefix(8)))
        let signature = DriverCrypto.hex(try DriverCrypto.hmacSHA256(key: key, Array(toSign.utf8)))
        return "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(scope), "
            + "SignedHeaders=\(canonical.signedHeaders), Signature=\(signature)"
    }

    func signingKey(day: String) throws -> [UInt8] {
        var key = try DriverCrypto.hmacSHA256(key: Array("AWS4\(credentials.secretAccessKey)".utf8), Array(day.utf8))
        for part in [region, service, "aws4_request"] {
            key = try DriverCrypto.hmacSHA256(key: key, Array(part.utf8))
        }
        return key
    }

    static func stringToSign(canonicalRequest: String, amzDate: String, scope: String) throws -> String {
        let hash = DriverCrypto.hex(try DriverCrypto.sha256(Array(canonicalRequest.utf8)))
        return "\(algorithm)\n\(amzDate)\n\(scope)\n\(hash)"
    }

    /// The canonical request and its signed-header list. Every header present is signed except
    /// Authorization itself.
    static func canonicalRequest(_ request: SigV4Request) throws -> (text: String, signedHeaders: String) {
        var grouped: [String: [String]] = [:]
        for (name, value) in request.headers {
            let key = name.lowercased()
            if key == "authorization" { continue }
            grouped[key, default: []].append(canonicalHeaderValue(value))
        }
        let names = grouped.keys.sorted()
        let headerLines = names.map { "\($0):\(grouped[$0]!.joined(separator: ","))\n" }.joined()
        let signed = names.joined(separator: ";")
        let payload = DriverCrypto.hex(try DriverCrypto.sha256(request.body))
        let text = [request.method.uppercased(), canonicalURI(request.path), canonicalQuery(request.query),
                    headerLines, signed, payload].joined(separator: "\n")
        return (text, signed)
    }

    /// Dot segments resolved, repeated slashes merged, each segment URI-encoded (a '%' already in
    /// the path is encoded again, as the specification asks for every service but S3).
    static func canonicalURI(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." { _ = segments.popLast(); continue }
            segments.append(segment)
        }
        let trailing = path.hasSuffix("/") && !segments.isEmpty
        let joined = segments.map { uriEncode(String($0)) }.joined(separator: "/")
        return "/" + joined + (trailing ? "/" : "")
    }

    static func canonicalQuery(_ pairs: [(name: String, value: String)]) -> String {
        pairs.map { (uriEncode($0.name), uriEncode($0.value)) }
            .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// Leading and trailing spaces removed, inner runs of spaces collapsed to one.
    static func canonicalHeaderValue(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
    }

    /// RFC 3986 encoding: every byte except A-Z a-z 0-9 - . _ ~ becomes %XX (upper-case hex).
    static func uriEncode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out = [UInt8]()
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0f)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `20150830T123600Z`, in UTC.
    static func amzDate(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }
}

struct SigV4Error: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
