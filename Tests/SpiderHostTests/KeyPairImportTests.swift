// Importing an existing public key (ReqInfo.PublicKey) through a real host on the Mock: the key is
// kept as given with an OpenSSH fingerprint and no private key, a VM starts with it, and keys that
// are not OpenSSH public key lines are refused by the host (400 naming the field) before anything
// is made; a taken name is 409.
import Foundation
import Testing

@Suite("key pair import (Mock)")
struct KeyPairImportTests {
    static func importRequest(_ c: RegisteredConnection, _ name: String, _ publicKey: String) -> [String: Any] {
        ["ConnectionName": c.name, "ReqInfo": ["Name": name, "PublicKey": publicKey]]
    }

    /// OpenSSH's fingerprint of a key line, computed apart from the Mock (python3's hashlib).
    static func fingerprint(_ line: String, _ folder: TempFolder) throws -> String {
        let script = "import base64,hashlib,sys; print('SHA256:' + base64.b64encode(hashlib.sha256(base64.b64decode(sys.argv[1])).digest()).decode().rstrip('='))"
        let (exit, output) = try ChildProcess.run("/usr/bin/env", ["python3", "-c", script, SSHKeyGen.keyPart(line)], in: folder)
        guard exit == .code(0) else { throw TestFailure("python3 fingerprint: \(exit) \(output)") }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The names of the key pairs the Mock cloud holds (mapped or not).
    static func cloudKeyNames(_ host: HostProcess, _ c: RegisteredConnection) throws -> [String] {
        let all = try host.must("GET", "/spider/allkeypair" + c.query).json["AllList"] as? [String: Any] ?? [:]
        return ["MappedList", "OnlyCSPList"].flatMap { (all[$0] as? [[String: Any]] ?? []).map { "\($0["NameId"] ?? "")=\($0["SystemId"] ?? "")" } }
    }

    @Test("an ed25519 key from ssh-keygen: answered and kept without a private key, listed, used by a VM, deleted")
    func importEd25519() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host)
        let key = try SSHKeyGen.make("ed25519", name: "id_ed25519", in: host.folder)
        #expect(key.line.hasPrefix("ssh-ed25519 AAAA"), "\(key.line)")
        let expectedFingerprint = try Self.fingerprint(key.line, host.folder)

        // A trailing newline (as in a .pub file) is not part of the key.
        let created = try host.must("POST", "/spider/keypair", json: Self.importRequest(c, "imported-01", key.line + "\n")).json
        #expect(created["PublicKey"] as? String == key.line, "\(created)")
        #expect(created["PrivateKey"] == nil, "an imported key has no private key: \(created)")
        #expect(created["Fingerprint"] as? String == expectedFingerprint, "\(created)")
        #expect((created["IId"] as? [String: Any])?["NameId"] as? String == "imported-01")
        #expect(created["VMUserID"] as? String == "cb-user")

        let got = try host.must("GET", "/spider/keypair/imported-01" + c.query).json
        #expect(got["PublicKey"] as? String == key.line && got["PrivateKey"] == nil, "\(got)")
        #expect(got["Fingerprint"] as? String == expectedFingerprint)
        let listed = try host.must("GET", "/spider/keypair" + c.query).list("keypair")
        #expect(listed.map { $0["PublicKey"] as? String } == [key.line], "\(listed)")

        // A made key and an imported one side by side: only the made one had a private key.
        let made = try host.must("POST", "/spider/keypair", json: Requests.keyPair(c.name, "made-01")).json
        #expect((made["PrivateKey"] as? String)?.contains("PRIVATE KEY") == true)
        #expect(made["Fingerprint"] as? String != expectedFingerprint)

        // A VM starts with the imported key, and holds it while it lives.
        try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01"))
        try host.must("POST", "/spider/securitygroup", json: Requests.securityGroup(c.name, "sg-01", vpc: "vpc-01", rules: [Requests.rule("22")]))
        let vm = try host.must("POST", "/spider/vm", json: Requests.vm(c.name, "vm-01", vpc: "vpc-01", subnet: "subnet-01",
                                                                    securityGroups: ["sg-01"], keyPair: "imported-01")).json
        #expect((vm["KeyPairIId"] as? [String: Any])?["NameId"] as? String == "imported-01", "\(vm)")
        #expect((vm["KeyPairIId"] as? [String: Any])?["SystemId"] as? String == (created["IId"] as? [String: Any])?["SystemId"] as? String)
        try host.expect("DELETE", "/spider/keypair/imported-01", json: Requests.connection(c.name), status: 409, mentioning: ["vm-01"])
        try host.must("DELETE", "/spider/vm/vm-01", json: Requests.connection(c.name))
        try host.must("DELETE", "/spider/keypair/imported-01", json: Requests.connection(c.name))
        try host.expect("GET", "/spider/keypair/imported-01" + c.query, status: 404)
    }

    @Test("not a public key line (not base64, unknown type, empty, wrong blob, two lines) → 400 naming ReqInfo.PublicKey, nothing made")
    func malformedKeys() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host)
        let ed = try SSHKeyGen.make("ed25519", name: "id_ed25519", in: host.folder).line
        let base64 = SSHKeyGen.keyPart(ed)
        let malformed = [
            "ssh-ed25519 not*base64*at*all comment",
            "ssh-dss \(base64) comment",                 // a type Spider does not import
            "\(base64)",                                 // no type
            "",
            "   \n",
            "ssh-ed25519",                               // no key
            "ssh-rsa \(base64)",                         // the blob is an ed25519 key
            "ssh-ed25519 \(String(base64.dropLast(8)))", // cut short: not base64 any more
            "\(ed)\n\(ed)",                              // two keys
            "-----BEGIN OPENSSH PRIVATE KEY-----",
        ]
        for (n, text) in malformed.enumerated() {
            try host.expect("POST", "/spider/keypair", json: Self.importRequest(c, "bad-\(n)", text), status: 400,
                            mentioning: ["ReqInfo.PublicKey"])
            try host.expect("GET", "/spider/keypair/bad-\(n)" + c.query, status: 404)
        }
        #expect(try Self.cloudKeyNames(host, c).isEmpty, "the driver was never asked")
        #expect(try host.must("GET", "/spider/keypair" + c.query).list("keypair").isEmpty)
        // The name is still free for a good key.
        try host.must("POST", "/spider/keypair", json: Self.importRequest(c, "bad-0", ed))
    }

    @Test("a taken name → 409, for a made key and an imported one; the first key is kept")
    func duplicateName() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host)
        let first = try SSHKeyGen.make("ed25519", name: "k1", in: host.folder).line
        let second = try SSHKeyGen.make("rsa", bits: 2048, name: "k2", in: host.folder).line
        try host.must("POST", "/spider/keypair", json: Self.importRequest(c, "key-01", first))
        try host.expect("POST", "/spider/keypair", json: Self.importRequest(c, "key-01", second), status: 409, mentioning: ["key-01"])
        try host.must("POST", "/spider/keypair", json: Requests.keyPair(c.name, "made-01"))
        try host.expect("POST", "/spider/keypair", json: Self.importRequest(c, "made-01", second), status: 409, mentioning: ["made-01"])
        #expect(try host.must("GET", "/spider/keypair/key-01" + c.query).json["PublicKey"] as? String == first)
        #expect(try Self.cloudKeyNames(host, c).count == 2)
        // An RSA key imports too (under a free name).
        let rsa = try host.must("POST", "/spider/keypair", json: Self.importRequest(c, "key-02", second)).json
        #expect(rsa["PublicKey"] as? String == second && rsa["PrivateKey"] == nil, "\(rsa)")
    }

    @Test("a driver that cannot import (the C example) is refused with 501, and the key it made instead is deleted again")
    func driverWithoutImport() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerCExample(host)
        let key = try SSHKeyGen.make("ed25519", name: "id_ed25519", in: host.folder)
        try host.expect("POST", "/spider/keypair", json: Self.importRequest(c, "imported-01", key.line), status: 501,
                        mentioning: ["does not import public keys", "deleted again"])
        let all = try host.must("GET", "/spider/allkeypair" + c.query).json["AllList"] as? [String: Any] ?? [:]
        #expect((all["MappedList"] as? [Any] ?? []).isEmpty && (all["OnlyCSPList"] as? [Any] ?? []).isEmpty, "\(all)")
        // The name is free again: a plain create takes it.
        try host.must("POST", "/spider/keypair", json: Requests.keyPair(c.name, "imported-01"))
    }
}
