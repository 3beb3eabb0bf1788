// A table of typed operation handlers: JSON in, Codable request, Codable result, JSON out.
import Foundation
import SpiderModels

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
    public func on<Request: Decodable & Sendable, Result: Encodable & Sendable>(
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
