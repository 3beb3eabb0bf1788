// `--key K=V` style flags as the API's KeyValue lists ([{"Key": K, "Value": V}]).
import Foundation

enum KeyValueFlags {
    /// `K=V` texts as KeyValue objects; anything else is a usage error naming the flag.
    static func list(_ texts: [String], flag: String, example: String) throws -> [[String: String]] {
        try texts.map { text in
            let (key, value) = try pair(text, flag: flag, example: example)
            return ["Key": key, "Value": value]
        }
    }

    /// One `K=V` (the value may itself hold '=' and may be empty; the key may not).
    static func pair(_ text: String, flag: String, example: String) throws -> (String, String) {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
            throw SpctlFailure(.usage, "\(flag) '\(text)' must be <key>=<value>, e.g. \(flag) \(example)")
        }
        return (String(text[..<eq]), String(text[text.index(after: eq)...]))
    }

    /// Replaces (or adds) the entries of `list` whose keys `updates` names, keeping the others in order.
    static func merge(_ list: [[String: Any]], _ updates: [[String: String]]) -> [[String: Any]] {
        var out = list.filter { entry in !updates.contains { $0["Key"] == entry["Key"] as? String } }
        out += updates.map { $0 as [String: Any] }
        return out
    }
}
