import Foundation

/// The public keys an operator trusts: every `*.pub` file in one folder, by key id.
public struct TrustStore: Sendable {
    public private(set) var keys: [String: PublicKeyFile] = [:]

    public init(keys: [PublicKeyFile] = []) {
        for k in keys { self.keys[k.keyID] = k }
    }

    /// Loads every `*.pub` in `folder`; a missing folder is an empty store, a broken key file is an error.
    public init(folder: String) throws {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in names.sorted() where name.hasSuffix(".pub") {
            let key = try PublicKeyFile.read(folder + "/" + name)
            keys[key.keyID] = key
        }
    }

    /// The id of the trusted key that signed `index`, or an error saying why the index is not trusted.
    /// `signature` is the text of `index.json.sig`, nil when the registry has none.
    public func signer(of index: Data, signature: String?) throws -> String {
        guard let signature, !signature.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw RegistryError.signature("index has no signature (index.json.sig is missing)")
        }
        let sig = try SignatureFile.parse(signature)
        guard let key = keys[sig.keyID] else {
            throw RegistryError.signature("index signed by an untrusted key \(sig.keyID)")
        }
        guard Ed25519.verify(index, signature: sig.signature, publicKey: key.publicKey) else {
            throw RegistryError.signature("index signature does not verify with key \(sig.keyID): the index was modified after signing")
        }
        return sig.keyID
    }
}
