import Foundation
import Testing
@testable import SpiderRegistry

/// Tools/local-registry.sh end to end: the real script on a fresh data dir with the debug build
/// (`swift build` runs before `swift test`), checked with the built spider-pack.
@Suite struct LocalRegistryScriptTests {
    static let repo = SpiderPackTests.repo
    static let script = repo + "/Tools/local-registry.sh"

    struct Outcome { let status: Int32; let out: String; let err: String }

    func execute(_ executable: String, _ arguments: [String]) throws -> Outcome {
        // stderr goes to a file so neither stream can fill a pipe and stall the process.
        let errPath = NSTemporaryDirectory() + "local-registry-stderr-" + UUID().uuidString
        guard FileManager.default.createFile(atPath: errPath, contents: nil) else { throw RegistryError.io("cannot create \(errPath)") }
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Outcome(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self),
                       err: String(decoding: try bytes(errPath), as: UTF8.self))
    }

    func runScript(_ data: String) throws -> Outcome {
        try execute("/bin/bash", [Self.script, data, Self.repo + "/.build/debug"])
    }

    func mode(_ path: String) throws -> Int? {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    }

    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test func buildsAVerifiedRegistryAndKeepsItsKey() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let data = dir.file("data")
        let keys = data + "/registry-key", registry = data + "/registry", trust = data + "/trusted-keys"

        let first = try runScript(data)
        #expect(first.status == 0, "\(first.err)")

        // The key pair: private 0600 in a 0700 folder; the public key is trusted.
        #expect(try mode(keys) == 0o700)
        #expect(try mode(keys + "/spider-registry.key") == 0o600)
        let keyID = try PublicKeyFile.read(keys + "/spider-registry.pub").keyID
        #expect(try PrivateKeyFile.read(keys + "/spider-registry.key").publicKey == PublicKeyFile.read(keys + "/spider-registry.pub").publicKey)
        #expect(try bytes(trust + "/local-registry.pub") == bytes(keys + "/spider-registry.pub"))
        #expect(first.out.contains(registry) && first.out.contains(keyID), "\(first.out)")

        // The registry holds both repository drivers and verifies as a host would check it.
        let index = try RegistryIndex.decode(try bytes(registry + "/index.json"))
        #expect(Set(index.entries.map(\.name)).isSuperset(of: ["mock", "cexample"]))
        let verified = try execute(SpiderPackTests.binary, ["verify", "--registry", registry, "--trust", trust])
        #expect(verified.status == 0, "\(verified.err)")
        #expect(verified.out.contains("index signed by \(keyID)") && verified.out.contains("verified \(index.entries.count) bundle(s)"),
                "\(verified.out)")

        // The host already holds mock from another archive: the second run says how to get the new one.
        let mock = try #require(index.entries.first { $0.name == "mock" })
        let installed = data + "/drivers/mock/" + mock.version
        try FileManager.default.createDirectory(atPath: installed, withIntermediateDirectories: true)
        try Data(#"{"archive_sha256": "\#(String(repeating: "0", count: 64))"}"#.utf8)
            .write(to: URL(fileURLWithPath: installed + "/receipt.json"))

        // Second run: same key, same bytes (nothing was rebuilt), still verifies.
        let privateKey = try bytes(keys + "/spider-registry.key")
        let indexBytes = try bytes(registry + "/index.json"), signature = try bytes(registry + "/index.json.sig")
        let second = try runScript(data)
        #expect(second.status == 0, "\(second.err)")
        #expect(try PublicKeyFile.read(keys + "/spider-registry.pub").keyID == keyID)
        #expect(try bytes(keys + "/spider-registry.key") == privateKey)
        #expect(try bytes(registry + "/index.json") == indexBytes && bytes(registry + "/index.json.sig") == signature)
        #expect(second.out.contains("mock \(mock.version) (unchanged)"), "\(second.out)")
        #expect(second.err.contains("DELETE /spider/driver/installed/mock/\(mock.version) or bump the version"), "\(second.err)")
        #expect(try execute(SpiderPackTests.binary, ["verify", "--registry", registry, "--trust", trust]).status == 0)
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: data)).contains { $0.hasPrefix(".registry") })

        // Half a key pair is refused, never replaced by a new key.
        try FileManager.default.removeItem(atPath: keys + "/spider-registry.pub")
        let half = try runScript(data)
        #expect(half.status != 0 && half.err.contains("only half of a key pair"), "\(half.err)")
        #expect(try bytes(keys + "/spider-registry.key") == privateKey)
        #expect(try bytes(registry + "/index.json.sig") == signature)
    }
}
