// OpenStack's JSON read loosely: a missing key, a null or another type reads as empty, so a
// handler states what it needs without a Codable type per API shape (the APIs add fields often).
import Foundation
import SpiderModels

struct JSON: @unchecked Sendable {   // holds only JSONSerialization's immutable values
    let value: Any?

    init(_ value: Any?) { self.value = value }

    /// nil when the bytes are not JSON.
    static func parse(_ bytes: [UInt8]) -> JSON? {
        guard !bytes.isEmpty else { return JSON(nil) }
        return (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])).map(JSON.init)
    }

    static func encode(_ object: [String: Any]) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    subscript(key: String) -> JSON { JSON((value as? [String: Any])?[key]) }

    var exists: Bool { value != nil && !(value is NSNull) }

    /// A string, a number or a boolean as text; "" otherwise.
    var string: String {
        switch value {
        case let s as String: s
        case let n as NSNumber: JSON.isBoolean(n) ? (n.boolValue ? "true" : "false") : n.stringValue
        default: ""
        }
    }

    var int: Int? {
        switch value {
        case let n as NSNumber: n.intValue
        case let s as String: Int(s)
        default: nil
        }
    }

    var bool: Bool? {
        switch value {
        case let n as NSNumber: n.boolValue
        case let s as String: ["true", "True", "1"].contains(s) ? true : (["false", "False", "0"].contains(s) ? false : nil)
        default: nil
        }
    }

    var array: [JSON] { (value as? [Any])?.map(JSON.init) ?? [] }

    /// An object's entries, sorted by key (OpenStack's maps have no order of their own).
    var entries: [(key: String, value: JSON)] {
        ((value as? [String: Any]) ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, JSON($0.value)) }
    }

    var strings: [String] { array.map(\.string) }

    /// JSON's true and false arrive as NSNumber of the C type char ("c"); numbers never do.
    static func isBoolean(_ n: NSNumber) -> Bool { String(cString: n.objCType) == "c" }
}

extension JSON {
    /// The same value as Spider's `JSONValue` (for the `org` operations, which pass the cloud's JSON on).
    var jsonValue: JSONValue {
        switch value {
        case nil, is NSNull: return .null
        case let s as String: return .string(s)
        case let n as NSNumber:
            return JSON.isBoolean(n) ? .bool(n.boolValue) : .number(n.doubleValue)
        case let a as [Any]: return .array(a.map { JSON($0).jsonValue })
        case let o as [String: Any]: return .object(o.mapValues { JSON($0).jsonValue })
        default: return .null
        }
    }
}
