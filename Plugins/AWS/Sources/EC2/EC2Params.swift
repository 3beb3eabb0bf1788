// EC2 Query parameters: ordered name/value pairs, with helpers for EC2's numbered lists
// (`Filter.1.Name`, `TagSpecification.1.Tag.1.Key`, `VpcId.1`).
import SpiderModels

struct EC2Params: Sendable, ExpressibleByDictionaryLiteral {
    private(set) var pairs: [(name: String, value: String)] = []

    init() {}

    init(dictionaryLiteral elements: (String, String)...) {
        pairs = elements.map { ($0.0, $0.1) }
    }

    subscript(name: String) -> String? {
        get { pairs.first { $0.name == name }?.value }
        set {
            pairs.removeAll { $0.name == name }
            if let newValue { pairs.append((name, newValue)) }
        }
    }

    mutating func add(_ name: String, _ value: String) { pairs.append((name, value)) }

    /// `<prefix>.1`, `<prefix>.2`, … (e.g. `VpcId.1`).
    mutating func list(_ prefix: String, _ values: [String]) {
        for (i, v) in values.enumerated() { add("\(prefix).\(i + 1)", v) }
    }

    /// A `Filter.N` with its values; numbered after the filters already present.
    mutating func filter(_ name: String, _ values: [String]) {
        let n = pairs.filter { $0.name.hasPrefix("Filter.") && $0.name.hasSuffix(".Name") }.count + 1
        add("Filter.\(n).Name", name)
        for (i, v) in values.enumerated() { add("Filter.\(n).Value.\(i + 1)", v) }
    }

    /// Tags applied at creation: `TagSpecification.N.ResourceType` and its `Tag.M.Key/Value`.
    /// `Name` = the Spider name comes first; a user tag named Name is left out (the name wins).
    mutating func tagSpecification(_ resourceType: String, name: String, tags: [KeyValue]?) {
        let n = pairs.filter { $0.name.hasPrefix("TagSpecification.") && $0.name.hasSuffix(".ResourceType") }.count + 1
        add("TagSpecification.\(n).ResourceType", resourceType)
        let all = [KeyValue(Key: "Name", Value: name)] + (tags ?? []).filter { $0.Key != "Name" }
        for (i, tag) in all.enumerated() {
            add("TagSpecification.\(n).Tag.\(i + 1).Key", tag.Key)
            add("TagSpecification.\(n).Tag.\(i + 1).Value", tag.Value)
        }
    }
}
