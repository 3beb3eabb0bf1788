// Requests with an expected status: `must` stops the test when the status is wrong (later steps
// would be meaningless), `expect` records the failure and goes on. Failure messages carry the
// request, the answer and the tail of spiderd's log.
import Foundation
import SpiderClient
import Testing

extension HostProcess {
    @discardableResult
    func must(_ method: String, _ path: String, json: [String: Any]? = nil, body: Data? = nil, status: Int = 200,
              sourceLocation: SourceLocation = #_sourceLocation) throws -> SpiderResponse {
        let r = try call(method, path, json: json, body: body)
        try #require(r.status == status, "\(method) \(path) answered \(r.status), expected \(status): \(r.text)\n\(logTail())",
                     sourceLocation: sourceLocation)
        return r
    }

    /// Expects `status` and an error message that contains every fragment (case-insensitive).
    @discardableResult
    func expect(_ method: String, _ path: String, json: [String: Any]? = nil, body: Data? = nil, status: Int,
                mentioning fragments: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) throws -> SpiderResponse {
        let r = try call(method, path, json: json, body: body)
        #expect(r.status == status, "\(method) \(path) answered \(r.status), expected \(status): \(r.text)\n\(logTail())",
                sourceLocation: sourceLocation)
        expectMessage(r, mentions: fragments, request: "\(method) \(path)", sourceLocation: sourceLocation)
        return r
    }

    /// The host still serves: /spider/readyz answers 200.
    func expectReady(sourceLocation: SourceLocation = #_sourceLocation) {
        let r = try? client.request("GET", "/spider/readyz")
        #expect(r?.status == 200, "readyz answered \(r.map { "\($0.status) \($0.text)" } ?? "nothing")\n\(logTail())",
                sourceLocation: sourceLocation)
    }
}

/// Every fragment appears in the response's error message (case-insensitive).
func expectMessage(_ r: SpiderResponse, mentions fragments: [String], request: String,
                   sourceLocation: SourceLocation = #_sourceLocation) {
    let message = r.message.lowercased()
    for fragment in fragments {
        #expect(message.contains(fragment.lowercased()),
                "\(request): the message should mention '\(fragment)'; got \(r.status) \(r.text)", sourceLocation: sourceLocation)
    }
}

extension SpiderResponse {
    /// The body decoded as one of the CB-Spider shapes; a mismatch fails with the body shown.
    func decode<T: Decodable>(_ type: T.Type, sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: body)
        } catch {
            Issue.record("cannot decode \(T.self) from \(status) \(text): \(error)", sourceLocation: sourceLocation)
            throw error
        }
    }

    /// A top-level list (`{"vpc": [...]}`) as JSON objects.
    func list(_ key: String) -> [[String: Any]] { json[key] as? [[String: Any]] ?? [] }
}

/// `"?ConnectionName=<name>"`, percent-encoded.
func connectionQuery(_ name: String) -> String {
    "?ConnectionName=" + (name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name)
}
