import Foundation
import Testing
@testable import SpiderRegistry

/// The whole offline chain on a real registry folder: bundles → scanned index → signature → trust
/// store → install, as spider-pack and the host will run it.
@Suite struct RegistryFolderTests {
    struct Registry {
        let dir: TempDir
        let folder: String
        let key: Ed25519.KeyPair
        let trust: TrustStore
        let fixtures: [BundleFixture]
    }

    func makeRegistry() throws -> Registry {
        let dir = try TempDir()
        let folder = dir.file("registry")
        var fixtures: [BundleFixture] = []
        for version in ["1.0.0", "1.1.0"] {
            let bundle = try BundleFixture.make(in: dir.path, version: version)
            let target = folder + "/demo/\(version)"
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: bundle.archive, toPath: target + "/demo-\(version).tar.gz")
            fixtures.append(bundle)
        }
        let index = try IndexBuilder.scan(folder: folder)
        let bytes = try index.encoded()
        try bytes.write(to: URL(fileURLWithPath: folder + "/index.json"))
        let key = try Ed25519.generateKeyPair()
        try SignatureFile.sign(bytes, with: key).text().write(toFile: folder + "/index.json.sig", atomically: true, encoding: .utf8)
        return Registry(dir: dir, folder: folder, key: key, trust: TrustStore(keys: [try PublicKeyFile(publicKey: key.publicKey)]),
                        fixtures: fixtures)
    }

    @Test func scanSignVerifyAndInstall() throws {
        let r = try makeRegistry(); defer { r.dir.cleanup() }
        let verified = try VerifiedIndex.read(folder: r.folder, trust: r.trust)
        #expect(verified.signer == (try Ed25519.keyID(publicKey: r.key.publicKey)))
        #expect(verified.index.entries.map(\.version) == ["1.0.0", "1.1.0"])
        let entry = try #require(verified.index.entry(name: "demo", version: "1.1.0", platform: InstallStore.hostPlatform))
        #expect(entry.archive == "demo/1.1.0/demo-1.1.0.tar.gz")
        #expect(entry.sha256 == r.fixtures[1].entry.sha256)
        #expect(entry.provider == "DEMO")

        let store = try InstallStore(root: r.dir.file("drivers"))
        let receipt = try store.install(bundleAt: r.folder + "/" + entry.archive, entry: entry, signer: verified.signer, source: r.folder)
        #expect(receipt.signer == verified.signer)
        #expect(store.installed().map(\.version) == ["1.1.0"])
    }

    @Test func refusesTamperedUnsignedAndUntrustedIndexes() throws {
        let r = try makeRegistry(); defer { r.dir.cleanup() }
        let indexPath = r.folder + "/index.json", sigPath = r.folder + "/index.json.sig"
        let original = try Data(contentsOf: URL(fileURLWithPath: indexPath))

        // Untrusted: an empty trust store; allowed only as "unsigned" with the explicit opt-in.
        let keyID = try Ed25519.keyID(publicKey: r.key.publicKey)
        #expect(errorText { _ = try VerifiedIndex.read(folder: r.folder, trust: TrustStore()) } == "index signed by an untrusted key \(keyID)")
        #expect(try VerifiedIndex.read(folder: r.folder, trust: TrustStore(), allowUnsigned: true).signer == "unsigned")

        // Tampered: a changed hash; refused even with the opt-in.
        let tampered = String(decoding: original, as: UTF8.self).replacingOccurrences(of: r.fixtures[0].entry.sha256, with: String(repeating: "f", count: 64))
        try tampered.write(toFile: indexPath, atomically: true, encoding: .utf8)
        #expect(errorText { _ = try VerifiedIndex.read(folder: r.folder, trust: r.trust) }?.contains("modified after signing") == true)
        #expect(errorText { _ = try VerifiedIndex.read(folder: r.folder, trust: r.trust, allowUnsigned: true) }?.contains("modified after signing") == true)

        // Missing signature.
        try original.write(to: URL(fileURLWithPath: indexPath))
        try FileManager.default.removeItem(atPath: sigPath)
        #expect(errorText { _ = try VerifiedIndex.read(folder: r.folder, trust: r.trust) } == "index has no signature (index.json.sig is missing)")
        #expect(try VerifiedIndex.read(folder: r.folder, trust: r.trust, allowUnsigned: true).signer == "unsigned")
    }

    @Test func scanRefusesABundleWithoutManifest() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        try FileManager.default.createDirectory(atPath: dir.file("reg"), withIntermediateDirectories: true)
        try makeTarGz(dir.file("reg/x.tar.gz"), "add(\"README\", b\"no manifest\")")
        #expect(errorText { _ = try IndexBuilder.scan(folder: dir.file("reg")) } == "\(dir.file("reg/x.tar.gz")) has no driver.json at its top level")
    }
}
