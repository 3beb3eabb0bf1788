// A driver that declares single_VPC (one network per account and region) gets no second VPC on a
// connection; the first one deleted, a new one may be made.
import Foundation
import Testing

@Suite("single_VPC capability")
struct SingleVPCTests {
    @Test("a second VPC is a 409 naming the first; after deleting it a new one is allowed")
    func secondVPCRefused() throws {
        let host = try HostProcess(driversDirs: [], ownDrivers: true, start: false)
        try MockVariant.stage(into: host.ownDriversDir, capabilities: ["single_VPC": true])
        try host.start()
        let c = try Fixtures.register(host, driver: Fixtures.mockDriverName, provider: "MOCK", library: "libspider-driver-mock.so",
                                      tag: "single", credentials: [("MockName", "tenant-single-\(UUID().uuidString.prefix(8))")],
                                      region: [("Region", "default")])
        #expect(try host.must("GET", "/spider/driver/capability" + c.query).json["single_VPC"] as? Bool == true)
        try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "only-vpc"))
        try host.expect("POST", "/spider/vpc", json: Requests.vpc(c.name, "second-vpc"), status: 409,
                        mentioning: ["single VPC", "only-vpc"])
        try host.expect("GET", "/spider/vpc/second-vpc" + c.query, status: 404)
        try host.must("DELETE", "/spider/vpc/only-vpc" + c.query)
        try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "second-vpc"))
    }
}
