// What SigV4 signs: method, path as sent, decoded query pairs, headers and body.
struct AWSCredentials: Sendable {
    let accessKeyID: String
    let secretAccessKey: String
    /// STS temporary credentials: sent (and signed) as X-Amz-Security-Token.
    let sessionToken: String?
}

struct SigV4Request: Sendable {
    var method: String
    /// The path as it appears on the wire (already percent-encoded where needed).
    var path: String
    /// Query parameters, decoded.
    var query: [(name: String, value: String)]
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    init(method: String, path: String = "/", query: [(name: String, value: String)] = [],
         headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
