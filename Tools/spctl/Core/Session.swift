// One spctl run's conversation with the host: send a request, turn a failure into the exit code
// its class deserves, and print the answer in the chosen format.
import Foundation
import SpiderClient

struct Session {
    let global: GlobalOptions
    let client: SpiderClient

    init(_ global: GlobalOptions) {
        self.global = global
        client = SpiderClient(socketPath: global.socketPath, timeoutSeconds: global.timeout)
    }

    /// Sends a request; any non-2xx answer throws the matching SpctlFailure.
    @discardableResult
    func send(_ method: String, _ path: String, json: Any? = nil) throws -> SpiderResponse {
        let response: SpiderResponse
        do {
            if let json {
                response = try client.request(method, "/spider" + path, body: try JSONSerialization.data(withJSONObject: json))
            } else {
                response = try client.request(method, "/spider" + path)
            }
        } catch let error as SpiderClientError {
            if case .noHost = error { throw SpctlFailure(.unreachable, "\(error)") }
            throw SpctlFailure(.serverFailure, "\(error)")
        }
        guard (200..<300).contains(response.status) else {
            throw SpctlFailure.from(status: response.status, message: response.message)
        }
        return response
    }

    /// Sends a request and prints the answer (`table` says how to lay it out as a table).
    func run(_ method: String, _ path: String, json: Any? = nil, table: TableSpec? = nil) throws {
        print(try send(method, path, json: json), table: table)
    }

    func print(_ response: SpiderResponse, table: TableSpec? = nil) {
        Terminal.out(Render.render(response.body, format: global.format, table: table, color: global.decorated))
    }
}

/// Builds `?a=b&c=d` from the pairs that have a value, percent-encoding them.
func query(_ pairs: [(String, String?)]) -> String {
    let allowed = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+?#"))
    let parts = pairs.compactMap { key, value in
        value.map { "\(key)=\($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0)" }
    }
    return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
}

/// A path segment, percent-encoded.
func segment(_ name: String) -> String {
    name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))) ?? name
}
