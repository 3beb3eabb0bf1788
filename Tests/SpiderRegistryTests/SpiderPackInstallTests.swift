import Foundation
import Testing
@testable import SpiderRegistry

/// `spider-pack install` and `installed` end to end: the built binary, registries in folders and
/// behind python's http.server, a store the test then opens as spiderd would.
@Suite struct SpiderPackInstallTests {
    let pack = SpiderPackTests()

    @Test func installsTheNewestMatchingVersionAndListsIt() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let served = try FetcherTestFolder()
        let bundles = try ["1.0.0", "1.2.0", "1.10.0"].map { try BundleFixture.make(in: dir.path, version: $0) }
        let remote = try RegistryFixture.make(at: served.path, bundles: bundles)
        try remote.writeTrustFolder(dir.file("trust"))
        let server = try FetcherTestServer.files(in: served)
        defer { server.stop() }
        let store = dir.file("drivers"), url = "http://127.0.0.1:\(server.port)"
        let missing = dir.file("no-such-registry")

        // The first registry cannot be read: said on stderr, the second one serves.
        let first = try pack.pack(["install", "--store", store, "--registry", missing, "--registry", server.url(""),
                                   "--trust", dir.file("trust"), "demo@~1.2"])
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out.hasPrefix("installed demo 1.2.0 signer \(remote.keyID) source \(url)\n"), "\(first.out)")
        #expect(first.out.contains(store + "/demo/1.2.0"))
        #expect(first.err.contains("warning: registry unreadable: \(missing) has no index.json"), "\(first.err)")
        #expect(first.err.contains("downloading demo 1.2.0 (\(bundles[1].entry.size) bytes) from \(url)"), "\(first.err)")

        let newest = try pack.ok(["install", "--store", store, "--registry", server.url(""), "--trust", dir.file("trust"), "demo"])
        #expect(newest.hasPrefix("installed demo 1.10.0 signer \(remote.keyID) source \(url)"), "\(newest)")
        let again = try pack.pack(["install", "--store", store, "--registry", server.url(""), "--trust", dir.file("trust"), "demo@1.10.0"])
        #expect(again.status == 0 && again.out.hasPrefix("already installed demo 1.10.0"), "\(again.out)")
        #expect(!again.err.contains("downloading"))
        #expect(server.requests(bundles[2].entry.archive) == 1)

        // What spiderd will find: receipts for both versions.
        let opened = try InstallStore(root: store)
        #expect(opened.installed().map(\.version) == ["1.10.0", "1.2.0"])
        #expect(opened.installed().allSatisfy { $0.signer == remote.keyID && $0.source == url })
        let listed = try pack.ok(["installed", "--store", store])
        #expect(listed == """
            demo 1.10.0 \(InstallStore.hostPlatform) provider DEMO abi 1 signer \(remote.keyID) source \(url)
            demo 1.2.0 \(InstallStore.hostPlatform) provider DEMO abi 1 signer \(remote.keyID) source \(url)

            """, "\(listed)")
    }

    @Test func refusesWithAClearMessage() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let bundle = try BundleFixture.make(in: dir.path)
        let registry = try RegistryFixture.make(at: dir.file("registry"), bundles: [bundle],
                                                listing: [bundle.entry, bundle.entry.with(version: "2.0.0", abi: 2)])
        try registry.writeTrustFolder(dir.file("trust"))
        let store = dir.file("drivers")
        func install(_ extra: [String]) throws -> SpiderPackTests.Outcome {
            try pack.pack(["install", "--store", store, "--registry", registry.folder] + extra)
        }

        let badConstraint = try install(["--trust", dir.file("trust"), "demo@1.x"])
        #expect(badConstraint.status != 0 && badConstraint.err.contains("'1.x' is not a version constraint"), "\(badConstraint.err)")
        let unknown = try install(["--trust", dir.file("trust"), "aws"])
        #expect(unknown.status != 0 && unknown.err.contains("no configured registry offers driver 'aws'"), "\(unknown.err)")
        let otherABI = try install(["--trust", dir.file("trust"), "demo@2"])
        #expect(otherABI.status != 0 && otherABI.err.contains("no version of driver 'demo' matches '2' (offered: 1.0.0)"), "\(otherABI.err)")
        let noTrust = try install(["demo"])
        #expect(noTrust.status != 0 && noTrust.err.contains("pass --trust"), "\(noTrust.err)")
        let emptyTrust = try install(["--trust", dir.file("empty"), "demo"])
        #expect(emptyTrust.status != 0 && emptyTrust.err.contains("holds no trusted keys"), "\(emptyTrust.err)")

        // Signed by a key the host does not trust: refused, unless unsigned installs are allowed.
        try FileManager.default.createDirectory(atPath: dir.file("other"), withIntermediateDirectories: true)
        try PublicKeyFile(publicKey: try Ed25519.generateKeyPair().publicKey).text()
            .write(toFile: dir.file("other/other.pub"), atomically: true, encoding: .utf8)
        let untrusted = try install(["--trust", dir.file("other"), "demo"])
        #expect(untrusted.status != 0 && untrusted.err.contains("index signed by an untrusted key \(registry.keyID)"), "\(untrusted.err)")
        #expect(try InstallStore(root: store).installed().isEmpty)

        let unsigned = try install(["--trust", dir.file("other"), "--allow-unsigned", "demo"])
        #expect(unsigned.status == 0 && unsigned.out.hasPrefix("installed demo 1.0.0 signer unsigned source \(registry.folder)"), "\(unsigned.out)")
        #expect(unsigned.err.contains("UNSIGNED"))
        // A host that loads ABI 2 gets 2.0.0: its archive's driver.json says 1.0.0, which the install refuses.
        let abi2 = try install(["--trust", dir.file("trust"), "--abi", "2", "demo"])
        #expect(abi2.status != 0 && abi2.err.contains("driver.json does not match the index entry"), "\(abi2.err)")
        #expect(try pack.ok(["installed", "--store", store]).hasPrefix("demo 1.0.0 "))
        let noStore = try pack.pack(["installed", "--store", dir.file("nothing-here")])
        #expect(noStore.status != 0 && noStore.err.contains("is not a folder"))
    }
}
