// `{"IId":{"NameId":…,"SystemId":…}}` — the request of every get, delete, status and control
// call — written and read directly. On a cached read, JSONEncoder in the host and JSONDecoder in
// the driver each cost more than the rest of that side's own work (perf, Tools/bench), and this
// shape never changes within ABI v1. The reader takes only the exact shape the writer makes; for
// anything else it answers nil and the caller decodes with JSONDecoder as usual.
import Foundation

public enum IIDRequestJSON {
    public static func encode(_ request: IIDRequest) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(48 + request.IId.NameId.utf8.count + request.IId.SystemId.utf8.count)
        out.append(contentsOf: prefix)
        appendString(request.IId.NameId, to: &out)
        out.append(contentsOf: middle)
        appendString(request.IId.SystemId, to: &out)
        out.append(contentsOf: suffix)
        return out
    }

    /// The request in `json` when it is exactly what `encode` writes for strings without escapes;
    /// nil otherwise (other spacing, key order, escapes, invalid UTF-8: JSONDecoder's business).
    public static func decode(_ json: Data) -> IIDRequest? {
        json.withUnsafeBytes { raw -> IIDRequest? in
            let bytes = raw.bindMemory(to: UInt8.self)
            var at = 0
            guard skip(prefix, bytes, &at), let name = plainString(bytes, &at),
                  skip(middle, bytes, &at), let system = plainString(bytes, &at),
                  skip(suffix, bytes, &at), at == bytes.count else { return nil }
            return IIDRequest(IId: IID(NameId: name, SystemId: system))
        }
    }

    private static let prefix = Array(#"{"IId":{"NameId":"#.utf8)
    private static let middle = Array(#","SystemId":"#.utf8)
    private static let suffix = Array("}}".utf8)

    private static func skip(_ expected: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>, _ at: inout Int) -> Bool {
        guard bytes.count - at >= expected.count else { return false }
        for byte in expected {
            guard bytes[at] == byte else { return false }
            at += 1
        }
        return true
    }

    /// A string literal with no escape and no control character, as valid UTF-8.
    private static func plainString(_ bytes: UnsafeBufferPointer<UInt8>, _ at: inout Int) -> String? {
        guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { return nil }
        let start = at + 1
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
            guard bytes[end] != UInt8(ascii: "\\"), bytes[end] >= 0x20 else { return nil }
            end += 1
        }
        guard end < bytes.count else { return nil }
        at = end + 1
        return String(validating: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    /// A JSON string literal (RFC 8259): quote, backslash and control characters escaped.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case 0..<0x20:
                out.append(contentsOf: Array(#"\u00"#.utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
