// A registry that serves something wrong gets a precise refusal from the host, and nothing is
// installed: no version folder, nothing left in staging or downloads, nothing in the list.
import Foundation
import SpiderClient
import Testing

@Suite("Driver registry refusals in the host", .serialized)
struct DriverRegistryRefusalTests {
    /// A published registry holding the Mock, spoiled by `spoil`; then one install attempt.
    func refuse(status: Int, mentioning fragments: [String], trustNoKey: Bool = false, body: [String: Any] = ["Name": "mock"],
                spoil: (TestRegistry) throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let registry = try TestRegistry()
        try registry.addStaged("mock")
        try registry.publish()
        try spoil(registry)
        let trusted = trustNoKey ? registry.folder.file("no-keys") : registry.trusted
        let host = try HostProcess(driversDirs: [], extraArguments: ["--registry", registry.registry, "--trusted-keys", trusted])
        try host.expect("POST", "/spider/driver/install", json: body, status: status, mentioning: fragments, sourceLocation: sourceLocation)
        try expectNothingInstalled(host, sourceLocation: sourceLocation)
        host.expectReady(sourceLocation: sourceLocation)
    }

    func expectNothingInstalled(_ host: HostProcess, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try host.must("GET", "/spider/driver/installed").list("installed").isEmpty, sourceLocation: sourceLocation)
        let store = host.dataDir + "/drivers"
        let fm = FileManager.default
        #expect(!fm.fileExists(atPath: store + "/mock"), sourceLocation: sourceLocation)
        for leftovers in [".staging", ".downloads"] {
            #expect(((try? fm.contentsOfDirectory(atPath: store + "/" + leftovers)) ?? []).isEmpty,
                    "\(leftovers) is not empty", sourceLocation: sourceLocation)
        }
    }

    static func rewrite(_ path: String, _ change: (inout String) -> Void) throws {
        var text = try String(contentsOfFile: path, encoding: .utf8)
        change(&text)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test("an index changed after signing") func tamperedIndex() throws {
        try refuse(status: 502, mentioning: ["modified after signing"]) { r in
            try Self.rewrite(r.registry + "/index.json") { $0 = $0.replacingOccurrences(of: "\"MOCK\"", with: "\"M0CK\"") }
        }
    }

    @Test("an index signed by a key the host does not trust") func untrustedKey() throws {
        try refuse(status: 502, mentioning: ["untrusted key"], trustNoKey: true) { _ in }
    }

    @Test("an index without a signature; accepted only when explicitly allowed, and recorded as unsigned")
    func missingSignature() throws {
        try refuse(status: 502, mentioning: ["no signature"]) { r in try FileManager.default.removeItem(atPath: r.registry + "/index.json.sig") }

        let registry = try TestRegistry()
        try registry.addStaged("mock")
        try registry.publish()
        try FileManager.default.removeItem(atPath: registry.registry + "/index.json.sig")
        let host = try HostProcess(driversDirs: [], extraArguments: registry.hostArguments)
        try host.must("POST", "/spider/driver/install", json: ["Name": "mock", "AllowUnsigned": true])
        let rows = try host.must("GET", "/spider/driver/installed").list("installed")
        #expect(rows.map { $0["Signer"] as? String } == ["unsigned"])
        #expect(host.logTail().contains("UNSIGNED"))
        // On-demand installs never take the unsigned path.
        try host.expect("POST", "/spider/driver", json: ["DriverName": "c", "ProviderName": "CEXAMPLE"], status: 502, mentioning: ["no signature"])
    }

    @Test("an archive whose bytes differ from the index's SHA-256") func shaMismatch() throws {
        try refuse(status: 502, mentioning: ["SHA-256 mismatch", "mock 1.0.0"]) { r in
            let path = try r.archive("mock", "1.0.0")
            var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            bytes[bytes.count / 2] ^= 0xff
            try bytes.write(to: URL(fileURLWithPath: path))
        }
    }

    @Test("an archive longer than the index says") func longerArchive() throws {
        try refuse(status: 502, mentioning: ["size mismatch"]) { r in
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: try r.archive("mock", "1.0.0")))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(repeating: 0, count: 4096))
            try handle.close()
        }
    }

    @Test("an index entry that does not match the bundle's manifest (re-signed)") func manifestMismatch() throws {
        try refuse(status: 502, mentioning: ["provider"]) { r in
            try Self.rewrite(r.registry + "/index.json") { $0 = $0.replacingOccurrences(of: "\"MOCK\"", with: "\"OTHER\"") }
            let (exit, out) = try ChildProcess.run(TestPaths.spiderPack, ["sign", "--registry", r.registry, "--key", r.keys + "/spider-registry.key"], in: r.folder)
            guard exit == .code(0) else { throw TestFailure("re-sign failed: \(out)") }
        }
    }

    @Test("a bundle with a path-traversal entry, correctly indexed and signed") func traversalBundle() throws {
        let marker = "spider-escape-\(UUID().uuidString.prefix(8))"
        try refuse(status: 502, mentioning: [".."]) { r in
            // Rebuild the Mock's archive with an extra "../<marker>" entry, then index and sign it as usual.
            let path = try r.archive("mock", "1.0.0")
            let script = """
                import io, sys, tarfile
                src, marker = sys.argv[1], sys.argv[2]
                with tarfile.open(src) as t:
                    members = [(m, t.extractfile(m).read() if m.isfile() else None) for m in t.getmembers()]
                with tarfile.open(src, "w:gz") as out:
                    for m, data in members:
                        out.addfile(m, io.BytesIO(data) if data is not None else None)
                    evil = tarfile.TarInfo("../" + marker)
                    payload = b"escaped"
                    evil.size = len(payload)
                    out.addfile(evil, io.BytesIO(payload))
                """
            let (exit, out) = try ChildProcess.run("/usr/bin/env", ["python3", "-c", script, path, marker], in: r.folder)
            guard exit == .code(0) else { throw TestFailure("python failed: \(out)") }
            try r.publish()
        }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/" + marker))
    }
}
