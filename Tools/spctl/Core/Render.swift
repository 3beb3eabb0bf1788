// The host's JSON as a table, as YAML, or exactly as it came.
import Foundation

/// How a kind of answer reads as a table: the array to list (by its key) and the columns, each a
/// title and a dotted path into one element ("IId.NameId"; "#SubnetInfoList" counts an array).
struct TableSpec {
    var listKey: String?
    var columns: [(title: String, path: String)]

    init(list listKey: String? = nil, _ columns: [(String, String)]) {
        self.listKey = listKey
        self.columns = columns.map { (title: $0.0, path: $0.1) }
    }
}

enum Render {
    static func render(_ body: Data, format: OutputFormat, table: TableSpec?, color: Bool) -> String {
        switch format {
        case .json:
            let text = String(decoding: body, as: UTF8.self)
            return text.hasSuffix("\n") ? text : text + "\n"
        case .yaml:
            guard let value = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) else {
                return String(decoding: body, as: UTF8.self) + "\n"
            }
            return YAML.emit(value)
        case .table:
            guard let value = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) else {
                return String(decoding: body, as: UTF8.self) + "\n"
            }
            return TableText.render(value, spec: table, color: color)
        }
    }

    /// The value at a dotted path ("IId.NameId", "#List" = the list's length), as text.
    static func text(at path: String, in value: Any) -> String {
        if path.hasPrefix("#") {
            return (lookup(String(path.dropFirst()), in: value) as? [Any]).map { String($0.count) } ?? ""
        }
        return scalar(lookup(path, in: value))
    }

    static func lookup(_ path: String, in value: Any) -> Any? {
        var current: Any? = value
        for key in path.split(separator: ".") {
            current = (current as? [String: Any])?[String(key)]
        }
        return current
    }

    /// A scalar as text; arrays of scalars joined by commas; key-value lists as k=v; objects by their name.
    static func scalar(_ value: Any?) -> String {
        switch value {
        case nil, is NSNull: return ""
        case let s as String: return s
        case let n as NSNumber: return n.jsonText
        case let list as [Any]:
            return list.map { item in
                if let kv = item as? [String: Any], let k = kv["Key"] { return "\(scalar(k))=\(scalar(kv["Value"]))" }
                if let o = item as? [String: Any], let name = (o["IId"] as? [String: Any])?["NameId"] ?? o["NameId"] ?? o["Name"] { return scalar(name) }
                return scalar(item)
            }.joined(separator: ",")
        case let o as [String: Any]:
            if let name = o["NameId"] { return scalar(name) }
            let data = try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys])
            return data.map { String(decoding: $0, as: UTF8.self) } ?? ""
        default: return "\(value!)"
        }
    }
}

enum TableText {
    static func render(_ value: Any, spec: TableSpec?, color: Bool) -> String {
        // A list answer: {"vpc": [...]} (or the spec's key), or a bare array.
        let rows: [Any]?
        if let key = spec?.listKey { rows = Render.lookup(key, in: value) as? [Any] }
        else if let array = value as? [Any] { rows = array }
        else if let o = value as? [String: Any], o.count == 1, let only = o.values.first as? [Any] { rows = only }
        else { rows = nil }
        if let rows {
            let columns = spec?.columns ?? inferColumns(rows)
            let cells = rows.map { row in columns.map { Render.text(at: $0.path, in: row) } }
            return grid(columns.map(\.title), cells, color: color) + (rows.isEmpty ? "(none)\n" : "")
        }
        // One object: its fields, one per line (the spec's columns when given).
        if let o = value as? [String: Any] {
            let fields = spec?.columns ?? inferColumns([o])
            let width = fields.map(\.title.count).max() ?? 0
            return fields.map { f in
                Terminal.bold(f.title.padding(toLength: width, withPad: " ", startingAt: 0), color) + "  " + Render.text(at: f.path, in: o)
            }.joined(separator: "\n") + "\n"
        }
        return Render.scalar(value) + "\n"
    }

    /// Columns for rows without a spec: the name first, then scalar fields in the first row's order of keys.
    static func inferColumns(_ rows: [Any]) -> [(title: String, path: String)] {
        guard let first = rows.first as? [String: Any] else { return [("VALUE", "")] }
        var columns: [(title: String, path: String)] = []
        if first["IId"] != nil { columns += [("NAME", "IId.NameId"), ("CSP ID", "IId.SystemId")] }
        for key in first.keys.sorted() where key != "IId" {
            let v = first[key]
            if v is String || v is NSNumber || (v as? [Any])?.allSatisfy({ !($0 is [Any]) }) == true || (v as? [String: Any])?["NameId"] != nil {
                columns.append((key, key))
            }
        }
        return columns
    }

    static func grid(_ titles: [String], _ rows: [[String]], color: Bool) -> String {
        let clipped = rows.map { $0.map { $0.count > 60 ? String($0.prefix(57)) + "..." : $0 } }
        var widths = titles.map(\.count)
        for row in clipped { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var out = Terminal.bold(line(titles.map { $0.uppercased() }), color) + "\n"
        for row in clipped { out += line(row) + "\n" }
        return out
    }
}

extension NSNumber {
    /// `true`/`false` for JSON booleans (Foundation's boolean NSNumber has objCType "c"), else the number.
    var jsonText: String {
        String(cString: objCType) == "c" ? (boolValue ? "true" : "false") : stringValue
    }
}
