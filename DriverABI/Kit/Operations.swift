// A table of typed operation handlers: JSON in, Codable request, Codable result, JSON out.
import Foundation

/// A request with no fields (list operations).
public struct EmptyRequest: Codable, Sendable {
    public init() {}
}

public struct Operations<Connection>: Sendable {
    typealias Handler = @Sendable (Connection, Data, CallContext) throws -> Data
    var handlers: [String: Handler] = [:]

    public init() {}

    /// Answer `name` with `body`. The request JSON is decoded as `Request`; a decoding error
    /// becomes INVALID_ARGUMENT naming the field.
    public func on<Request: Decodable, Result: Encodable>(
        _ name: String,
        _ body: @escaping @Sendable (Connection, Request, CallContext) throws -> Result
    ) -> Operations {
        var copy = self
        copy.handlers[name] = { connection, json, context in
            let request: Request
            do {
                request = try JSONDecoder().decode(Request.self, from: json)
            } catch let error as DecodingError {
                throw DriverError.invalidArgument("\(name): \(DecodingErrorText.describe(error))")
            }
            return try JSONEncoder().encode(try body(connection, request, context))
        }
        return copy
    }

    /// The operation names, for diagnostics.
    public var names: [String] { handlers.keys.sorted() }

    func dispatch(_ connection: Connection, _ name: String, _ json: Data, _ context: CallContext) throws -> Data {
        guard let handler = handlers[name] else {
            throw DriverError.unsupported("operation '\(name)' is not supported by this driver")
        }
        return try handler(connection, json, context)
    }
}

/// Turns a DecodingError into a sentence that names the field.
public enum DecodingErrorText {
    public static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                .replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let ctx):
            let p = path(ctx.codingPath + [key])
            return "missing field '\(p)'"
        case .typeMismatch(let type, let ctx):
            return "field '\(path(ctx.codingPath))' must be \(typeName(type))"
        case .valueNotFound(let type, let ctx):
            return "field '\(path(ctx.codingPath))' must be \(typeName(type)), not null"
        case .dataCorrupted(let ctx):
            if ctx.codingPath.isEmpty { return "malformed JSON" }
            return "field '\(path(ctx.codingPath))': \(ctx.debugDescription)"
        @unknown default:
            return "invalid request"
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "a boolean"
        case is Int.Type, is Int32.Type, is Int64.Type, is UInt32.Type, is Double.Type: return "a number"
        case is [Any].Type: return "an array"
        default:
            let name = String(describing: type)
            return name.hasPrefix("Array") ? "an array" : (name.hasPrefix("Dictionary") ? "an object" : "an object (\(name))")
        }
    }
}
