// A JSON object that names one key twice means two things at once: CB-Spider (Go) would take the
// last value, Foundation's decoder takes the first, and a driver's parser may do either. Rather
// than pick one silently, the host refuses such a body with 400 naming the key.
enum DuplicateJSONKeys {
    /// The first key named twice in one object, as a path ("ReqInfo.Name"); nil when there is none
    /// or the text is not JSON (the decoder then says what is wrong).
    static func first(in bytes: [UInt8]) -> String? {
        var scanner = Scanner(bytes: bytes)
        return try? scanner.value(path: "")
    }

    private struct NotJSON: Error {}

    private struct Scanner {
        let bytes: [UInt8]
        var at = 0

        /// Scans one value; answers the first duplicate's path inside it, if any.
        mutating func value(path: String) throws -> String? {
            skipSpace()
            guard at < bytes.count else { throw NotJSON() }
            switch bytes[at] {
            case UInt8(ascii: "{"): return try object(path: path)
            case UInt8(ascii: "["): return try array(path: path)
            case UInt8(ascii: "\""): _ = try string(); return nil
            default: try scalar(); return nil
            }
        }

        private mutating func object(path: String) throws -> String? {
            at += 1
            var seen = Set<String>()
            skipSpace()
            if peek == UInt8(ascii: "}") { at += 1; return nil }
            while true {
                skipSpace()
                guard peek == UInt8(ascii: "\"") else { throw NotJSON() }
                let key = try string()
                let keyPath = path.isEmpty ? key : path + "." + key
                if !seen.insert(key).inserted { return keyPath }
                skipSpace()
                guard peek == UInt8(ascii: ":") else { throw NotJSON() }
                at += 1
                if let found = try value(path: keyPath) { return found }
                skipSpace()
                switch peek {
                case UInt8(ascii: ","): at += 1
                case UInt8(ascii: "}"): at += 1; return nil
                default: throw NotJSON()
                }
            }
        }

        private mutating func array(path: String) throws -> String? {
            at += 1
            skipSpace()
            if peek == UInt8(ascii: "]") { at += 1; return nil }
            var index = 0
            while true {
                if let found = try value(path: "\(path)[\(index)]") { return found }
                index += 1
                skipSpace()
                switch peek {
                case UInt8(ascii: ","): at += 1
                case UInt8(ascii: "]"): at += 1; return nil
                default: throw NotJSON()
                }
            }
        }

        /// A string token, its escapes decoded (keys compare by what they say, not how).
        private mutating func string() throws -> String {
            at += 1
            var scalars = String.UnicodeScalarView()
            var raw: [UInt8] = []
            func flush() {
                scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
                raw.removeAll()
            }
            while at < bytes.count {
                let byte = bytes[at]
                at += 1
                switch byte {
                case UInt8(ascii: "\""):
                    flush()
                    return String(scalars)
                case UInt8(ascii: "\\"):
                    flush()
                    guard at < bytes.count else { throw NotJSON() }
                    let escape = bytes[at]
                    at += 1
                    switch escape {
                    case UInt8(ascii: "u"):
                        var unit = try hex4()
                        if (0xD800..<0xDC00).contains(unit), at + 1 < bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") {
                            at += 2
                            let low = try hex4()
                            unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                        }
                        scalars.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
                    case UInt8(ascii: "b"): scalars.append("\u{8}")
                    case UInt8(ascii: "f"): scalars.append("\u{C}")
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    default: scalars.append(Unicode.Scalar(escape))
                    }
                default:
                    raw.append(byte)
                }
            }
            throw NotJSON()
        }

        private mutating func hex4() throws -> UInt32 {
            guard at + 4 <= bytes.count, let value = UInt32(String(decoding: bytes[at..<(at + 4)], as: UTF8.self), radix: 16) else {
                throw NotJSON()
            }
            at += 4
            return value
        }

        /// A number, true, false or null: whatever runs up to the next delimiter.
        private mutating func scalar() throws {
            let start = at
            while at < bytes.count, !",]} \t\r\n".utf8.contains(bytes[at]) { at += 1 }
            guard at > start else { throw NotJSON() }
        }

        private var peek: UInt8? { at < bytes.count ? bytes[at] : nil }

        private mutating func skipSpace() {
            while at < bytes.count, " \t\r\n".utf8.contains(bytes[at]) { at += 1 }
        }
    }
}
