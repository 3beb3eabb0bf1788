// EKS's REST JSON API: a SigV4-signed (service "eks") request to a path under /clusters with a
// JSON body; the answer is JSON. An error answer maps to a Spider status (EKSErrorMapping).
import Foundation
import SpiderDriverHTTP
import SpiderDriverKit

struct EKSClient: Sendable {
    let http: HTTPClient
    let credentials: AWSCredentials
    let region: String
    let endpoint: EC2Endpoint

    init(http: HTTPClient, credentials: AWSCredentials, region: String, endpointOverride: String?) throws {
        self.http = http
        self.credentials = credentials
        self.region = region
        do {
            endpoint = try EC2Endpoint(region: region, override: endpointOverride ?? Self.defaultURL(region))
        } catch {
            throw DriverError.invalidArgument("key 'Endpoint': \(error)")
        }
    }

    static func defaultURL(_ region: String) -> String {
        region.hasPrefix("cn-") ? "https://eks.\(region).amazonaws.com.cn/" : "https://eks.\(region).amazonaws.com/"
    }

    /// One path segment, percent-encoded as SigV4 expects it on the wire.
    static func segment(_ text: String) -> String { SigV4Signer.uriEncode(text) }

    /// Calls `method path` (path from "/clusters…", query pairs apart: SigV4 signs them sorted)
    /// with an optional JSON body; returns the JSON answer.
    func call(_ action: String, _ method: String, _ path: String, query: [(name: String, value: String)] = [],
              body: [String: Any]? = nil, context: CallContext?) throws -> [String: Any] {
        let prefix = endpoint.path.hasSuffix("/") ? String(endpoint.path.dropLast()) : endpoint.path
        let fullPath = prefix + path
        let bytes = try body.map { Array(try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys])) } ?? []
        var headers: [(name: String, value: String)] = [("Host", endpoint.host)]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        var request = SigV4Request(method: method, path: fullPath, query: query, headers: headers, body: bytes)
        do {
            try SigV4Signer(credentials: credentials, region: region, service: "eks").sign(&request, at: Date())
        } catch {
            throw DriverError.internal("aws eks \(action): cannot sign the request: \(error)")
        }
        let queryText = query.isEmpty ? "" : "?" + query.map { "\(Self.segment($0.name))=\(Self.segment($0.value))" }.joined(separator: "&")
        let url = (endpoint.url.hasSuffix("/") ? String(endpoint.url.dropLast()) : endpoint.url) + path + queryText
        let response: HTTPResponse
        do {
            response = try http.send(HTTPRequest(method: method, url: url, headers: request.headers, body: request.body),
                                     context: context)
        } catch let failure as HTTPFailure {
            switch failure {
            case .cancelled: throw DriverError(.cancelled, "aws eks \(action): \(failure)")
            case .timedOut, .transport:
                throw DriverError(.retryable, "aws eks \(action) at \(url): \(failure)", retryAfterMs: 1_000)
            }
        }
        let json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
        if (200..<300).contains(response.status) {
            if let json { return json }
            if response.body.isEmpty { return [:] }
            throw DriverError.internal("aws eks \(action): the answer is not JSON: \(String(decoding: response.body.prefix(200), as: UTF8.self))")
        }
        throw EKSErrorMapping.driverError(action: action, request: "\(method) \(fullPath)", httpStatus: response.status, json: json,
                                          text: String(decoding: response.body.prefix(300), as: UTF8.self),
                                          retryAfterSeconds: response.retryAfterSeconds)
    }
}
