import Foundation

/// An index whose signature has been checked: the first link of the verification chain, the same for
/// a folder, a `file://` and an `http(s)://` registry (the caller fetches the two files' bytes).
public struct VerifiedIndex: Sendable, Equatable {
    public var index: RegistryIndex
    /// Key id of the trusted signer, or "unsigned" when the operator allowed an unsigned index.
    public var signer: String

    /// Checks `signature` (the text of index.json.sig, nil if the registry has none) before decoding
    /// the bytes. With `allowUnsigned`, a missing or untrusted signature is accepted and recorded as
    /// "unsigned"; an index that a trusted key signed but that was modified is refused regardless.
    public static func verify(indexBytes: Data, signature: String?, trust: TrustStore, allowUnsigned: Bool = false) throws -> VerifiedIndex {
        let signer: String
        do {
            signer = try trust.signer(of: indexBytes, signature: signature)
        } catch RegistryError.signature(let message) where allowUnsigned && !message.contains("modified after signing") {
            signer = InstallStore.unsigned
        }
        return VerifiedIndex(index: try RegistryIndex.decode(indexBytes), signer: signer)
    }

    /// Reads `index.json` and `index.json.sig` from a registry folder and verifies them.
    public static func read(folder: String, trust: TrustStore, allowUnsigned: Bool = false) throws -> VerifiedIndex {
        guard let bytes = FileManager.default.contents(atPath: folder + "/index.json") else {
            throw RegistryError.invalidIndex("\(folder) has no index.json")
        }
        let signature = FileManager.default.contents(atPath: folder + "/index.json.sig").map { String(decoding: $0, as: UTF8.self) }
        return try verify(indexBytes: bytes, signature: signature, trust: trust, allowUnsigned: allowUnsigned)
    }
}
