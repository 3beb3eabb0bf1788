// Drivers installed from registries into a running host: from a folder and over HTTP, on demand
// (registering a provider, a connection's first use) and explicitly, with progress; what was
// installed, by whom signed, and which connection runs which version.
import Foundation
import SpiderClient
import Testing

@Suite("Driver registry in the host", .serialized)
struct DriverRegistryTests {
    /// A host with no staged drivers, installing from `registry`.
    static func host(_ registry: TestRegistry, registryURL: String? = nil, extra: [String] = []) throws -> HostProcess {
        let args = registryURL.map { ["--registry", $0, "--trusted-keys", registry.trusted] } ?? registry.hostArguments
        return try HostProcess(driversDirs: [], extraArguments: args + extra)
    }

    static func keyID(_ registry: TestRegistry) throws -> String {
        let text = try String(contentsOfFile: registry.keys + "/spider-registry.pub", encoding: .utf8)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("key-id:") }) else { throw TestFailure("no key-id in the public key") }
        return line.dropFirst("key-id:".count).trimmingCharacters(in: .whitespaces)
    }

    static func installed(_ host: HostProcess) throws -> [[String: Any]] {
        try host.must("GET", "/spider/driver/installed").list("installed")
    }

    @Test("registering a provider installs its driver from a folder registry; the driver works at once and after a restart")
    func onDemandFromFolder() throws {
        let registry = try TestRegistry()
        try registry.addStaged("mock")
        try registry.addStaged("cexample")
        try registry.publish()
        let host = try Self.host(registry)
        #expect(try Self.installed(host).isEmpty)

        let mock = try Fixtures.registerMock(host)
        try host.must("POST", "/spider/vpc", json: ["ConnectionName": mock.name, "ReqInfo": [
            "Name": "vpc-1", "IPv4_CIDR": "10.0.0.0/16", "SubnetInfoList": [["Name": "subnet-1", "IPv4_CIDR": "10.0.1.0/24"]],
        ]])
        let c = try Fixtures.registerCExample(host)
        try host.must("GET", "/spider/vmspec\(c.query)")

        let rows = try Self.installed(host)
        #expect(rows.map { "\($0["Name"] ?? "") \($0["Version"] ?? "")" }.sorted() == ["cexample 1.0.0", "mock 1.0.0"])
        let key = try Self.keyID(registry)
        for row in rows {
            #expect(row["Signer"] as? String == key)
            #expect(row["Source"] as? String == registry.registry)
            #expect(row["Managed"] as? Bool == true)
            #expect((row["Folder"] as? String)?.hasPrefix(host.dataDir + "/drivers/") == true)
        }
        #expect(rows.first { $0["Name"] as? String == "mock" }?["Connections"] as? [String] == [mock.name])
        #expect(try host.must("GET", "/spider/driver/job").list("job").map { $0["State"] as? String } == ["done", "done"])

        // Installed for good: a restarted host needs no registry to use them.
        try FileManager.default.removeItem(atPath: registry.registry)
        try host.restart()
        let vpcs = try host.must("GET", "/spider/vpc\(mock.query)").list("vpc")
        #expect(vpcs.count == 1)
        #expect(try host.must("GET", "/spider/driver/job").list("job").isEmpty)
    }

    @Test("an install from an HTTP registry runs as a job a client follows change by change, mid-download included")
    func installOverHTTPWithProgress() throws {
        let registry = try TestRegistry()
        try registry.addStaged("cexample")
        try registry.publish()
        let size = try #require(try FileManager.default.attributesOfItem(atPath: try registry.archive("cexample", "1.0.0"))[.size] as? Int)
        // The server sends half the bundle, then holds it until the test has seen the job mid-download.
        let server = try StaticHTTPServer(serving: registry.registry, scratch: registry.folder, holdingArchiveAfter: size / 2)
        let host = try Self.host(registry, registryURL: server.url)

        let status = try host.must("GET", "/spider/registry").list("registry")
        #expect(status.first?["Location"] as? String == server.url)
        #expect(status.first?["Signer"] as? String == (try Self.keyID(registry)))
        let offers = try host.must("GET", "/spider/registry/driver?query=cexample").list("driver")
        #expect(offers.map { $0["Installed"] as? Bool } == [false])

        let started = try host.must("POST", "/spider/driver/install?async=true", json: ["Name": "cexample"], status: 202)
        let id = try #require(started.json["Id"] as? String)
        var seen = [started.json]
        let midway = try Self.follow(host, job: started.json, seen: &seen) { ($0["Bytes"] as? Int ?? 0) > 0 }
        #expect(midway["State"] as? String == "downloading", "\(midway)")
        #expect((1...(size / 2)).contains(midway["Bytes"] as? Int ?? 0) && midway["TotalBytes"] as? Int == size, "\(midway)")
        server.release()
        let job = try Self.follow(host, job: midway, seen: &seen) { $0["FinishedAt"] != nil }
        #expect(job["State"] as? String == "done", "job: \(job)")
        #expect(job["Bytes"] as? Int == size && job["TotalBytes"] as? Int == size)
        #expect(try host.must("GET", "/spider/driver/job/\(id)").json["Revision"] as? Int == job["Revision"] as? Int)
        // Every answer was a newer revision, and the states went forward only.
        let revisions = seen.compactMap { $0["Revision"] as? Int }
        #expect(revisions == revisions.sorted() && Set(revisions).count == revisions.count, "\(revisions)")
        let order = ["queued", "downloading", "installing", "done"]
        let states = seen.compactMap { ($0["State"] as? String).flatMap(order.firstIndex(of:)) }
        #expect(states.count == seen.count && states == states.sorted(), "\(seen.map { $0["State"] ?? "?" })")
        // A wait that nothing ends answers the job as it is when `wait` passes; a bad `after` is 400.
        #expect(try host.must("GET", "/spider/driver/job/\(id)?after=\(revisions.last ?? 0)&wait=0").json["Revision"] as? Int == revisions.last)
        try host.expect("GET", "/spider/driver/job/\(id)?after=soon", status: 400, mentioning: ["after", "soon"])
        try host.expect("GET", "/spider/driver/job/\(id)?after=1&wait=-1", status: 400, mentioning: ["wait"])

        let c = try Fixtures.registerCExample(host)
        try host.must("GET", "/spider/vmspec\(c.query)")
        #expect(try host.must("GET", "/spider/registry/driver?query=cexample").list("driver").map { $0["Installed"] as? Bool } == [true])
        #expect(try Self.installed(host).first?["Source"] as? String == server.url)
    }

    @Test("an https registry with a private CA: refused without --registry-ca, installed with it")
    func httpsRegistryWithPrivateCA() throws {
        let registry = try TestRegistry()
        try registry.addStaged("cexample")
        try registry.publish()
        let tls = try selfSignedCertificate(in: registry.folder)
        let server = try StaticHTTPServer(serving: registry.registry, scratch: registry.folder, tls: tls)
        let strict = try Self.host(registry, registryURL: server.url)
        try strict.expect("POST", "/spider/driver/install", json: ["Name": "cexample"], status: 502, mentioning: ["certificate"])
        strict.stop()

        let host = try Self.host(registry, registryURL: server.url, extra: ["--registry-ca", tls.certificate])
        try host.must("POST", "/spider/driver/install", json: ["Name": "cexample"])
        #expect(try Self.installed(host).map { $0["Source"] as? String } == [server.url])
    }

    @Test("a connection whose driver was removed reinstalls it on its next call; removal in use needs force")
    func firstUseReinstalls() throws {
        let registry = try TestRegistry()
        try registry.addStaged("mock")
        try registry.publish()
        let host = try Self.host(registry)
        let mock = try Fixtures.registerMock(host)
        try host.must("GET", "/spider/vpc\(mock.query)")

        try host.expect("DELETE", "/spider/driver/installed/mock/1.0.0", status: 409, mentioning: ["in use", mock.name, "force"])
        try host.must("DELETE", "/spider/driver/installed/mock/1.0.0?force=true")
        #expect(!FileManager.default.fileExists(atPath: host.dataDir + "/drivers/mock/1.0.0"))
        #expect(try Self.installed(host).isEmpty)
        try host.expect("DELETE", "/spider/driver/installed/mock/1.0.0", status: 404, mentioning: ["not installed"])

        try host.must("GET", "/spider/vpc\(mock.query)")
        #expect(try Self.installed(host).map { $0["Connections"] as? [String] } == [[mock.name]])
        #expect(try host.must("GET", "/spider/driver/job").list("job").count == 2)
    }

    @Test("a different build installed under a loaded version's number is refused with a clear 503, not silently ignored")
    func rebuiltSameVersion() throws {
        let registry = try TestRegistry()
        try registry.add(VersionedDriverSource.driver(version: "1.0.0"))
        try registry.publish()
        let host = try Self.host(registry)
        let c = try Fixtures.register(host, driver: "versioned-driver", provider: VersionedDriverSource.provider, library: nil, tag: "v",
                                      credentials: [("ApiKey", "k")], region: [("Region", "r1")])
        try host.must("GET", "/spider/vmspec\(c.query)")
        try host.must("DELETE", "/spider/driver/installed/versioned/1.0.0?force=true")

        try FileManager.default.removeItem(atPath: registry.registry + "/versioned")
        try registry.add(VersionedDriverSource.driver(version: "1.0.0", build: 2))  // other code, same version
        try registry.publish()
        try host.must("POST", "/spider/driver/install", json: ["Name": "versioned"])
        try host.expect("GET", "/spider/vmspec\(c.query)&refresh=true", status: 503, mentioning: ["different build", "restart", "new version"])
        try host.restart()
        try host.must("GET", "/spider/vmspec\(c.query)")
    }

    @Test("what the registries do not offer is a clear 404/400, not an install")
    func unknownDriversAndVersions() throws {
        let registry = try TestRegistry()
        try registry.addStaged("mock")
        try registry.add(ThrowawayDriver(name: "future", provider: "FUTURE", cSource: VersionedDriverSource.c(version: "1.0.0"),
                                         abiVersion: 2))
        try registry.publish()
        let host = try Self.host(registry)
        try host.expect("POST", "/spider/driver/install", json: ["Name": "nope"], status: 404, mentioning: ["no configured registry offers", "nope"])
        try host.expect("POST", "/spider/driver/install", json: ["Name": "mock", "Version": "^2"], status: 404, mentioning: ["^2", "offered: 1.0.0"])
        try host.expect("POST", "/spider/driver/install", json: ["Name": "mock", "Version": "two"], status: 400, mentioning: ["not a version constraint"])
        try host.expect("POST", "/spider/driver/install", json: ["Name": "future"], status: 404, mentioning: ["ABI 2", "this host loads ABI 1"])
        try host.expect("POST", "/spider/driver/install", json: [:], status: 400, mentioning: ["Name", "ProviderName"])
        try host.expect("POST", "/spider/driver", json: ["DriverName": "d", "ProviderName": "NOPE"], status: 404, mentioning: ["NOPE"])
        try host.expect("POST", "/spider/driver", json: ["DriverName": "install", "ProviderName": "MOCK"], status: 400, mentioning: ["reserved"])
        #expect(try Self.installed(host).isEmpty)
        host.expectReady()
    }

    /// Follows a job with `?after=<Revision>` (each answer is its next change) until `reached` holds
    /// or it finishes; every answer is appended to `seen`. No polling: the host answers at each change.
    static func follow(_ host: HostProcess, job: [String: Any], seen: inout [[String: Any]],
                       until reached: ([String: Any]) -> Bool) throws -> [String: Any] {
        let id = try #require(job["Id"] as? String)
        var current = job
        for _ in 0..<20 where !reached(current) && current["FinishedAt"] == nil {
            let revision = current["Revision"] as? Int ?? 0
            current = try host.must("GET", "/spider/driver/job/\(id)?after=\(revision)&wait=30").json
            if current["Revision"] as? Int != revision { seen.append(current) }
        }
        try #require(reached(current), "the job never got there: \(current)")
        return current
    }

    @Test("a host killed with SIGKILL in the middle of an install leaves no half-installed driver; the next install succeeds")
    func killedMidInstall() throws {
        let registry = try TestRegistry()
        try registry.add(VersionedDriverSource.driver(version: "1.0.0"), padBytes: 4 << 20)
        try registry.publish()
        // The server sends 1 MiB of the bundle and then holds the rest for as long as the test runs.
        let server = try StaticHTTPServer(serving: registry.registry, scratch: registry.folder, holdingArchiveAfter: 1 << 20)
        let host = try Self.host(registry, registryURL: server.url)
        let started = try host.must("POST", "/spider/driver/install?async=true", json: ["Name": "versioned"], status: 202).json
        var seen: [[String: Any]] = []
        let midway = try Self.follow(host, job: started, seen: &seen) { ($0["Bytes"] as? Int ?? 0) > 0 }
        #expect(midway["State"] as? String == "downloading" && midway["FinishedAt"] == nil, "the download is held midway: \(midway)")
        let store = host.dataDir + "/drivers"
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: store + "/.downloads")).isEmpty, "a download is under way")
        #expect(host.killHard() == .signal(SIGKILL))

        try host.start()
        #expect(try Self.installed(host).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: store + "/versioned"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: store + "/.downloads").isEmpty, "the dead host's download was removed")
        #expect(try FileManager.default.contentsOfDirectory(atPath: store + "/.staging").isEmpty)
        let done = try host.must("POST", "/spider/driver/install", json: ["Name": "versioned"])
        #expect(done.json["State"] as? String == "done")
        #expect(try Self.installed(host).map { $0["Version"] as? String } == ["1.0.0"])
    }

    @Test("upgrading while a connection runs the old version: it keeps it (even mid-call) until reopened; new connections get the new one")
    func upgradeSideBySide() throws {
        let registry = try TestRegistry()
        let gate = try DriverGate(in: registry.folder)
        try registry.add(VersionedDriverSource.driver(version: "1.0.0", gate: gate))
        try registry.publish()
        let host = try Self.host(registry)
        let register = { (tag: String) in
            try Fixtures.register(host, driver: "versioned-driver", provider: VersionedDriverSource.provider, library: nil, tag: tag,
                                  credentials: [("ApiKey", "k")], region: [("Region", "r1")])
        }
        @Sendable func spec(_ c: RegisteredConnection, refresh: Bool = false) throws -> String? {
            try host.must("GET", "/spider/vmspec\(c.query)\(refresh ? "&refresh=true" : "")").list("vmspec").first?["Name"] as? String
        }
        let old = try register("old")
        #expect(try spec(old) == "spec-1.0.0")

        // 1.1.0 appears in the registry and is installed beside 1.0.0.
        try registry.add(VersionedDriverSource.driver(version: "1.1.0"))
        try registry.publish()
        let upgraded = try host.must("POST", "/spider/driver/upgrade", json: ["Name": VersionedDriverSource.name])
        #expect(upgraded.json["Version"] as? String == "1.1.0")

        let fresh = try register("fresh")
        #expect(try spec(fresh) == "spec-1.1.0")
        #expect(try spec(old, refresh: true) == "spec-1.0.0")
        let rows = try Self.installed(host)
        #expect(rows.map { $0["Version"] as? String } == ["1.0.0", "1.1.0"])
        #expect(rows.map { $0["Connections"] as? [String] } == [[old.name], [fresh.name]])
        #expect(rows.map { $0["Newest"] as? Bool } == [false, true])

        // A call in flight on 1.0.0 while an upgrade reopens the connection: the call finishes on
        // 1.0.0, the next one runs 1.1.0 (and the catalogue 1.0.0 fetched is not served again).
        try gate.arm()
        let slow = Thread.detachedResult { try spec(old, refresh: true) }
        try gate.waitUntilTaken()
        try host.must("POST", "/spider/driver/upgrade", json: ["Name": VersionedDriverSource.name, "Reopen": true])
        gate.open()
        #expect(try slow.value() == "spec-1.0.0")
        #expect(try spec(old) == "spec-1.1.0")
        try host.must("DELETE", "/spider/driver/installed/versioned/1.0.0")
        #expect(try Self.installed(host).map { $0["Version"] as? String } == ["1.1.0"])
    }
}

extension Thread {
    /// Runs `body` on a new thread; `value()` waits for its result.
    static func detachedResult<T: Sendable>(_ body: @escaping @Sendable () throws -> T) -> DetachedResult<T> {
        let result = DetachedResult<T>()
        Thread.detachNewThread { result.set(Result { try body() }) }
        return result
    }
}

final class DetachedResult<T: Sendable>: @unchecked Sendable {
    private let done = NSCondition()
    private var result: Result<T, Error>?
    func set(_ r: Result<T, Error>) { done.lock(); result = r; done.broadcast(); done.unlock() }
    func value() throws -> T {
        done.lock()
        defer { done.unlock() }
        while result == nil { done.wait() }
        return try result!.get()
    }
}
