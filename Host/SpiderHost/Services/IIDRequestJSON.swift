// `{"IId":{"NameId":…,"SystemId":…}}` — the request of every get, delete, status and control
// call — written directly. On a cached read JSONEncoder cost more than the rest of the host's
// own work (perf, Tools/bench), and this shape never changes within ABI v1.
import SpiderModels

enum IIDRequestJSON {
    static func encode(_ request: IIDRequest) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(48 + request.IId.NameId.utf8.count + request.IId.SystemId.utf8.count)
        out.append(contentsOf: #"{"IId":{"NameId":"#.utf8)
        appendString(request.IId.NameId, to: &out)
        out.append(contentsOf: #","SystemId":"#.utf8)
        appendString(request.IId.SystemId, to: &out)
        out.append(contentsOf: "}}".utf8)
        return out
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
