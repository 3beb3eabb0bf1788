// A forward-only walk over a JSON object's bytes that never builds a tree: it reads keys and
// finds where each value starts and ends (strings, escapes and nesting tracked), so a caller can
// decode one member of a multi-GB offer file at a time and skip the rest at memchr speed.
#if canImport(Glibc)
import Glibc
#endif
import Foundation

final class OfferFileScanner {
    /// Why the bytes are not the JSON the walk expects, with the byte offset where it noticed.
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    private let base: UnsafePointer<UInt8>?
    private let end: Int
    /// The next byte to read.
    private(set) var position: Int
    /// True right after `beginObject`: the next token may be '}' but not ','.
    private var atFirstMember = false
    private var openObjects = 0

    /// Walks `bytes[range]` (the whole buffer by default); offsets in errors are the buffer's.
    init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>? = nil) {
        base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let range = range ?? 0..<bytes.count
        position = range.lowerBound
        end = range.upperBound
    }

    /// The bytes of `range` (valid while the scanned buffer is).
    func slice(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base.map { UnsafeRawPointer($0 + range.lowerBound) }, count: range.count)
    }

    // MARK: - Objects

    /// Reads the '{' that opens an object.
    func beginObject() throws {
        skipWhitespace()
        guard position < end else { throw truncated("where an object should start") }
        guard byte(position) == UInt8(ascii: "{") else { throw unexpected("an object ('{')") }
        position += 1
        atFirstMember = true
        openObjects += 1
    }

    /// The key of the object's next member (the ':' read too), or nil after its closing '}'.
    func nextKey() throws -> String? {
        skipWhitespace()
        guard position < end else { throw truncated("inside an object") }
        if byte(position) == UInt8(ascii: "}") {
            position += 1
            atFirstMember = false
            openObjects -= 1
            return nil
        }
        if !atFirstMember {
            guard byte(position) == UInt8(ascii: ",") else { throw unexpected("',' or '}'") }
            position += 1
            skipWhitespace()
            guard position < end else { throw truncated("inside an object") }
        }
        atFirstMember = false
        guard byte(position) == UInt8(ascii: "\"") else { throw unexpected("a key (a string)") }
        let start = position
        position = try endOfString(from: start)
        let key = try string(start..<position)
        skipWhitespace()
        guard position < end else { throw truncated("after the key '\(key)'") }
        guard byte(position) == UInt8(ascii: ":") else { throw unexpected("':' after the key '\(key)'") }
        position += 1
        return key
    }

    /// Steps over the next value of any kind and answers its byte range.
    @discardableResult
    func skipValue() throws -> Range<Int> {
        skipWhitespace()
        guard position < end else { throw truncated("where a value should start") }
        let start = position
        switch byte(start) {
        case UInt8(ascii: "\""): position = try endOfString(from: start)
        case UInt8(ascii: "{"), UInt8(ascii: "["): position = try endOfNested(from: start)
        default: position = try endOfLiteral(from: start)
        }
        return start..<position
    }

    /// Checks that only whitespace follows the top-level value.
    func finish() throws {
        skipWhitespace()
        guard position == end else { throw unexpected("the end of the file") }
    }

    // MARK: - Values

    /// A string value or key at `range` (quotes included), its escapes decoded.
    func string(_ range: Range<Int>) throws -> String {
        let inner = slice(range.lowerBound + 1..<range.upperBound - 1)
        guard inner.contains(UInt8(ascii: "\\")) else { return String(decoding: inner, as: UTF8.self) }
        let decoded = try? JSONSerialization.jsonObject(with: Data(slice(range)), options: .fragmentsAllowed)
        guard let text = decoded as? String else {
            throw Malformed(description: "a string with a bad escape at byte \(range.lowerBound)")
        }
        return text
    }

    /// The index just past the string whose opening quote is at `start`.
    private func endOfString(from start: Int) throws -> Int {
        guard let base else { throw truncated("inside a string") }
        var from = start + 1
        while from < end {
            guard let hit = memchr(base + from, Int32(UInt8(ascii: "\"")), end - from) else { break }
            let quote = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            // The quote ends the string unless an odd run of backslashes escapes it.
            var backslashes = 0
            while quote - backslashes - 1 > start, base[quote - backslashes - 1] == UInt8(ascii: "\\") { backslashes += 1 }
            if backslashes % 2 == 0 { return quote + 1 }
            from = quote + 1
        }
        throw truncated("inside the string that starts at byte \(start)")
    }

    /// The index just past the object or array that opens at `start`, brackets matched by kind.
    private func endOfNested(from start: Int) throws -> Int {
        guard let base else { throw truncated("inside an object") }
        var closers: [UInt8] = []
        var i = start
        while i < end {
            switch base[i] {
            case UInt8(ascii: "\""):
                i = try endOfString(from: i)
                continue
            case UInt8(ascii: "{"): closers.append(UInt8(ascii: "}"))
            case UInt8(ascii: "["): closers.append(UInt8(ascii: "]"))
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard closers.last == base[i] else {
                    position = i
                    throw unexpected(closers.last.map { "'\(Character(Unicode.Scalar($0)))'" } ?? "a value")
                }
                closers.removeLast()
                if closers.isEmpty { return i + 1 }
            default: break
            }
            i += 1
        }
        throw truncated("inside the value that starts at byte \(start)")
    }

    /// The index just past a number, true, false or null.
    private func endOfLiteral(from start: Int) throws -> Int {
        var i = start
        while i < end, Self.isLiteralByte(byte(i)) { i += 1 }
        guard i > start else { throw unexpected("a value") }
        guard i < end else { throw truncated("inside the value that starts at byte \(start)") }
        return i
    }

    private static func isLiteralByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "E"): true
        default: false
        }
    }

    // MARK: - Bytes

    private func byte(_ i: Int) -> UInt8 { base![i] }

    private func skipWhitespace() {
        guard let base else { return }
        while position < end {
            switch base[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): position += 1
            default: return
            }
        }
    }

    private func truncated(_ place: String) -> Malformed {
        Malformed(description: "the file ends at byte \(end) \(place) (truncated?)")
    }

    private func unexpected(_ wanted: String) -> Malformed {
        guard position < end else { return truncated("where \(wanted) should be") }
        let found = byte(position)
        let shown = (0x20..<0x7f).contains(found) ? "'\(Character(Unicode.Scalar(found)))'" : "byte 0x\(String(found, radix: 16))"
        return Malformed(description: "expected \(wanted) at byte \(position), found \(shown)")
    }
}
