// SigV4 against AWS's published test suite: for each case, the canonical request, the string to
// sign and the Authorization header must equal AWS's files byte for byte.
import Foundation
import Testing
@testable import AWSDriver
import SpiderDriverCrypto

@Suite("SigV4 against AWS's test suite")
struct SigV4SuiteTests {
    static let cases = [
        "get-vanilla", "get-vanilla-query-order-key", "get-vanilla-query-order-key-case", "get-header-value-trim",
        "get-header-key-duplicate", "get-vanilla-query-unreserved", "get-slash-pointless-dot", "get-relative-relative",
        "post-vanilla", "post-x-www-form-urlencoded", "post-sts-header-before",
    ]
    static let signer = SigV4Signer(
        credentials: AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                    sessionToken: nil),
        region: "us-east-1", service: "service")

    @Test("canonical request, string to sign and Authorization match", arguments: cases)
    func vector(_ name: String) throws {
        let request = try Self.parse(try FixtureFiles.text("sigv4/\(name)/\(name).req"))
        let canonical = try SigV4Signer.canonicalRequest(request)
        #expect(canonical.text == (try FixtureFiles.text("sigv4/\(name)/\(name).creq")))
        let sts = try SigV4Signer.stringToSign(canonicalRequest: canonical.text, amzDate: "20150830T123600Z",
                                               scope: "20150830/us-east-1/service/aws4_request")
        #expect(sts == (try FixtureFiles.text("sigv4/\(name)/\(name).sts")))
        #expect(try Self.signer.authorization(for: request) == (try FixtureFiles.text("sigv4/\(name)/\(name).authz")))
    }

    @Test("sign() adds the session token before signing, so it is signed (post-sts-header-before)")
    func sessionTokenIsSigned() throws {
        let token = try Self.parse(try FixtureFiles.text("sigv4/post-sts-header-before/post-sts-header-before.req"))
            .header("x-amz-security-token")
        let withToken = SigV4Signer(credentials: AWSCredentials(accessKeyID: "AKIDEXAMPLE",
                                                                secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                                                sessionToken: token),
                                    region: "us-east-1", service: "service")
        var request = SigV4Request(method: "POST", headers: [("Host", "example.amazonaws.com")])
        try withToken.sign(&request, at: Date(timeIntervalSince1970: 1_440_938_160))   // 2015-08-30T12:36:00Z
        #expect(request.header("x-amz-date") == "20150830T123600Z")
        #expect(request.header("x-amz-security-token") == token)
        #expect(request.header("authorization") == (try FixtureFiles.text("sigv4/post-sts-header-before/post-sts-header-before.authz")))
    }

    @Test("the signing key follows the HMAC chain AWS documents (its worked example)")
    func signingKey() throws {
        // From AWS's "Examples of how to derive a signing key for Signature Version 4".
        let signer = SigV4Signer(credentials: AWSCredentials(accessKeyID: "x", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                                             sessionToken: nil),
                                 region: "us-east-1", service: "iam")
        #expect(DriverCrypto.hex(try signer.signingKey(day: "20150830"))
                == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9")
        let older = SigV4Signer(credentials: signer.credentials, region: "us-east-1", service: "iam")
        #expect(DriverCrypto.hex(try older.signingKey(day: "20120215"))
                == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d")
    }

    /// An HTTP request as the suite writes it: request line, `Name:value` headers, blank line, body.
    static func parse(_ text: String) throws -> SigV4Request {
        let (head, body) = text.range(of: "\n\n").map { (String(text[..<$0.lowerBound]), String(text[$0.upperBound...])) } ?? (text, "")
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let requestLine = lines.removeFirst()
        guard let firstSpace = requestLine.firstIndex(of: " "), let lastSpace = requestLine.range(of: " HTTP/", options: .backwards) else {
            throw SigV4Error("bad request line: \(requestLine)")
        }
        let method = String(requestLine[..<firstSpace])
        let target = String(requestLine[requestLine.index(after: firstSpace)..<lastSpace.lowerBound])
        let path = String(target.prefix { $0 != "?" })
        var query: [(name: String, value: String)] = []
        if let q = target.firstIndex(of: "?") {
            for pair in target[target.index(after: q)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                query.append((String(parts[0]).removingPercentEncoding ?? String(parts[0]),
                              parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""))
            }
        }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[line.index(after: colon)...]))
        }
        return SigV4Request(method: method, path: path, query: query, headers: headers, body: Array(body.utf8))
    }
}
