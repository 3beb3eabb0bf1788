// An OpenSSH public key line as keypair.create's PublicKey takes it: `<type> <base64> [comment]` on
// one line, the type one Spider imports, and the decoded blob exactly that type's SSH wire strings
// (RFC 4251 §5: length-prefixed), the first naming the type. The host checks a request with it
// before any driver sees the key; a driver that imports may use it for the blob (e.g. to
// fingerprint it).
import Foundation

public struct OpenSSHPublicKeyLine: Sendable, Equatable {
    /// The types Spider imports, with how many wire strings their blob holds (the type, then rsa:
    /// e, n; ed25519: the key; ecdsa: curve, point).
    public static let types: [String: Int] = ["ssh-rsa": 3, "ssh-ed25519": 2, "ecdsa-sha2-nistp256": 3,
                                              "ecdsa-sha2-nistp384": 3, "ecdsa-sha2-nistp521": 3]

    /// What a valid line looks like, for error messages.
    public static let shape = "an OpenSSH public key line: <type> <base64> [comment], type one of "
        + types.keys.sorted().joined(separator: ", ")

    /// The line, trimmed.
    public let line: String
    public let type: String
    public let blob: [UInt8]

    /// The key in `text`, or a sentence saying what is wrong with it (never the whole key).
    public static func parse(_ text: String) -> Result<OpenSSHPublicKeyLine, Problem> {
        let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !line.isEmpty, !line.contains(where: \.isNewline) else { return .failure(Problem("is not \(shape)")) }
        let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let fieldCount = types[parts[0]] else {
            return .failure(Problem("has an unknown key type '\(parts[0].prefix(40))'; it must be \(shape)"))
        }
        guard parts.count >= 2 else { return .failure(Problem("has no key after '\(parts[0])'; it must be \(shape)")) }
        let blob = [UInt8](Data(base64Encoded: parts[1]) ?? Data())
        var strings: [ArraySlice<UInt8>] = [], at = 0
        while at + 4 <= blob.count {
            let length = Int(blob[at]) << 24 | Int(blob[at + 1]) << 16 | Int(blob[at + 2]) << 8 | Int(blob[at + 3])
            guard length <= blob.count - at - 4 else { break }
            strings.append(blob[(at + 4)..<(at + 4 + length)])
            at += 4 + length
        }
        guard !blob.isEmpty, at == blob.count, strings.count == fieldCount, String(decoding: strings[0], as: UTF8.self) == parts[0] else {
            return .failure(Problem("'\(parts[1].prefix(16))…' is not the base64 of a \(parts[0]) key; it must be \(shape)"))
        }
        return .success(OpenSSHPublicKeyLine(line: line, type: parts[0], blob: blob))
    }

    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
