// Regions and zones: CB-Spider's shapes, the cloud's own ("org") data, and the /preconfig
// routes that ask a driver and a credential before any connection config exists.
import Foundation
import Logging
@testable import SpiderHost
import SpiderClient
import SpiderModels
import Testing

@Suite("Regions and zones")
struct RegionZoneTests {
    @Test("regionzone list and get carry each zone's availability")
    func regionZones() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "rz", region: "mock-region-2")
        let all = try host.must("GET", "/spider/regionzone" + c.query).decode(RegionZoneList.self).regionzone
        #expect(all.map(\.Name) == ["default", "mock-region-1", "mock-region-2", "mock-region-3"])
        let two = try host.must("GET", "/spider/regionzone/mock-region-2" + c.query).decode(RegionZoneInfo.self)
        let status = Dictionary(uniqueKeysWithValues: (two.ZoneList ?? []).map { ($0.Name, $0.Status) })
        #expect(status == ["mock-region-2-a": "Available", "mock-region-2-b": "Available", "mock-region-2-c": "Unavailable"])
        try host.expect("GET", "/spider/regionzone/mars-1" + c.query, status: 404, mentioning: ["mars-1"])
    }

    @Test("orgregion and orgzone answer the cloud's own JSON under RegionInfo and ZoneInfo")
    func originalData() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "org", region: "mock-region-2")
        let regions = try host.must("GET", "/spider/orgregion" + c.query).json
        let regionList = (regions["RegionInfo"] as? [String: Any])?["Regions"] as? [[String: Any]] ?? []
        #expect(regionList.compactMap { $0["RegionName"] as? String } == ["default", "mock-region-1", "mock-region-2", "mock-region-3"])

        let zones = try host.must("GET", "/spider/orgzone" + c.query).json
        let zoneList = (zones["ZoneInfo"] as? [String: Any])?["AvailabilityZones"] as? [[String: Any]] ?? []
        let states = Dictionary(uniqueKeysWithValues: zoneList.compactMap { z in
            (z["ZoneName"] as? String).map { ($0, z["State"] as? String ?? "") }
        })
        #expect(states == ["mock-region-2-a": "available", "mock-region-2-b": "available", "mock-region-2-c": "unavailable"])

        try host.expect("GET", "/spider/orgregion", status: 400, mentioning: ["ConnectionName"])
        try host.expect("GET", "/spider/orgzone" + connectionQuery("nope"), status: 404, mentioning: ["nope"])
    }

    @Test("a driver that answers UNSUPPORTED for org data is 501, on a connection and in preconfig")
    func unsupported() throws {
        let host = try HostProcess(ownDrivers: true, start: false)
        try ThrowawayDriver(name: CountingDriverSource.name, provider: CountingDriverSource.provider, cSource: CountingDriverSource.c())
            .install(into: host.ownDriversDir, scratch: host.folder)
        try host.start()
        let c = try Fixtures.register(host, driver: "counting-driver01", provider: CountingDriverSource.provider, library: nil,
                                      tag: "counting", credentials: [("ApiKey", "k")], region: [("Region", "r1")])
        // The throwaway manifest claims regionZoneHandler; the driver answers UNSUPPORTED, which is a 501 too.
        try host.expect("GET", "/spider/orgregion" + c.query, status: 501, mentioning: ["does not do that"])
        try host.expect("GET", "/spider/preconfig/orgregion?DriverName=counting-driver01&CredentialName=\(c.credential)",
                        status: 501, mentioning: ["does not do that"])
    }

    @Test("a driver without regionZoneHandler is 501 naming it, on a connection and in preconfig")
    func withoutCapability() throws {
        let host = try HostProcess(ownDrivers: true, start: false)
        var driver = ThrowawayDriver(name: CountingDriverSource.name, provider: CountingDriverSource.provider, cSource: CountingDriverSource.c())
        driver.capabilities = ["vmspecHandler": true]
        try driver.install(into: host.ownDriversDir, scratch: host.folder)
        try host.start()
        let c = try Fixtures.register(host, driver: "counting-driver01", provider: CountingDriverSource.provider, library: nil,
                                      tag: "counting", credentials: [("ApiKey", "k")], region: [("Region", "r1")])
        for path in ["/spider/orgregion", "/spider/orgzone", "/spider/regionzone"] {
            try host.expect("GET", path + c.query, status: 501, mentioning: ["regionZoneHandler"])
        }
        let q = "?DriverName=counting-driver01&CredentialName=\(c.credential)"
        for path in ["/spider/preconfig/regionzone", "/spider/preconfig/regionzone/r1", "/spider/preconfig/orgregion"] {
            try host.expect("GET", path + q, status: 501, mentioning: ["regionZoneHandler"])
        }
    }

    @Test("preconfig through the plain-C example driver")
    func preconfigCExample() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerCExample(host, tag: "pre")
        let q = "?DriverName=\(c.driver)&CredentialName=\(c.credential)"
        let all = try host.must("GET", "/spider/preconfig/regionzone" + q).decode(RegionZoneList.self).regionzone
        #expect(Set(all.map(\.Name)) == ["example-east", "example-west"])
        let west = try host.must("GET", "/spider/preconfig/regionzone/example-west" + q).decode(RegionZoneInfo.self)
        #expect(west.ZoneList?.map(\.Name) == ["example-west-a"])
        // The example driver has no org data: its UNSUPPORTED is a 501.
        try host.expect("GET", "/spider/preconfig/orgregion" + q, status: 501, mentioning: ["regionzone.org.list"])
    }

    @Test("preconfig: regions from a driver and a credential alone, before any connection config")
    func preconfig() throws {
        let host = try HostProcess()
        try host.must("POST", "/spider/driver", json: ["DriverName": Fixtures.mockDriverName, "ProviderName": "MOCK",
                                                        "DriverLibFileName": "libspider-driver-mock.so"])
        try host.must("POST", "/spider/credential", json: [
            "CredentialName": "pre-cred", "ProviderName": "MOCK",
            "KeyValueInfoList": Fixtures.keyValues([("MockName", "pre-\(UUID().uuidString.prefix(8))")]),
        ])
        let q = "?DriverName=\(Fixtures.mockDriverName)&CredentialName=pre-cred"

        let all = try host.must("GET", "/spider/preconfig/regionzone" + q).decode(RegionZoneList.self).regionzone
        #expect(all.map(\.Name) == ["default", "mock-region-1", "mock-region-2", "mock-region-3"])
        let one = try host.must("GET", "/spider/preconfig/regionzone/mock-region-2" + q).decode(RegionZoneInfo.self)
        #expect(one.ZoneList?.first { $0.Name == "mock-region-2-c" }?.Status == "Unavailable")
        let org = try host.must("GET", "/spider/preconfig/orgregion" + q).json
        #expect(((org["RegionInfo"] as? [String: Any])?["Regions"] as? [Any])?.count == 4)

        try host.expect("GET", "/spider/preconfig/regionzone/mars-1" + q, status: 404, mentioning: ["mars-1"])
        try host.expect("GET", "/spider/preconfig/regionzone?CredentialName=pre-cred", status: 400, mentioning: ["DriverName"])
        try host.expect("GET", "/spider/preconfig/orgregion?DriverName=\(Fixtures.mockDriverName)", status: 400, mentioning: ["CredentialName"])
        try host.expect("GET", "/spider/preconfig/regionzone?DriverName=nope&CredentialName=pre-cred", status: 404, mentioning: ["nope"])
        try host.expect("GET", "/spider/preconfig/regionzone?DriverName=\(Fixtures.mockDriverName)&CredentialName=nope",
                        status: 404, mentioning: ["nope"])

        // A credential for another provider → 400; one the driver refuses (no MockName) → 400 naming the key.
        try host.must("POST", "/spider/credential", json: [
            "CredentialName": "other-cred", "ProviderName": "CEXAMPLE", "KeyValueInfoList": Fixtures.keyValues([("ApiKey", "k")]),
        ])
        try host.expect("GET", "/spider/preconfig/regionzone?DriverName=\(Fixtures.mockDriverName)&CredentialName=other-cred",
                        status: 400, mentioning: ["CEXAMPLE", "MOCK"])
        try host.must("POST", "/spider/credential", json: [
            "CredentialName": "empty-cred", "ProviderName": "MOCK", "KeyValueInfoList": Fixtures.keyValues([("ClientId", "x")]),
        ])
        try host.expect("GET", "/spider/preconfig/regionzone?DriverName=\(Fixtures.mockDriverName)&CredentialName=empty-cred",
                        status: 400, mentioning: ["MockName"])
        host.expectReady()
    }
}

/// The pre-connection contract, checked on the Mock library itself (the host only ever sends
/// regionzone.* on a pre-connection, so REST cannot reach the refusal).
@Suite("Pre-connection (ABI)")
struct PreConnectionABITests {
    @Test("the Mock answers regionzone.* on a connection without region keys and refuses the rest",
          arguments: [DriverIsolation.inProcess, .process])
    func mockPreConnection(isolation: DriverIsolation) throws {
        let folder = try TempFolder()
        guard let installed = DriverCatalog(store: folder.file("store"), extraRoots: [TestPaths.stagedDrivers]).newest(named: "mock") else {
            throw TestFailure("the Mock driver is not staged in \(TestPaths.stagedDrivers)")
        }
        let launch = DriverProcess.Launch(helperPath: TestPaths.driverHost, memoryLimitMB: 0, tryChannels: 1, restartPause: 0, logger: Logger(label: "test"))
        let loader = DriverLoader(dataRoot: folder.file("data"), crashes: folder.file("crashes"), logger: Logger(label: "test"),
                                  isolation: { _ in isolation }, launch: launch)
        defer { loader.stopProcesses() }
        let driver = try loader.load(installed)
        #expect(driver.isolation == isolation)
        let credentials = [(key: "MockName", value: "pre-abi")]
        guard case .success(let handle) = driver.connect(name: "pre", credentials: credentials, region: []) else {
            throw TestFailure("the Mock refused a pre-connection")
        }
        defer { driver.disconnect(handle) }
        func call(_ operation: String) -> DriverOutcome {
            driver.call(handle, operation: operation, request: Array("{}".utf8), state: CallState(timeoutSeconds: 10))
        }
        for operation in ["regionzone.list", "regionzone.org.list", "regionzone.org.zones"] {
            guard case .ok = call(operation) else { Issue.record("\(operation) failed on a pre-connection"); continue }
        }
        for operation in ["vmspec.list", "image.list", "vpc.list"] {
            guard case .failure(let f) = call(operation) else { Issue.record("\(operation) answered on a pre-connection"); continue }
            #expect(f.statusName == "INVALID_ARGUMENT" && f.message.contains("pre-connection"), "\(operation): \(f.message)")
        }
        // With region keys, Region is still required.
        if case .success(let h) = driver.connect(name: "bad", credentials: credentials, region: [(key: "Zone", value: "default-a")]) {
            driver.disconnect(h)
            Issue.record("a connection with region keys but no Region was accepted")
        }
    }
}
