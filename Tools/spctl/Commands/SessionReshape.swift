// Tables that need more than dotted paths (a VM list with each VM's status, a security group's
// rules as one readable line): the answer is reshaped for the table only; JSON and YAML stay
// exactly the host's.
import Foundation

extension Session {
    /// Sends a request and prints the answer; for a table, `reshape` first turns the parsed answer
    /// into what `table` lays out.
    func run(_ method: String, _ path: String, json: Any? = nil, table: TableSpec?, reshape: (Any) throws -> Any) throws {
        let response = try send(method, path, json: json)
        printReshaped(response.body, table: table, reshape: reshape)
    }

    func printReshaped(_ body: Data, table: TableSpec?, reshape: (Any) throws -> Any) {
        guard global.format == .table, let value = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]),
              let shaped = try? reshape(value), let data = try? JSONSerialization.data(withJSONObject: shaped) else {
            Terminal.out(Render.render(body, format: global.format, table: table, color: global.decorated))
            return
        }
        Terminal.out(Render.render(data, format: .table, table: table, color: global.decorated))
    }
}

/// Applies `change` to each row of a list answer (`{"<key>": [...]}`) or to a single object.
func eachRow(_ key: String, _ change: @escaping (inout [String: Any]) -> Void) -> (Any) -> Any {
    { value in
        guard var object = value as? [String: Any] else { return value }
        if let list = object[key] as? [Any] {
            object[key] = list.map { item -> Any in
                guard var row = item as? [String: Any] else { return item }
                change(&row)
                return row
            }
        } else {
            change(&object)
        }
        return object
    }
}

/// "TCP:80" from a {Protocol, Port} object.
func protocolPort(_ value: Any?) -> String {
    guard let o = value as? [String: Any] else { return "" }
    return [Render.scalar(o["Protocol"]), Render.scalar(o["Port"])].filter { !$0.isEmpty }.joined(separator: ":")
}
