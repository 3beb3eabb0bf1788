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
    /// Routes by segment count and first segment after `/spider`: a request only tries the few
    /// routes of its own shape (matching is on every request's path).
    private var buckets: [Bucket: [Route]] = [:]

    private struct Bucket: Hashable {
        var count: Int
        var resource: Substring
    }

    /// GET routes default to `.ioThreadFirst`, the others to `.worker`.
    mutating func add(_ method: HTTPMethod, _ pattern: String, execution: Execution? = nil, _ handler: @escaping Route.Handler) {
        let segments = pattern.split(separator: "/")
        precondition(segments.count >= 2 && segments[1].first != "{", "routes start with two literal segments")
        buckets[Bucket(count: segments.count, resource: segments[1]), default: []].append(
            Route(method: method, segments: segments, execution: execution ?? (method == .GET ? .ioThreadFirst : .worker),
                  handler: handler))
    }

    enum Match {
        case found(Route, [String: String])
        case wrongMethod(allowed: [HTTPMethod])
        case notFound
    }

    func match(_ method: HTTPMethod, _ path: String) -> Match {
        let parts = path.split(separator: "/")
        guard parts.count >= 2, let candidates = buckets[Bucket(count: parts.count, resource: parts[1])] else { return .notFound }
        var allowed: [HTTPMethod] = []
        for route in candidates {
            var params: [String: String] = [:]
            var ok = true
            for (pattern, part) in zip(route.segments, parts) {
                if pattern.first == "{" {
                    params[String(pattern.dropFirst().dropLast())] = decodeComponent(part, plusIsSpace: false)
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
    // Split on the UTF-8 bytes ('&' and '=' are ASCII): cheaper than by Character, same result.
    for pair in query.utf8.split(separator: UInt8(ascii: "&")) {
        let equals = pair.firstIndex(of: UInt8(ascii: "="))
        let name = Substring(query.utf8[pair.startIndex..<(equals ?? pair.endIndex)])
        let value = equals.map { Substring(query.utf8[query.utf8.index(after: $0)..<pair.endIndex]) }
        out[decodeComponent(name, plusIsSpace: true)] = value.map { decodeComponent($0, plusIsSpace: true) } ?? ""
    }
    return out
}

/// Percent-decodes a URL component; most have nothing to decode, so those are only copied.
func decodeComponent(_ part: Substring, plusIsSpace: Bool) -> String {
    guard part.utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) else {
        return String(part)
    }
    let text = plusIsSpace ? part.replacingOccurrences(of: "+", with: " ") : String(part)
    return text.removingPercentEncoding ?? text
}
