// A public key given to keypair.create to import: an OpenSSH line `<type> <base64> [comment]`.
// The Mock keeps the line as given (trimmed) and fingerprints the decoded blob as it does its own
// keys (KeyMaterial.fingerprint); no private key exists.
import Foundation

struct ImportedPublicKey {
    /// Known types with how many SSH wire strings their blob holds (type, then rsa: e, n;
    /// ed25519: the key; ecdsa: curve, point).
    static let types: [String: Int] = ["ssh-rsa": 3, "ssh-ed25519": 2, "ecdsa-sha2-nistp256": 3,
                                       "ecdsa-sha2-nistp384": 3, "ecdsa-sha2-nistp521": 3]

    let publicKey: String
    let fingerprint: String

    /// The key in `line`, or INVALID_ARGUMENT naming `field`: not one line of type and key, an
    /// unknown type, a key part that is not base64, or a blob that is not a key of that type.
    init(_ line: String, field: String) throws {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard parts.count >= 2, !trimmed.contains(where: \.isNewline) else {
            throw MockError.invalid(field, "not an OpenSSH public key line (<type> <base64> [comment])")
        }
        guard let fieldCount = Self.types[parts[0]] else { throw MockError.invalid(field, "unknown key type '\(parts[0].prefix(40))'") }
        guard let decoded = Data(base64Encoded: parts[1]) else { throw MockError.invalid(field, "the key is not base64") }
        let blob = [UInt8](decoded)
        var strings: [ArraySlice<UInt8>] = [], at = 0
        while at + 4 <= blob.count {
            let length = Int(blob[at]) << 24 | Int(blob[at + 1]) << 16 | Int(blob[at + 2]) << 8 | Int(blob[at + 3])
            guard length <= blob.count - at - 4 else { break }
            strings.append(blob[(at + 4)..<(at + 4 + length)])
            at += 4 + length
        }
        guard at == blob.count, strings.count == fieldCount, String(decoding: strings[0], as: UTF8.self) == parts[0] else {
            throw MockError.invalid(field, "the key is not a \(parts[0]) key")
        }
        publicKey = trimmed
        fingerprint = try KeyMaterial.fingerprint(ofBlob: blob)
    }
}
