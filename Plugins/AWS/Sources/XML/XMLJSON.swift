// An XML subtree as JSON, for CB-Spider's "org" answers that pass on the cloud's own record:
import Foundation
// `<xSet><item>…</item></xSet>` becomes an array, other elements with children objects, leaves strings.
import SpiderModels

extension XMLNode {
    var json: JSONValue {
        if children.isEmpty { return .string(text.trimmingCharacters(in: .whitespacesAndNewlines)) }
        if children.allSatisfy({ $0.name == "item" }) { return .array(children.map(\.json)) }
        var object: [String: JSONValue] = [:]
        for child in children { object[child.name] = child.json }
        return .object(object)
    }
}
