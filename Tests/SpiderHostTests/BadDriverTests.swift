// Libraries the loader must refuse on first use with 503 and a message naming the file and the
// reason — while registration (by provider name, from the manifest alone) still works and the
// host keeps serving.
import Foundation
import SpiderClient
import Testing

@Suite("Drivers the host refuses")
struct BadDriverTests {
    enum Case: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case notADriver, abiVersion2, refusesNegotiation, wrongSwiftToolchain

        var testDescription: String { rawValue }

        var driver: ThrowawayDriver {
            switch self {
            case .notADriver:
                ThrowawayDriver(name: "notadriver", provider: "NOTADRIVER", cSource: ThrowawaySources.notADriver)
            case .abiVersion2:
                ThrowawayDriver(name: "abitwo", provider: "ABITWO", cSource: ThrowawaySources.refusesNegotiation, abiVersion: 2)
            case .refusesNegotiation:
                ThrowawayDriver(name: "refuser", provider: "REFUSER", cSource: ThrowawaySources.refusesNegotiation)
            case .wrongSwiftToolchain:
                ThrowawayDriver(name: "oldswift", provider: "OLDSWIFT", cSource: ThrowawaySources.notADriver,
                                language: "swift", swiftToolchain: "5.9.2")
            }
        }

        /// What the 503's message must say besides the library's path.
        var reason: [String] {
            switch self {
            case .notADriver: ["spider_driver_entry"]
            case .abiVersion2: ["ABI", "2"]
            case .refusesNegotiation: ["ABI", "negotiation"]
            case .wrongSwiftToolchain: ["toolchain", "5.9.2"]
            }
        }
    }

    @Test("first use is 503 naming the file and the reason", arguments: Case.allCases)
    func refused(_ bad: Case) throws {
        // The staged drivers too: a good driver beside the bad one keeps working.
        let host = try HostProcess(ownDrivers: true, start: false)
        let library = try bad.driver.install(into: host.ownDriversDir, scratch: host.folder)
        try host.start()

        let d = bad.driver
        let c = try Fixtures.register(host, driver: "\(d.name)-driver01", provider: d.provider, library: nil, tag: d.name,
                                      credentials: [("ApiKey", "k")], region: [("Region", "r1")])
        #expect(try host.must("GET", "/spider/driver/\(c.driver)").json["DriverLibFileName"] as? String == d.library)

        for _ in 0..<2 {  // and again: a refused driver stays refused, it does not crash the host
            try host.expect("GET", "/spider/vpc" + c.query, status: 503, mentioning: [library] + bad.reason)
            host.expectReady()
        }
        let good = try Fixtures.registerMock(host, tag: "beside-\(d.name)")
        try host.must("GET", "/spider/vmspec" + good.query)
    }
}
