// XMLParser (FoundationXML) events folded into an XMLNode tree.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

enum XMLTreeParser {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ bytes: [UInt8]) throws -> XMLNode {
        let parser = XMLParser(data: Data(bytes))
        let builder = Builder()
        parser.delegate = builder
        parser.shouldProcessNamespaces = true
        guard parser.parse(), let root = builder.root else {
            let reason = parser.parserError.map { "\($0)" } ?? builder.failure ?? "no root element"
            throw Failure(description: "malformed XML (\(reason)): \(String(decoding: bytes.prefix(200), as: UTF8.self))")
        }
        return root
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var stack: [XMLNode] = []
        var texts: [String] = []
        var root: XMLNode?
        var failure: String?

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            stack.append(XMLNode(name: Self.localName(elementName)))
            texts.append("")
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if !texts.isEmpty { texts[texts.count - 1] += string }
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            if !texts.isEmpty { texts[texts.count - 1] += String(decoding: CDATABlock, as: UTF8.self) }
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            guard var node = stack.popLast(), let text = texts.popLast() else { return }
            // Character data of an element with children is only indentation; a leaf keeps its
            // text exactly (key material's line breaks matter).
            node.text = node.children.isEmpty ? text : text.trimmingCharacters(in: .whitespacesAndNewlines)
            if stack.isEmpty { root = node } else { stack[stack.count - 1].children.append(node) }
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
            failure = "\(parseError)"
        }

        static func localName(_ name: String) -> String {
            name.split(separator: ":").last.map(String.init) ?? name
        }
    }
}
