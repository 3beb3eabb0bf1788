// A stored resource with its JSON kept beside it: reads answer with the bytes (EncodedJSON)
// instead of encoding the same value on every call. Saved to disk as the plain value.
import Foundation
import SpiderDriverKit

struct Encoded<Value: Codable & Sendable>: Codable, Sendable {
    var value: Value {
        didSet { json = Self.encode(value) }
    }
    private(set) var json: Data

    init(_ value: Value) {
        self.value = value
        json = Self.encode(value)
    }

    init(from decoder: any Decoder) throws {
        self.init(try Value(from: decoder))
    }

    func encode(to encoder: any Encoder) throws {
        try value.encode(to: encoder)
    }

    /// The answer for a get operation.
    var answer: EncodedJSON { EncodedJSON(json) }

    private static func encode(_ value: Value) -> Data {
        // Encoding a Codable value of the documented shapes cannot fail; "{}" keeps reads safe if it ever did.
        (try? DriverJSON.encoder.encode(value)) ?? Data("{}".utf8)
    }
}
