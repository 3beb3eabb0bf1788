// spctl keypair against a real host on the Mock: --save writes the private key with mode 0600 and
// leaves it out of the output; an existing file is never replaced without --overwrite (and then
// nothing is created in the cloud); a failed create leaves no file; the -d form prints the key;
// --public-key-file / --public-key import a public key, and --save is refused with them.
import Foundation
import Testing

@Suite("spctl keypair")
struct SpctlKeyPairTests {
    static func keyPairs(_ host: HostProcess, _ c: RegisteredConnection) throws -> [String] {
        try host.must("GET", "/spider/keypair\(c.query)").list("keypair").map { ($0["IId"] as? [String: Any])?["NameId"] as? String ?? "" }
    }

    @Test("--save writes the private key 0600, prints the rest; list, get, delete")
    func saveListGetDelete() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host)
        let path = host.folder.file("keypair-01.pem")

        let created = try Spctl.must(host, ["keypair", "create", "-c", c.name, "--name", "keypair-01", "--save", path])
        #expect(FileFacts.mode(path) == 0o600, "mode \(FileFacts.octal(FileFacts.mode(path)))")
        let key = try String(contentsOfFile: path, encoding: .utf8)
        #expect(key.hasPrefix("-----BEGIN") && key.contains("PRIVATE KEY-----") && key.hasSuffix("\n"), "\(key.prefix(60))")
        #expect(created.json["PrivateKey"] == nil && !created.stdout.contains("PRIVATE KEY"), "the key goes to the file only: \(created.stdout)")
        #expect((created.json["IId"] as? [String: Any])?["NameId"] as? String == "keypair-01", "\(created.stdout)")
        #expect(created.stderr.contains(path) && created.stderr.contains("0600"), "\(created.stderr)")

        // CB-Spider's form prints the whole answer, private key included (its scripts cut it out of stdout).
        let cb = try Spctl.must(host, ["--config", "spctl.conf", "keypair", "create", "-i", "json", "-o", "json", "-d",
                                       #"{"ConnectionName":"\#(c.name)","ReqInfo":{"Name":"keypair-02"}}"#])
        #expect((cb.json["PrivateKey"] as? String)?.contains("PRIVATE KEY") == true, "\(cb.stdout)")

        let listed = try Spctl.must(host, ["keypair", "list", "--cname", c.name])
        #expect(NSDictionary(dictionary: listed.json).isEqual(to: try host.must("GET", "/spider/keypair\(c.query)").json))
        let table = try Spctl.must(host, ["keypair", "list", "-c", c.name, "-o", "table"])
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first.map { $0.hasPrefix("NAME") && $0.contains("FINGERPRINT") } == true, "\(table.stdout)")
        #expect(lines.filter { $0.hasPrefix("keypair-0") }.count == 2, "\(table.stdout)")
        let got = try Spctl.must(host, ["keypair", "get", "-c", c.name, "-n", "keypair-01", "-o", "yaml"])
        #expect(got.stdout.contains("NameId: keypair-01") && !got.stdout.contains("PrivateKey"), "\(got.stdout)")

        try Spctl.must(host, ["keypair", "delete", "--cname", c.name, "-n", "keypair-01"])
        try Spctl.must(host, ["keypair", "get", "-c", c.name, "-n", "keypair-01"], code: 3)
        #expect(try Self.keyPairs(host, c) == ["keypair-02"])
    }

    @Test("an existing file is kept (exit 4, no key pair made) unless --overwrite; a failed create leaves no file")
    func existingFiles() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host)
        let path = host.folder.file("k1.pem")
        try "old contents\n".write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o644)

        let refused = try Spctl.must(host, ["keypair", "create", "-c", c.name, "--name", "k1", "--save", path], code: 4)
        #expect(refused.stderr.contains("--overwrite"), "\(refused)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old contents\n" && FileFacts.mode(path) == 0o644)
        #expect(try Self.keyPairs(host, c).isEmpty, "the file is checked before the cloud makes a key")

        try Spctl.must(host, ["keypair", "create", "-c", c.name, "--name", "k1", "--save", path, "--overwrite"])
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("-----BEGIN"))
        #expect(FileFacts.mode(path) == 0o600, "mode \(FileFacts.octal(FileFacts.mode(path)))")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: host.folder.path).filter { $0.contains("k1.pem.") }
        #expect(leftovers.isEmpty, "no temporary file left: \(leftovers)")

        // A name that exists: the host says 409 and the claimed file is removed again.
        let other = host.folder.file("k1-again.pem")
        try Spctl.must(host, ["keypair", "create", "-c", c.name, "--name", "k1", "--save", other], code: 4)
        #expect(FileFacts.mode(other) == nil, "no file for a key that was not made")
        // A folder that does not exist: a usage error before anything is created.
        try Spctl.must(host, ["keypair", "create", "-c", c.name, "--name", "k2", "--save", host.folder.file("no/such/dir/k2.pem")], code: 2)
        #expect(try Self.keyPairs(host, c) == ["k1"])
        try Spctl.must(host, ["keypair", "create", "-c", c.name], code: 2)
    }

    @Test("--public-key-file and --public-key import a key (no private key); --save with them is a usage error, nothing made")
    func importPublicKey() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host)
        let key = try SSHKeyGen.make("ed25519", name: "id_ed25519", in: host.folder)

        let imported = try Spctl.must(host, ["keypair", "create", "-c", c.name, "--name", "laptop", "--public-key-file", key.path])
        #expect(imported.json["PublicKey"] as? String == key.line && imported.json["PrivateKey"] == nil, "\(imported)")
        #expect(try host.must("GET", "/spider/keypair/laptop\(c.query)").json["PublicKey"] as? String == key.line)
        let line = try SSHKeyGen.make("rsa", bits: 2048, name: "id_rsa", in: host.folder).line
        let inline = try Spctl.must(host, ["keypair", "create", "-c", c.name, "--name", "inline", "--public-key", line, "-o", "table"])
        #expect(inline.stdout.contains("inline") && !inline.stderr.contains("private key"), "\(inline)")

        // No private key exists for an imported key: --save is refused before anything is sent.
        let path = host.folder.file("never.pem")
        let refused = try Spctl.must(host, ["keypair", "create", "-c", c.name, "--name", "saved", "--public-key-file", key.path,
                                            "--save", path], code: 2)
        #expect(refused.stderr.contains("--save"), "\(refused)")
        try Spctl.must(host, ["keypair", "create", "-c", c.name, "--name", "saved", "--public-key", key.line, "--save", path], code: 2)
        #expect(FileFacts.mode(path) == nil, "no file claimed")
        // Both flags, a missing file, or a file that is no public key: usage errors (the last from the host's 400).
        try Spctl.must(host, ["keypair", "create", "-c", c.name, "--name", "both", "--public-key", key.line, "--public-key-file", key.path], code: 2)
        try Spctl.must(host, ["keypair", "create", "-c", c.name, "--name", "nofile", "--public-key-file", host.folder.file("missing.pub")], code: 2)
        let notKey = try Spctl.must(host, ["keypair", "create", "-c", c.name, "--name", "private",
                                           "--public-key-file", String(key.path.dropLast(4))], code: 2)
        #expect(notKey.stderr.contains("ReqInfo.PublicKey"), "\(notKey)")
        #expect(try Self.keyPairs(host, c) == ["laptop", "inline"])
    }
}
