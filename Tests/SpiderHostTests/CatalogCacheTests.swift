// The image and spec catalogues are served from memory per connection: a miss fetches once,
// hits never reach the driver, ?refresh=true and the time-to-live refetch, concurrent misses
// share one driver call, a failed fetch is not kept, and deleting the config forgets them.
// The counting driver numbers its fetches ("spec-<n>"), so a test sees where an answer came from.
import Foundation
import SpiderClient
import SpiderModels
import Testing

@Suite("Catalogue cache")
struct CatalogCacheTests {
    private func countingHost(_ extra: [String] = [], gate: ((TempFolder) throws -> DriverGate)? = nil) throws -> (HostProcess, RegisteredConnection) {
        let host = try HostProcess(ownDrivers: true, extraArguments: extra, start: false)
        let gate = try gate?(host.folder)
        try ThrowawayDriver(name: CountingDriverSource.name, provider: CountingDriverSource.provider, cSource: CountingDriverSource.c(gate: gate))
            .install(into: host.ownDriversDir, scratch: host.folder)
        try host.start()
        let c = try Fixtures.register(host, driver: "counting-driver01", provider: CountingDriverSource.provider, library: nil,
                                      tag: "counting", credentials: [("ApiKey", "k")], region: [("Region", "r1")])
        return (host, c)
    }

    /// The one spec name in a /vmspec answer and its x-spider-cache header.
    private func specList(_ host: HostProcess, _ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> (name: String, cache: String) {
        let r = try host.must("GET", path, sourceLocation: sourceLocation)
        let names = try r.decode(VMSpecList.self, sourceLocation: sourceLocation).vmspec.map(\.Name)
        #expect(names.count == 1, "\(r.text)", sourceLocation: sourceLocation)
        return (names.first ?? "", r.headers[CatalogHeader.name] ?? "")
    }

    @Test("a miss fetches, hits do not, ?refresh=true fetches again; gets answer from the cached list")
    func missHitRefresh() throws {
        let (host, c) = try countingHost()
        // Nothing cached yet: a get goes to the driver (which finds nothing).
        let early = try host.expect("GET", "/spider/vmspec/spec-1" + c.query, status: 404, mentioning: ["finds no spec"])
        #expect(early.headers[CatalogHeader.name] == "miss")

        #expect(try specList(host, "/spider/vmspec" + c.query) == ("spec-1", "miss"))
        #expect(try specList(host, "/spider/vmspec" + c.query) == ("spec-1", "hit"))
        #expect(try specList(host, "/spider/vmspec" + c.query + "&refresh=true") == ("spec-2", "refresh"))
        #expect(try specList(host, "/spider/vmspec" + c.query) == ("spec-2", "hit"))

        // The driver never finds a spec by name: a 200 proves the cached list answered.
        let got = try host.must("GET", "/spider/vmspec/spec-2" + c.query)
        #expect(try got.decode(VMSpecInfo.self).Name == "spec-2")
        #expect(got.headers[CatalogHeader.name] == "hit")
        // A name the cached list lacks is still asked of the driver.
        let other = try host.expect("GET", "/spider/vmspec/spec-1" + c.query, status: 404, mentioning: ["finds no spec"])
        #expect(other.headers[CatalogHeader.name] == "miss")
    }

    @Test("concurrent misses share one driver call")
    func singleFlight() throws {
        var made: DriverGate?
        let (host, c) = try countingHost(["--log-level", "debug"]) { made = try DriverGate(in: $0); return made! }
        let gate = try #require(made)
        // The first miss stops in the driver; five more arrive while it is there and join it
        // (the host logs each join), then the fetch goes on.
        try gate.arm()
        let first = Thread.detachedResult { try host.call("GET", "/spider/vmspec" + c.query) }
        try gate.waitUntilTaken()
        let joiners = (0..<5).map { _ in Thread.detachedResult { try host.call("GET", "/spider/vmspec" + c.query) } }
        let joined = try FileWatch.wait(for: host.logPath) { log in
            log.components(separatedBy: "joining the fetch in flight").count - 1 >= 5 ? true : nil
        }
        try #require(joined == true, "five requests should have joined the fetch in flight\n\(host.logTail())")
        gate.open()
        for answer in [first] + joiners {
            let r = try answer.value()
            #expect(r.headers[CatalogHeader.name] == "miss")
            #expect(try r.decode(VMSpecList.self).vmspec.map(\.Name) == ["spec-1"], "every request sees the one fetch: \(r.text)")
        }
        #expect(try specList(host, "/spider/vmspec" + c.query) == ("spec-1", "hit"))
        #expect(try specList(host, "/spider/vmspec" + c.query + "&refresh=true") == ("spec-2", "refresh"), "the driver was asked once before")
    }

    @Test("with --catalog-ttl 1 an entry expires and the next list fetches again")
    func timeToLive() throws {
        let (host, c) = try countingHost(["--catalog-ttl", "1"])
        let asked = Date()
        #expect(try specList(host, "/spider/vmspec" + c.query) == ("spec-1", "miss"))
        let answered = Date()
        // Time is what this test is about: the entry is younger than a second until `asked` + 1 s at
        // the earliest, and older than a second from `answered` + 1 s on. Each check is made only on
        // its side of that line (a slow machine skips the first rather than fail), never by polling.
        let hit = try specList(host, "/spider/vmspec" + c.query)
        if Date() < asked.addingTimeInterval(1) { #expect(hit == ("spec-1", "hit")) }
        Thread.sleep(until: answered.addingTimeInterval(1.05))   // the TTL under test passes
        #expect(try specList(host, "/spider/vmspec" + c.query) == ("spec-2", "miss"), "the entry expired")
        #expect(try specList(host, "/spider/vmspec" + c.query) == ("spec-2", "hit"))
    }

    @Test("deleting the connection config drops its catalogues")
    func deleteDrops() throws {
        let (host, c) = try countingHost()
        #expect(try specList(host, "/spider/vmspec" + c.query) == ("spec-1", "miss"))
        #expect(try specList(host, "/spider/vmspec" + c.query) == ("spec-1", "hit"))
        try host.must("DELETE", "/spider/connectionconfig/\(c.name)")
        try host.expect("GET", "/spider/vmspec" + c.query, status: 404, mentioning: [c.name])
        try host.must("POST", "/spider/connectionconfig", json: [
            "ConfigName": c.name, "ProviderName": CountingDriverSource.provider, "DriverName": c.driver,
            "CredentialName": c.credential, "RegionName": c.region,
        ])
        #expect(try specList(host, "/spider/vmspec" + c.query) == ("spec-2", "miss"))
    }

    @Test("a failed fetch is not cached; the raw spec list is cached like the others")
    func failureNotCached() throws {
        let (host, c) = try countingHost()
        try host.expect("GET", "/spider/vmorgspec" + c.query, status: 502, mentioning: ["vmspec.org.list", "first raw spec fetch fails"])
        let second = try host.must("GET", "/spider/vmorgspec" + c.query)
        #expect(second.headers[CatalogHeader.name] == "miss")
        #expect((second.json["VMSpecInfo"] as? [String: Any])?["Call"] as? Int == 2)
        let third = try host.must("GET", "/spider/vmorgspec" + c.query)
        #expect(third.headers[CatalogHeader.name] == "hit")
        #expect((third.json["VMSpecInfo"] as? [String: Any])?["Call"] as? Int == 2)
    }

    @Test("a driver without imageHandler is 501 naming it; bad connection names are 400 and 404")
    func refusals() throws {
        let (host, c) = try countingHost()
        try host.expect("GET", "/spider/vmimage" + c.query, status: 501, mentioning: ["imageHandler"])
        try host.expect("GET", "/spider/vmimage/x" + c.query, status: 501, mentioning: ["imageHandler"])
        try host.expect("GET", "/spider/vmspec", status: 400, mentioning: ["ConnectionName"])
        try host.expect("GET", "/spider/vmspec" + connectionQuery("nope"), status: 404, mentioning: ["nope"])
        try host.expect("GET", "/spider/vmorgspec/x" + connectionQuery("nope"), status: 404, mentioning: ["nope"])
    }

    @Test("Mock: images and specs are cached per connection; raw specs list and get")
    func mockCatalogues() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "cache", region: "mock-region-1")
        let first = try host.must("GET", "/spider/vmimage" + c.query)
        #expect(first.headers[CatalogHeader.name] == "miss")
        #expect(try first.decode(ImageList.self).image.count == 7)
        let second = try host.must("GET", "/spider/vmimage" + c.query)
        #expect(second.headers[CatalogHeader.name] == "hit")
        #expect(second.body == first.body)
        let image = try host.must("GET", "/spider/vmimage/mock-vmimage-03" + c.query)
        #expect(image.headers[CatalogHeader.name] == "hit")
        #expect(try image.decode(ImageInfo.self).OSDistribution == "Debian 12 (bookworm)")
        try host.expect("GET", "/spider/vmimage/no-such-image" + c.query, status: 404, mentioning: ["no-such-image"])

        let specs = try host.must("GET", "/spider/vmspec" + c.query).decode(VMSpecList.self).vmspec
        #expect(specs.count == 7 && specs.allSatisfy { $0.Region == "mock-region-1" })

        let raw = try host.must("GET", "/spider/vmorgspec" + c.query)
        let types = ((raw.json["VMSpecInfo"] as? [String: Any])?["InstanceTypes"] as? [[String: Any]]) ?? []
        #expect(types.count == 7, "\(raw.text)")
        let one = try host.must("GET", "/spider/vmorgspec/mock-vmspec-06" + c.query)
        let spec = one.json["VMSpecInfo"] as? [String: Any]
        #expect(spec?["InstanceType"] as? String == "mock-vmspec-06")
        #expect(((spec?["GpuInfo"] as? [[String: Any]])?.first?["Manufacturer"]) as? String == "NVIDIA")
        try host.expect("GET", "/spider/vmorgspec/no-such-spec" + c.query, status: 404, mentioning: ["no-such-spec"])
    }
}

enum CatalogHeader {
    static let name = "x-spider-cache"
}
