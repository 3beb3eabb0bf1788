// spctl deploy against a real host: one infra.json onto 5 Mock connections at once, one of them
// given an image its cloud does not have. The summary, the exit code, what the host's REST API
// shows on every connection, the saved private keys, and `--destroy` leaving nothing anywhere.
import Foundation
import Testing

@Suite("spctl deploy")
struct SpctlDeployTests {
    static let infra = """
        {
          "vpc": {"name": "vpc-01", "cidr": "10.0.0.0/16",
                  "subnets": [{"name": "subnet-01", "cidr": "10.0.1.0/24"}, {"name": "subnet-02", "cidr": "10.0.2.0/24"}]},
          "securityGroups": [{"name": "sg-web", "rules": [{"from": 80}, {"from": 443, "cidr": "10.0.0.0/8"}]},
                             {"name": "sg-ssh", "rules": [{"from": "22", "protocol": "tcp", "direction": "inbound"}]}],
          "keyPair": {"name": "key-01"},
          "vms": [{"name": "vm-web", "securityGroups": ["sg-web", "sg-ssh"]},
                  {"name": "vm-db", "subnet": "subnet-02", "securityGroups": ["sg-ssh"], "spec": "mock-vmspec-02"}],
          "defaults": {"image": "mock-vmimage-01", "spec": "mock-vmspec-01"},
          "connections": {},
          "tags": {"project": "deploy-test"}
        }
        """

    @Test("deploy onto 5 Mock connections, one failing: summary, exit 1, resources via REST; --destroy leaves nothing")
    func deployAndDestroy() throws {
        let host = try HostProcess()
        var connections: [RegisteredConnection] = []
        for i in 0..<5 { connections.append(try Fixtures.registerMock(host, tag: "deploy\(i)")) }
        let broken = connections[2]
        // The broken connection's VMs ask for an image its cloud does not have (a per-connection override).
        let file = host.folder.file("infra.json")
        try Self.infra.replacingOccurrences(of: #""connections": {}"#,
                                            with: #""connections": {"\#(broken.name)": {"image": "no-such-image"}}"#)
            .write(toFile: file, atomically: true, encoding: .utf8)
        let keys = host.folder.file("keys")
        let names = connections.map(\.name).joined(separator: ",")

        let r = try Spctl.must(host, ["deploy", "-f", file, "--connections", names, "--parallel", "5", "--save-keys", keys], code: 1)
        #expect(r.json["Action"] as? String == "deploy" && r.json["AllSucceeded"] as? Bool == false, "\(r.stdout)")
        let results = try #require(r.json["Connections"] as? [[String: Any]], "\(r.stdout)")
        #expect(results.map { $0["ConnectionName"] as? String } == connections.map(\.name), "in the order given")
        let expected = ["vpc:vpc-01", "securitygroup:sg-web", "securitygroup:sg-ssh", "keypair:key-01", "vm:vm-web", "vm:vm-db"]
        for (c, result) in zip(connections, results) where c.name != broken.name {
            #expect(result["Succeeded"] as? Bool == true && result["Error"] == nil, "\(c.name): \(result)")
            #expect(steps(result["Done"]) == expected, "\(c.name): \(result)")
            try expectDeployed(host, "\(c.name)")
        }
        let failed = results[2]
        #expect(failed["Succeeded"] as? Bool == false)
        #expect(steps(failed["Done"]) == Array(expected.prefix(4)), "created up to the first VM: \(failed)")
        #expect(steps([failed["FailedStep"] as Any]) == ["vm:vm-web"], "\(failed)")
        #expect((failed["Error"] as? String)?.contains("no-such-image") == true, "the reason: \(failed)")
        #expect(try host.must("GET", "/spider/vm" + broken.query).list("vm").isEmpty)
        #expect(try host.must("GET", "/spider/keypair" + broken.query).list("keypair").count == 1)
        #expect(r.stderr.contains("1 of 5 connections failed") && r.stderr.contains(broken.name), "\(r.stderr)")
        // Not a terminal: plain progress lines on stderr, one per change, each naming its connection.
        #expect(r.stderr.contains("\(connections[0].name): 0/6 creating vpc vpc-01\n"), "\(r.stderr)")
        #expect(r.stderr.contains("\(connections[0].name): 5/6 creating vm vm-db\n"), "\(r.stderr)")
        #expect(r.stderr.contains("\(connections[0].name): ✓ created 6"), "\(r.stderr)")
        #expect(r.stderr.contains("\(broken.name): ✗ failed at vm vm-web"), "\(r.stderr)")
        #expect(!r.stderr.contains("\u{1B}["), "no cursor movement off a terminal")

        // A private key per connection (the broken one made its key pair too), mode 0600, nothing else.
        let saved = try FileManager.default.contentsOfDirectory(atPath: keys).sorted()
        #expect(saved == connections.map { "\($0.name)-key-01.pem" }.sorted(), "\(saved)")
        for name in saved {
            let mode = try FileManager.default.attributesOfItem(atPath: keys + "/" + name)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(name): \(String(mode ?? 0, radix: 8))")
            #expect(try String(contentsOfFile: keys + "/" + name, encoding: .utf8).contains("PRIVATE KEY"))
        }

        // --destroy: everything goes on all 5 (the broken one's VMs are 'gone already'); the table summary.
        let d = try Spctl.must(host, ["deploy", "-f", file, "--connections", names, "--destroy", "-o", "table"])
        let lines = d.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("CONNECTION") == true && lines.first?.contains("DELETED") == true, "\(d.stdout)")
        let healthy = try #require(lines.first { $0.hasPrefix(connections[0].name) }, "\(d.stdout)")
        #expect(healthy.contains(" ok ") && healthy.contains("vm:vm-db vm:vm-web keypair:key-01 securitygroup:sg-ssh"), "\(healthy)")
        let brokenLine = try #require(lines.first { $0.hasPrefix(broken.name) }, "\(d.stdout)")
        #expect(brokenLine.contains(" ok ") && brokenLine.contains("gone already"), "\(brokenLine)")
        #expect(d.stdout.contains("5 of 5 connections destroyed"), "\(d.stdout)")
        for c in connections { try expectNothingLeft(host, c.name) }

        // Again: all of it is gone already, still a success.
        let again = try Spctl.must(host, ["deploy", "-f", file, "--connections", names, "--destroy"])
        for result in again.json["Connections"] as? [[String: Any]] ?? [] {
            #expect(steps(result["Done"]).isEmpty && steps(result["AlreadyGone"]).count == 6, "\(result)")
        }
    }

    @Test("a Windows image: vmPassword reaches the VM (Administrator on 3389) and is never printed; without it the VM fails naming VMUserPasswd")
    func windowsVM() throws {
        let host = try HostProcess()
        let good = try Fixtures.registerMock(host, tag: "deploywin")
        let bare = try Fixtures.registerMock(host, tag: "deploywin-nopass")
        let password = "Deploy-Win-\(UUID().uuidString.prefix(6))"
        let file = host.folder.file("infra.json")
        try """
            {"vpc": {"name": "vpc-01", "cidr": "10.0.0.0/16", "subnets": [{"name": "subnet-01", "cidr": "10.0.1.0/24"}]},
             "securityGroups": [{"name": "sg-rdp", "rules": [{"from": 3389}]}], "keyPair": {"name": "key-01"},
             "vms": [{"name": "win-01"}],
             "defaults": {"image": "mock-vmimage-06", "spec": "mock-vmspec-01"},
             "connections": {"\(good.name)": {"vmPassword": "\(password)"}}}
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let r = try Spctl.must(host, ["deploy", "-f", file, "--connections", "\(good.name),\(bare.name)"], code: 1)
        #expect(!r.stdout.contains(password) && !r.stderr.contains(password), "the password is never printed")
        let results = r.json["Connections"] as? [[String: Any]] ?? []
        #expect(results.first?["Succeeded"] as? Bool == true, "\(r.stdout)")
        #expect((results.last?["Error"] as? String)?.contains("VMUserPasswd") == true, "\(r.stdout)")
        let vm = try host.must("GET", "/spider/vm/win-01" + good.query).json
        #expect(vm["VMUserId"] as? String == "Administrator" && (vm["AccessPoint"] as? String)?.hasSuffix(":3389") == true, "\(vm)")
    }

    @Test("mistakes are found before anything is created: unknown key, missing image, unknown connection")
    func refusedUpFront() throws {
        let host = try HostProcess()
        let a = try Fixtures.registerMock(host, tag: "a"), b = try Fixtures.registerMock(host, tag: "b")
        let file = host.folder.file("infra.json")
        func run(_ text: String, _ connections: String, code: Int32) throws -> SpctlResult {
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            return try Spctl.must(host, ["deploy", "-f", file, "--connections", connections], code: code)
        }
        let typo = try run(Self.infra.replacingOccurrences(of: #""keyPair": {"name""#, with: #""keyPair": {"nmae""#), "\(a.name)", code: 2)
        #expect(typo.stderr.contains("keyPair") && typo.stderr.contains("'nmae'"), "\(typo.stderr)")
        // b has no image: neither a nor b gets anything.
        let noImage = Self.infra.replacingOccurrences(of: #""defaults": {"image": "mock-vmimage-01", "spec": "mock-vmspec-01"}"#,
                                                      with: #""defaults": {"spec": "mock-vmspec-01"}"#)
            .replacingOccurrences(of: #""connections": {}"#, with: #""connections": {"\#(a.name)": {"image": "mock-vmimage-01"}}"#)
        let missing = try run(noImage, "\(a.name),\(b.name)", code: 2)
        #expect(missing.stderr.contains("image") && missing.stderr.contains(b.name), "\(missing.stderr)")
        let unknown = try run(Self.infra, "\(a.name),nope", code: 3)
        #expect(unknown.stderr.contains("nope"), "\(unknown.stderr)")
        try run("{not json", a.name, code: 2)
        for c in [a, b] { try expectNothingLeft(host, c.name) }

        // Without --connections, the file's "connections" map names them: only a has an entry there.
        try noImage.write(toFile: file, atomically: true, encoding: .utf8)
        let r = try Spctl.must(host, ["deploy", "-f", file])
        #expect((r.json["Connections"] as? [[String: Any]])?.map { $0["ConnectionName"] as? String } == [a.name], "\(r.stdout)")
        try host.must("GET", "/spider/vm/vm-web" + a.query)
        try expectNothingLeft(host, "\(b.name)")
    }

    private func steps(_ value: Any?) -> [String] {
        (value as? [[String: Any]] ?? []).map { "\($0["Type"] as? String ?? ""):\($0["Name"] as? String ?? "")" }
    }

    private func expectDeployed(_ host: HostProcess, _ connection: String) throws {
        let q = connectionQuery(connection)
        let vpc = try host.must("GET", "/spider/vpc/vpc-01" + q).json
        #expect((vpc["SubnetInfoList"] as? [Any])?.count == 2, "\(connection): \(vpc)")
        let sg = try host.must("GET", "/spider/securitygroup/sg-web" + q).json
        #expect((sg["SecurityRules"] as? [Any])?.count == 2, "\(connection): \(sg)")
        try host.must("GET", "/spider/securitygroup/sg-ssh" + q)
        try host.must("GET", "/spider/keypair/key-01" + q)
        let web = try host.must("GET", "/spider/vm/vm-web" + q).json
        #expect(jsonText(web).contains("sg-ssh") && jsonText(web).contains("subnet-01"), "\(connection): \(web)")
        let db = try host.must("GET", "/spider/vm/vm-db" + q).json
        #expect(jsonText(db).contains("mock-vmspec-02") && jsonText(db).contains("subnet-02"), "\(connection): \(db)")
    }

    private func expectNothingLeft(_ host: HostProcess, _ connection: String) throws {
        let q = connectionQuery(connection)
        for kind in ["vpc", "securitygroup", "keypair", "vm"] {
            let left = try host.must("GET", "/spider/\(kind)" + q).list(kind)
            #expect(left.isEmpty, "\(kind) left on \(connection): \(left)")
        }
    }
}

/// A JSON object as text, to look for names anywhere in it.
private func jsonText(_ o: [String: Any]) -> String {
    String(decoding: (try? JSONSerialization.data(withJSONObject: o)) ?? Data(), as: UTF8.self)
}
