import Foundation

/// Key and signature files: short `field: value` text lines, `#` comments allowed (format in Registry/README.md).
public struct PublicKeyFile: Sendable, Equatable {
    public var keyID: String
    public var publicKey: [UInt8]

    public init(publicKey: [UInt8]) throws {
        self.publicKey = publicKey
        self.keyID = try Ed25519.keyID(publicKey: publicKey)
    }

    public func text() -> String {
        "# Spider registry public key (Ed25519)\nkey-id: \(keyID)\npublic-key: \(Data(publicKey).base64EncodedString())\n"
    }

    public static func parse(_ text: String, source: String) throws -> PublicKeyFile {
        let fields = try KeyText.fields(text, source: source)
        let raw = try KeyText.bytes(fields, "public-key", count: 32, source: source)
        let file = try PublicKeyFile(publicKey: raw)
        // The id is derived from the key; a mismatched line means the file was edited or mixed up.
        if let id = fields["key-id"], id != file.keyID {
            throw RegistryError.crypto("\(source): key-id \(id) does not match its public key (\(file.keyID))")
        }
        return file
    }

    public static func read(_ path: String) throws -> PublicKeyFile {
        try parse(try KeyText.read(path), source: path)
    }
}

public enum PrivateKeyFile {
    /// Writes the seed to a file created 0600 (never briefly world-readable) and refuses to replace one.
    public static func write(_ pair: Ed25519.KeyPair, to path: String) throws {
        let id = try Ed25519.keyID(publicKey: pair.publicKey)
        let text = "# Spider registry private key (Ed25519) - keep secret\nkey-id: \(id)\nprivate-key: \(Data(pair.privateKey).base64EncodedString())\n"
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw RegistryError.io("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard Glibc.write(fd, bytes, bytes.count) == bytes.count, fsync(fd) == 0 else {
            throw RegistryError.io("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Reads the seed back as a key pair.
    public static func read(_ path: String) throws -> Ed25519.KeyPair {
        let fields = try KeyText.fields(try KeyText.read(path), source: path)
        let seed = try KeyText.bytes(fields, "private-key", count: 32, source: path)
        return Ed25519.KeyPair(privateKey: seed, publicKey: try Ed25519.publicKey(forPrivate: seed))
    }
}

/// `index.json.sig`: which key signed, and the 64-byte signature over the exact index bytes.
public struct SignatureFile: Sendable, Equatable {
    public var keyID: String
    public var signature: [UInt8]

    public init(keyID: String, signature: [UInt8]) { self.keyID = keyID; self.signature = signature }

    public static func sign(_ index: Data, with pair: Ed25519.KeyPair) throws -> SignatureFile {
        SignatureFile(keyID: try Ed25519.keyID(publicKey: pair.publicKey),
                      signature: try Ed25519.sign(index, privateKey: pair.privateKey))
    }

    public func text() -> String {
        "key-id: \(keyID)\nsignature: \(Data(signature).base64EncodedString())\n"
    }

    public static func parse(_ text: String, source: String = "index.json.sig") throws -> SignatureFile {
        let fields = try KeyText.fields(text, source: source)
        guard let id = fields["key-id"], !id.isEmpty else { throw RegistryError.signature("\(source): missing key-id line") }
        let signature: [UInt8]
        do { signature = try KeyText.bytes(fields, "signature", count: 64, source: source) }
        catch let e as RegistryError { throw RegistryError.signature(e.description) }
        return SignatureFile(keyID: id, signature: signature)
    }
}

enum KeyText {
    static func read(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw RegistryError.io("cannot read \(path)") }
        return String(decoding: data, as: UTF8.self)
    }

    static func fields(_ text: String, source: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let colon = trimmed.firstIndex(of: ":") else {
                throw RegistryError.crypto("\(source): expected 'field: value', got '\(trimmed.prefix(40))'")
            }
            out[String(trimmed[..<colon])] = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return out
    }

    static func bytes(_ fields: [String: String], _ name: String, count: Int, source: String) throws -> [UInt8] {
        guard let value = fields[name] else { throw RegistryError.crypto("\(source): missing \(name) line") }
        guard let data = Data(base64Encoded: value), data.count == count else {
            throw RegistryError.crypto("\(source): \(name) must be base64 of \(count) bytes")
        }
        return [UInt8](data)
    }
}
