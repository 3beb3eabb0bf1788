// One HTTP request as route handlers see it: method, path parameters, query, body, peer.
import Foundation
import NIOHTTP1
import SpiderModels

struct PeerCredentials: Sendable {
    var uid: UInt32
    var gid: UInt32
    var pid: Int32
}

struct APIRequest: Sendable {
    let method: HTTPMethod
    let path: String
    let query: [String: String]
    let body: [UInt8]
    let peer: PeerCredentials?
    let call: CallState
    var parameters: [String: String] = [:]
    /// True while the handler runs on the I/O thread: nothing may block (see `Execution`).
    var immediate = false

    /// A path parameter (already percent-decoded).
    func parameter(_ name: String) -> String { parameters[name] ?? "" }

    /// `?force=true` and friends.
    func flag(_ name: String) -> Bool {
        guard let v = query[name]?.lowercased() else { return false }
        return v == "true" || v == "1" || v == "yes"
    }

    /// Decodes the JSON body; a malformed body or a missing field is a 400 that names it.
    func decode<T: Decodable>(_ type: T.Type, what: String) throws -> T {
        guard !body.isEmpty else { throw HostError.badRequest("\(what): the request body is empty; send a JSON object") }
        if let twice = DuplicateJSONKeys.first(in: body) {
            throw HostError.badRequest("\(what): the key \(twice) appears twice in one object; send it once")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch let error as DecodingError {
            throw HostError.from(error, in: what)
        }
    }

    /// `ConnectionName` from the query string or the JSON body: CB-Spider clients send it both ways.
    func connectionName() throws -> String {
        if let name = query["ConnectionName"], !name.isEmpty { return name }
        if !body.isEmpty {
            struct Carrier: Decodable { var ConnectionName: String? }
            if let twice = DuplicateJSONKeys.first(in: body) {
                throw HostError.badRequest("request body: the key \(twice) appears twice in one object; send it once")
            }
            let carrier: Carrier
            do {
                carrier = try JSONDecoder().decode(Carrier.self, from: Data(body))
            } catch let error as DecodingError {
                throw HostError.from(error, in: "request body")
            }
            if let name = carrier.ConnectionName, !name.isEmpty { return name }
        }
        throw HostError.badRequest("ConnectionName is required (as a query parameter or in the JSON body)")
    }
}

struct APIResponse: Sendable {
    var status: HTTPResponseStatus
    var body: [UInt8]
    var retryAfterSeconds: Int? = nil
    /// Extra response headers (e.g. `x-spider-cache`), sent after the standard ones.
    var headers: [(name: String, value: String)] = []

    static func json<T: Encodable>(_ value: T, status: HTTPResponseStatus = .ok) throws -> APIResponse {
        APIResponse(status: status, body: Array(try JSONCoding.encoder.encode(value)))
    }

    /// Passes through JSON that is already encoded.
    static func raw(_ data: Data) -> APIResponse { APIResponse(status: .ok, body: Array(data)) }

    static func error(_ e: HostError) -> APIResponse {
        struct Envelope: Encodable { var message: String }
        let body = (try? JSONCoding.encoder.encode(Envelope(message: e.message))).map(Array.init) ?? Array("{}".utf8)
        return APIResponse(status: HTTPResponseStatus(statusCode: e.status), body: body, retryAfterSeconds: e.retryAfterSeconds)
    }

    static let ok = try! APIResponse.json(BooleanInfo(true))
}

enum JSONCoding {
    /// Keys sorted: the same answer is the same bytes in every process (Foundation's keyed
    /// containers otherwise follow a per-process hash order), so scripts can diff and cache it.
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return e
    }()
}
