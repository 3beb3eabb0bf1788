import Foundation
import Testing
@testable import SpiderRegistry

/// `spider-pack` end to end: the built binary (`swift build` runs before `swift test`) on real files,
/// the repository's Mock driver as staged by Tools/stage-drivers.sh, and a python HTTP server.
@Suite struct SpiderPackTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let binary = repo + "/.build/debug/spider-pack"

    struct Outcome { let status: Int32; let out: String; let err: String }

    @discardableResult
    func pack(_ arguments: [String]) throws -> Outcome {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Outcome(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    /// Runs spider-pack and requires success, returning its standard output.
    func ok(_ arguments: [String]) throws -> String {
        let r = try pack(arguments)
        #expect(r.status == 0, "spider-pack \(arguments): \(r.err)")
        return r.out
    }

    /// Stages the Mock driver into `dir` and returns its folder (driver.json + the .so).
    func stageMock(_ dir: TempDir) throws -> String {
        try run("bash", [Self.repo + "/Tools/stage-drivers.sh", dir.file("staged")])
        return dir.file("staged/mock/1.0.0")
    }

    @Test func keygenBundleIndexSignVerify() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let keys = dir.file("keys"), registry = dir.file("registry")
        let keyID = try ok(["keygen", "--out", keys]).trimmingCharacters(in: .whitespacesAndNewlines)
        let privateMode = try FileManager.default.attributesOfItem(atPath: keys + "/spider-registry.key")[.posixPermissions] as? Int
        #expect(privateMode == 0o600)
        #expect(try PublicKeyFile.read(keys + "/spider-registry.pub").keyID == keyID)
        #expect(try PrivateKeyFile.read(keys + "/spider-registry.key").publicKey == PublicKeyFile.read(keys + "/spider-registry.pub").publicKey)
        let again = try pack(["keygen", "--out", keys])
        #expect(again.status != 0 && again.err.contains("refusing to overwrite"))

        let mock = try stageMock(dir)
        try "Mock driver.\n".write(toFile: dir.file("README"), atomically: true, encoding: .utf8)
        let archive = try ok(["bundle", "--library", mock + "/libspider-driver-mock.so", "--manifest", mock + "/driver.json",
                              "--doc", dir.file("README"), "--out", registry + "/mock/1.0.0"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(archive == registry + "/mock/1.0.0/mock-1.0.0-linux-x86_64.tar.gz")
        #expect(try run("tar", ["-tzf", archive]).split(separator: "\n").sorted() == ["README", "driver.json", "libspider-driver-mock.so"])
        #expect(try BundleManifestReader.manifest(ofBundle: archive).name == "mock")
        // Owner and time are normalized; only the library is executable.
        let listing = try run("TZ=UTC", ["tar", "-tvzf", archive, "--numeric-owner"])  // env sets TZ, so time 0 prints as 1970
        #expect(listing.contains("-rwxr-xr-x 0/0") && listing.contains("1970-01-01"), "\(listing)")
        #expect(listing.split(separator: "\n").filter { $0.hasPrefix("-rw-r--r-- 0/0") }.count == 2, "\(listing)")
        // The library inside is byte for byte the one packed.
        let unpacked = dir.file("unpacked")
        try FileManager.default.createDirectory(atPath: unpacked, withIntermediateDirectories: true)
        try run("tar", ["-xzf", archive, "-C", unpacked])
        #expect(try SHA256Stream.file(at: unpacked + "/libspider-driver-mock.so") == SHA256Stream.file(at: mock + "/libspider-driver-mock.so"))

        try ok(["index", "--registry", registry])
        let index = try RegistryIndex.decode(try Data(contentsOf: URL(fileURLWithPath: registry + "/index.json")))
        #expect(index.entries.map(\.archive) == ["mock/1.0.0/mock-1.0.0-linux-x86_64.tar.gz"])
        #expect(try ok(["sign", "--registry", registry, "--key", keys + "/spider-registry.key"]).contains(keyID))

        let verified = try ok(["verify", "--registry", registry, "--trust", keys])
        #expect(verified.contains("index signed by \(keyID)") && verified.contains("verified 1 bundle(s)"))

        // The same registry over HTTP, through the Fetcher.
        let served = try FetcherTestFolder()
        try FileManager.default.removeItem(atPath: served.path)
        try FileManager.default.copyItem(atPath: registry, toPath: served.path)
        let server = try FetcherTestServer.files(in: served)
        defer { server.stop() }
        #expect(try ok(["verify", "--registry", server.url(""), "--trust", keys]).contains("verified 1 bundle(s)"))

        // A different key is not trusted.
        let otherKeys = dir.file("other-keys")
        let otherID = try ok(["keygen", "--out", otherKeys]).trimmingCharacters(in: .whitespacesAndNewlines)
        let untrusted = try pack(["verify", "--registry", registry, "--trust", otherKeys])
        #expect(untrusted.status != 0 && untrusted.err.contains("index signed by an untrusted key \(keyID)"), "\(untrusted.err)")
        #expect(otherID != keyID)

        // A modified archive: its size no longer matches the signed index.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: archive))
        try handle.seekToEnd(); try handle.write(contentsOf: Data([0])); try handle.close()
        let grown = try pack(["verify", "--registry", registry, "--trust", keys])
        #expect(grown.status != 0 && grown.err.contains("mock 1.0.0 linux-x86_64") && grown.err.contains("the index says \(index.entries[0].size)"),
                "\(grown.err)")

        // A modified index: the signature no longer verifies.
        let indexPath = registry + "/index.json"
        let text = try String(contentsOfFile: indexPath, encoding: .utf8)
        try text.replacingOccurrences(of: "\"MOCK\"", with: "\"EVIL\"").write(toFile: indexPath, atomically: true, encoding: .utf8)
        let tampered = try pack(["verify", "--registry", registry, "--trust", keys])
        #expect(tampered.status != 0 && tampered.err.contains("the index was modified after signing"), "\(tampered.err)")

        // No signature at all.
        try FileManager.default.removeItem(atPath: indexPath + ".sig")
        let unsigned = try pack(["verify", "--registry", registry, "--trust", keys])
        #expect(unsigned.status != 0 && unsigned.err.contains("index has no signature"), "\(unsigned.err)")
    }

    @Test func bundleRefusesAnIncompleteDriver() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let mock = try stageMock(dir)
        let out = dir.file("out")

        // The manifest names another library file.
        var fields = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: mock + "/driver.json"))) as! [String: Any]
        fields["library"] = "libother.so"
        try JSONSerialization.data(withJSONObject: fields).write(to: URL(fileURLWithPath: dir.file("renamed.json")))
        let renamed = try pack(["bundle", "--library", mock + "/libspider-driver-mock.so", "--manifest", dir.file("renamed.json"), "--out", out])
        #expect(renamed.status != 0 && renamed.err.contains("library is 'libother.so' but the library file is 'libspider-driver-mock.so'"), "\(renamed.err)")

        // A manifest missing a required field.
        fields["library"] = "libspider-driver-mock.so"
        fields.removeValue(forKey: "credential_keys")
        try JSONSerialization.data(withJSONObject: fields).write(to: URL(fileURLWithPath: dir.file("partial.json")))
        let partial = try pack(["bundle", "--library", mock + "/libspider-driver-mock.so", "--manifest", dir.file("partial.json"), "--out", out])
        #expect(partial.status != 0 && partial.err.contains("missing field 'credential_keys'"), "\(partial.err)")

        // A real shared library that does not export the entry symbol.
        let plain = dir.file("plain")
        try FileManager.default.createDirectory(atPath: plain, withIntermediateDirectories: true)
        try "int not_a_driver(void) { return 1; }\n".write(toFile: plain + "/d.c", atomically: true, encoding: .utf8)
        try run("cc", ["-shared", "-fPIC", "-o", plain + "/libspider-driver-mock.so", plain + "/d.c"])
        let noEntry = try pack(["bundle", "--library", plain + "/libspider-driver-mock.so", "--manifest", mock + "/driver.json", "--out", out])
        #expect(noEntry.status != 0 && noEntry.err.contains("does not export spider_driver_entry"), "\(noEntry.err)")

        // Not ELF at all.
        let text = dir.file("text")
        try FileManager.default.createDirectory(atPath: text, withIntermediateDirectories: true)
        try "#!/bin/sh\n".write(toFile: text + "/libspider-driver-mock.so", atomically: true, encoding: .utf8)
        let notELF = try pack(["bundle", "--library", text + "/libspider-driver-mock.so", "--manifest", mock + "/driver.json", "--out", out])
        #expect(notELF.status != 0 && notELF.err.contains("is not an ELF file"), "\(notELF.err)")

        #expect(!FileManager.default.fileExists(atPath: out + "/mock-1.0.0-linux-x86_64.tar.gz"))
    }

    @Test func mirrorCopiesVerifiedBundles() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let keys = dir.file("keys"), registry = dir.file("registry")
        let keyID = try ok(["keygen", "--out", keys]).trimmingCharacters(in: .whitespacesAndNewlines)
        let siteKeys = dir.file("site-keys")
        let siteID = try ok(["keygen", "--out", siteKeys, "--name", "site"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let mock = try stageMock(dir)
        // Two versions of the Mock driver: the second only differs in its manifest's version.
        var fields = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: mock + "/driver.json"))) as! [String: Any]
        fields["version"] = "1.1.0"
        try JSONSerialization.data(withJSONObject: fields).write(to: URL(fileURLWithPath: dir.file("driver-1.1.0.json")))
        for (manifest, version) in [(mock + "/driver.json", "1.0.0"), (dir.file("driver-1.1.0.json"), "1.1.0")] {
            try ok(["bundle", "--library", mock + "/libspider-driver-mock.so", "--manifest", manifest, "--out", registry + "/mock/" + version])
        }
        try ok(["index", "--registry", registry])
        try ok(["sign", "--registry", registry, "--key", keys + "/spider-registry.key"])

        // Everything, over HTTP: the signed index and signature are copied unchanged.
        let served = try FetcherTestFolder()
        try FileManager.default.removeItem(atPath: served.path)
        try FileManager.default.copyItem(atPath: registry, toPath: served.path)
        let server = try FetcherTestServer.files(in: served)
        defer { server.stop() }
        let full = dir.file("full")
        #expect(try ok(["mirror", "--from", server.url(""), "--trust", keys, "--out", full]).contains("mirrored 2 bundle(s)"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: full + "/index.json")) == Data(contentsOf: URL(fileURLWithPath: registry + "/index.json")))
        #expect(try ok(["verify", "--registry", full, "--trust", keys]).contains("index signed by \(keyID)"))

        // One version from a folder: a smaller index, signed by the mirror keeper's key.
        let chosen = dir.file("chosen")
        let refused = try pack(["mirror", "--from", registry, "--trust", keys, "--out", chosen, "--driver", "mock@1.1.0"])
        #expect(refused.status != 0 && refused.err.contains("pass --key"), "\(refused.err)")
        let unknown = try pack(["mirror", "--from", registry, "--trust", keys, "--out", chosen, "--driver", "mock@9.0.0",
                                "--key", siteKeys + "/site.key"])
        #expect(unknown.status != 0 && unknown.err.contains("the source registry has no driver mock@9.0.0"), "\(unknown.err)")
        try ok(["mirror", "--from", registry, "--trust", keys, "--out", chosen, "--driver", "mock@1.1.0", "--key", siteKeys + "/site.key"])
        let verified = try ok(["verify", "--registry", chosen, "--trust", siteKeys])
        #expect(verified.contains("index signed by \(siteID)") && verified.contains("verified 1 bundle(s)"), "\(verified)")
        #expect(!verified.contains("1.0.0"))

        // A bundle swapped in the source (same size, other bytes) is refused and not kept.
        let archive = registry + "/mock/1.0.0/mock-1.0.0-linux-x86_64.tar.gz"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: archive))
        bytes[bytes.count - 1] ^= 0xff
        try bytes.write(to: URL(fileURLWithPath: archive))
        let broken = dir.file("broken")
        let swapped = try pack(["mirror", "--from", registry, "--trust", keys, "--out", broken])
        #expect(swapped.status != 0 && swapped.err.contains("mock 1.0.0 linux-x86_64") && swapped.err.contains("SHA-256 is"), "\(swapped.err)")
        let left = (try? FileManager.default.subpathsOfDirectory(atPath: broken)) ?? []
        #expect(!left.contains { $0.hasSuffix(".tar.gz") || $0.contains("partial") || $0.hasPrefix("index.json") }, "\(left)")
    }
}
