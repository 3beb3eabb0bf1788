import Foundation
@testable import SpiderRegistry

/// A registry folder written by a test: each bundle's archive at its index path and an index.json
/// signed by a fresh key. `listing` replaces the index entries, so a test can offer versions that
/// claim another ABI or platform, or a size and hash the archive does not have.
struct RegistryFixture {
    let folder: String
    let key: Ed25519.KeyPair
    let keyID: String
    let trust: TrustStore

    static func make(at folder: String, bundles: [BundleFixture], listing: [IndexEntry]? = nil) throws -> RegistryFixture {
        for bundle in bundles {
            let target = folder + "/" + bundle.entry.archive
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: bundle.archive, toPath: target)
        }
        var index = RegistryIndex()
        for entry in listing ?? bundles.map(\.entry) { index.add(entry) }
        let bytes = try index.encoded()
        try bytes.write(to: URL(fileURLWithPath: folder + "/index.json"))
        let key = try Ed25519.generateKeyPair()
        try SignatureFile.sign(bytes, with: key).text().write(toFile: folder + "/index.json.sig", atomically: true, encoding: .utf8)
        let pub = try PublicKeyFile(publicKey: key.publicKey)
        return RegistryFixture(folder: folder, key: key, keyID: pub.keyID, trust: TrustStore(keys: [pub]))
    }

    /// The archive of `entry` inside the registry.
    func archive(_ entry: IndexEntry) -> String { folder + "/" + entry.archive }

    /// Writes the public key as `<folder>/<name>.pub`, for spider-pack's --trust.
    func writeTrustFolder(_ trustFolder: String, name: String = "registry") throws {
        try FileManager.default.createDirectory(atPath: trustFolder, withIntermediateDirectories: true)
        try PublicKeyFile(publicKey: key.publicKey).text().write(toFile: trustFolder + "/\(name).pub", atomically: true, encoding: .utf8)
    }
}

extension IndexEntry {
    /// The same entry under another version, ABI or platform (the archive stays the same file).
    func with(version: String? = nil, abi: UInt32? = nil, platform: String? = nil) -> IndexEntry {
        var e = self
        if let version { e.version = version }
        if let abi { e.abi_version = abi }
        if let platform { e.platform = platform }
        return e
    }
}

/// The store's folders that must be empty once an install finished or failed.
func leftovers(in store: InstallStore) -> [String] {
    [".staging", ".downloads"].flatMap { sub in
        ((try? FileManager.default.contentsOfDirectory(atPath: store.root + "/" + sub)) ?? []).map { sub + "/" + $0 }
    }
}

/// A platform the index format knows that is not this host's.
let otherPlatform = RegistryIndex.knownPlatforms.subtracting([InstallStore.hostPlatform]).sorted()[0]
