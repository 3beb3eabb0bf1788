// JSON values as YAML (block style). Strings are quoted whenever YAML could read them as something
// else, so `spctl -o yaml` output reads back as the same data.
import Foundation

enum YAML {
    static func emit(_ value: Any) -> String {
        var out = ""
        write(value, indent: 0, into: &out, inList: false)
        return out.hasSuffix("\n") ? out : out + "\n"
    }

    private static func write(_ value: Any, indent: Int, into out: inout String, inList: Bool) {
        let pad = String(repeating: "  ", count: indent)
        switch value {
        case let o as [String: Any]:
            if o.isEmpty { out += "{}\n"; return }
            for (i, key) in o.keys.sorted().enumerated() {
                let prefix = (inList && i == 0) ? "" : pad
                out += prefix + quote(key) + ":"
                writeChild(o[key]!, indent: indent + 1, into: &out)
            }
        case let list as [Any]:
            if list.isEmpty { out += "[]\n"; return }
            for (i, item) in list.enumerated() {
                out += ((inList && i == 0) ? "" : pad) + "- "
                if let o = item as? [String: Any], !o.isEmpty {
                    write(o, indent: indent + 1, into: &out, inList: true)
                } else if let l = item as? [Any], !l.isEmpty {
                    out += "\n"
                    write(l, indent: indent + 1, into: &out, inList: false)
                } else {
                    out += scalar(item) + "\n"
                }
            }
        default:
            out += pad + scalar(value) + "\n"
        }
    }

    private static func writeChild(_ value: Any, indent: Int, into out: inout String) {
        if let o = value as? [String: Any], !o.isEmpty {
            out += "\n"
            write(o, indent: indent, into: &out, inList: false)
        } else if let l = value as? [Any], !l.isEmpty {
            out += "\n"
            write(l, indent: indent, into: &out, inList: false)
        } else {
            out += " " + scalar(value) + "\n"
        }
    }

    static func scalar(_ value: Any) -> String {
        switch value {
        case is NSNull: return "null"
        case let n as NSNumber: return n.jsonText
        case let s as String: return quote(s)
        case let o as [String: Any] where o.isEmpty: return "{}"
        case let l as [Any] where l.isEmpty: return "[]"
        default: return quote("\(value)")
        }
    }

    /// Plain when unambiguous, else double-quoted JSON-style.
    static func quote(_ s: String) -> String {
        let special = ["", "null", "~", "true", "false", "yes", "no", "on", "off", "y", "n"]
        let plain = !special.contains(s.lowercased()) && Double(s) == nil
            && s.range(of: #"^[A-Za-z0-9_./@()+-][A-Za-z0-9 _./@()+-]*$"#, options: .regularExpression) != nil
            && !s.hasSuffix(" ")
        if plain { return s }
        let data = try? JSONSerialization.data(withJSONObject: [s], options: [.fragmentsAllowed])
        let text = data.map { String(decoding: $0, as: UTF8.self) } ?? "[\"\"]"
        return String(text.dropFirst().dropLast())
    }
}
