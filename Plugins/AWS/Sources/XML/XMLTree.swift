// A parsed XML document as a small tree named by local element names: AWS answers in the
// namespace http://ec2.amazonaws.com/doc/2016-11-15/ and moto without the trailing slash, so
// namespaces and prefixes are dropped.
import Foundation

struct XMLNode: Sendable {
    let name: String
    var children: [XMLNode] = []
    /// The element's own character data (whitespace around child elements dropped).
    var text: String = ""

    /// The first child named `name`.
    func child(_ name: String) -> XMLNode? { children.first { $0.name == name } }

    /// The first descendant along `path` (each step a child name).
    func find(_ path: String...) -> XMLNode? { find(path) }

    func find(_ path: [String]) -> XMLNode? {
        var node: XMLNode? = self
        for step in path { node = node?.child(step) }
        return node
    }

    /// The trimmed text of the child `name`, or "" when it is absent.
    func string(_ name: String) -> String {
        (child(name)?.text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The `<item>` children of the child `list` (EC2's lists: `<vpcSet><item>…</item></vpcSet>`).
    func items(_ list: String) -> [XMLNode] {
        child(list)?.children.filter { $0.name == "item" } ?? []
    }

    /// The `<item>` children of the node at `path`.
    func items(at path: String...) -> [XMLNode] {
        find(path)?.children.filter { $0.name == "item" } ?? []
    }

    /// EC2's `tagSet` as key → value.
    var tags: [(key: String, value: String)] {
        items("tagSet").map { ($0.string("key"), $0.string("value")) }
    }

    /// The value of the tag `key`, if the resource has it.
    func tag(_ key: String) -> String? { tags.first { $0.key == key }?.value }
}
