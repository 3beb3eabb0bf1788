// Maps method + path to a handler. Patterns use `{Name}` segments; a path that exists with a
// different method is a 405, an unknown path a 404 — both in the JSON error envelope.
import Foundation
import NIOHTTP1

/// Where a route's handler runs.
enum Execution: Sendable {
    /// Cheap and never blocks (health): always on the I/O thread.
    case ioThread
    /// Reads: tried on the I/O thread first, where the driver may answer at once (`try_call`);
    /// anything that would block sends the request on to a worker thread.
    case ioThreadFirst
    /// Changes, or anything that blocks: on a worker thread.
    case worker
}

struct Route: Sendable {
    typealias Handler = @Sendable (SpiderApp, APIRequest) throws -> APIResponse
    let method: HTTPMethod
    let segments: [Substring]
    let execution: Execution
    let handler: Handler
}

struct Router: Sendable {
    private var routes: [Route] = []

    /// GET routes default to `.ioThreadFirst`, the others to `.worker`.
    mutating func add(_ method: HTTPMethod, _ pattern: String, execution: Execution? = nil, _ handler: @escaping Route.Handler) {
        routes.append(Route(method: method, segments: pattern.split(separator: "/"),
                            execution: execution ?? (method == .GET ? .ioThreadFirst : .worker), handler: handler))
    }

    enum Match {
        case found(Route, [String: String])
        case wrongMethod(allowed: [HTTPMethod])
        case notFound
    }

    func match(_ method: HTTPMethod, _ path: String) -> Match {
        let parts = path.split(separator: "/")
        var allowed: [HTTPMethod] = []
        for route in routes where route.segments.count == parts.count {
            var params: [String: String] = [:]
            var ok = true
            for (pattern, part) in zip(route.segments, parts) {
                if pattern.first == "{" {
                    params[String(pattern.dropFirst().dropLast())] = String(part).removingPercentEncoding ?? String(part)
                } else if pattern != part {
                    ok = false
                    break
                }
            }
            guard ok else { continue }
            if route.method == method { return .found(route, params) }
            allowed.append(route.method)
        }
        return allowed.isEmpty ? .notFound : .wrongMethod(allowed: allowed)
    }
}

/// Splits `a=1&b=two` into a dictionary, percent-decoding keys and values.
func parseQuery(_ query: Substring) -> [String: String] {
    var out: [String: String] = [:]
    for pair in query.split(separator: "&") {
        let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let key = String(kv[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(kv[0])
        let raw = kv.count > 1 ? String(kv[1]) : ""
        out[key] = raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? raw
    }
    return out
}
