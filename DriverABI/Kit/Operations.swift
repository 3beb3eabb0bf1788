// A table of typed operation handlers: JSON in, Codable request, Codable result, JSON out.
import Foundation
import SpiderModels

/// A result that is already JSON (e.g. kept beside a stored resource): returned as it is,
/// without encoding again. The driver vouches that it has the operation's documented shape.
public struct EncodedJSON: Encodable, Sendable {
    public let data: Data
    public init(_ data: Data) { self.data = data }

    public func encode(to encoder: any Encoder) throws {
        throw EncodingError.invalidValue(data, .init(codingPath: encoder.codingPath,
                                                     debugDescription: "EncodedJSON is returned as it is, never nested"))
    }
}

/// A request with no fields (list operations).
public struct EmptyRequest: Codable, Sendable {
    public init() {}
}

public struct Operations<Connection>: Sendable {
    struct Handler: Sendable {
        /// May be tried at once on the host's I/O thread (`try_call`).
        let immediate: Bool
        let run: @Sendable (Connection, Data, CallContext) throws -> Data
    }
    var handlers: [String: Handler] = [:]

    public init() {}

    /// Answer `name` with `body`. The request JSON is decoded as `Request`; a decoding error
    /// becomes INVALID_ARGUMENT naming the field.
    ///
    /// `immediate: true` lets the host try the operation on its I/O thread (`try_call`) for
    /// operations that change nothing and usually answer from memory. The body must then never
    /// block: before anything that might (I/O, sleep, a wait), call `try context.mayBlock()`,
    /// which declines the immediate attempt so the host retries it on a worker thread.
    public func on<Request: Decodable & Sendable, Result: Encodable & Sendable>(
        _ name: String, immediate: Bool = false,
        _ body: @escaping @Sendable (Connection, Request, CallContext) throws -> Result
    ) -> Operations {
        var copy = self
        copy.handlers[name] = Handler(immediate: immediate) { connection, json, context in
            let request: Request
            do {
                if Request.self == IIDRequest.self, let plain = IIDRequestJSON.decode(json) {
                    request = plain as! Request   // the common get/delete request, read without JSONDecoder
                } else {
                    request = try JSONDecoder().decode(Request.self, from: json)
                }
            } catch let error as DecodingError {
                throw DriverError.invalidArgument("\(name): \(DecodingErrorText.describe(error))")
            }
            let result = try body(connection, request, context)
            if let encoded = result as? EncodedJSON { return encoded.data }
            return try DriverJSON.encoder.encode(result)
        }
        return copy
    }

    func isImmediate(_ name: String) -> Bool { handlers[name]?.immediate ?? false }

    /// The operation names, for diagnostics.
    public var names: [String] { handlers.keys.sorted() }

    func dispatch(_ connection: Connection, _ name: String, _ json: Data, _ context: CallContext) throws -> Data {
        guard let handler = handlers[name] else {
            throw DriverError.unsupported("operation '\(name)' is not supported by this driver")
        }
        return try handler.run(connection, json, context)
    }
}

/// How the kit writes results: like the host, without escaping "/" (so "Linux/UNIX" stays readable).
public enum DriverJSON {
    public static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        // Sorted keys: the same answer is the same bytes in every process (the host passes some through).
        e.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return e
    }()
}
