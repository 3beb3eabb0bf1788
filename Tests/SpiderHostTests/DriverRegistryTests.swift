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

    @Test("an install from an HTTP registry runs as a job whose progress reaches the archive's size")
    func installOverHTTPWithProgress() throws {
        let registry = try TestRegistry()
        try registry.addStaged("cexample")
        try registry.publish()
        let server = try StaticHTTPServer(serving: registry.registry, scratch: registry.folder)
        let host = try Self.host(registry, registryURL: server.url)

        let status = try host.must("GET", "/spider/registry").list("registry")
        #expect(status.first?["Location"] as? String == server.url)
        #expect(status.first?["Signer"] as? String == (try Self.keyID(registry)))
        let offers = try host.must("GET", "/spider/registry/driver?query=cexample").list("driver")
        #expect(offers.map { $0["Installed"] as? Bool } == [false])

        let started = try host.must("POST", "/spider/driver/install?async=true", json: ["Name": "cexample"], status: 202)
        let id = try #require(started.json["Id"] as? String)
        var job: [String: Any] = [:]
        var states: [String] = []
        for _ in 0..<600 {
            job = try host.must("GET", "/spider/driver/job/\(id)").json
            if let s = job["State"] as? String, states.last != s { states.append(s) }
            if job["FinishedAt"] != nil { break }
            usleep(20_000)
        }
        #expect(job["State"] as? String == "done", "job: \(job)")
        let size = try FileManager.default.attributesOfItem(atPath: try registry.archive("cexample", "1.0.0"))[.size] as? Int
        #expect(job["Bytes"] as? Int == size && job["TotalBytes"] as? Int == size)
        #expect(states.last == "done" && Set(states).isSubset(of: ["queued", "downloading", "installing", "done"]))

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
        try registry.add(VersionedDriverSource.driver(version: "1.0.0", delayMs: 0))
        try registry.publish()
        let host = try Self.host(registry)
        let c = try Fixtures.register(host, driver: "versioned-driver", provider: VersionedDriverSource.provider, library: nil, tag: "v",
                                      credentials: [("ApiKey", "k")], region: [("Region", "r1")])
        try host.must("GET", "/spider/vmspec\(c.query)")
        try host.must("DELETE", "/spider/driver/installed/versioned/1.0.0?force=true")

        try FileManager.default.removeItem(atPath: registry.registry + "/versioned")
        try registry.add(VersionedDriverSource.driver(version: "1.0.0", delayMs: 1))  // other code, same version
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
        try registry.add(ThrowawayDriver(name: "future", provider: "FUTURE", cSource: VersionedDriverSource.c(version: "1.0.0", delayMs: 0),
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

    @Test("a host killed with SIGKILL in the middle of an install leaves no half-installed driver; the next install succeeds")
    func killedMidInstall() throws {
        let registry = try TestRegistry()
        try registry.add(VersionedDriverSource.driver(version: "1.0.0", delayMs: 0), padBytes: 4 << 20)
        try registry.publish()
        let server = try StaticHTTPServer(serving: registry.registry, scratch: registry.folder, bytesPerSecond: 1 << 20)
        let host = try Self.host(registry, registryURL: server.url)
        let id = try #require(try host.must("POST", "/spider/driver/install?async=true", json: ["Name": "versioned"], status: 202).json["Id"] as? String)
        var bytes = 0
        for _ in 0..<500 where bytes == 0 {
            bytes = try host.must("GET", "/spider/driver/job/\(id)").json["Bytes"] as? Int ?? 0
            usleep(20_000)
        }
        try #require(bytes > 0, "the download never started")
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
        try registry.add(VersionedDriverSource.driver(version: "1.0.0", delayMs: 1500))
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
        try registry.add(VersionedDriverSource.driver(version: "1.1.0", delayMs: 0))
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
        let slow = Thread.detachedResult { try spec(old, refresh: true) }
        usleep(300_000)
        try host.must("POST", "/spider/driver/upgrade", json: ["Name": VersionedDriverSource.name, "Reopen": true])
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
