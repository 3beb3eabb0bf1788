// A driver that crashes inside a call (a bad pointer, abort, a stack overflow, a Swift trap) or
// while it starts must not take spiderd down: the call answers 502 naming the driver, the operation and the signal,
// the driver is called no more (503-free: every later call says it is disabled and why), and the
// host and its other drivers keep serving.
import Foundation
import Testing

@Suite("Crashing drivers")
struct CrashingDriverTests {
    private func crashyHost(crashAtStart: Bool = false, isolation: String = "in-process") throws -> (HostProcess, RegisteredConnection) {
        let host = try HostProcess(ownDrivers: true, extraArguments: ["--isolation", "crashy=\(isolation)", "--driver-restart-pause", "0"],
                                   start: false)
        var driver = ThrowawayDriver(name: CrashingDriverSource.name, provider: CrashingDriverSource.provider,
                                     cSource: CrashingDriverSource.c(crashAtStart: crashAtStart))
        driver.capabilities = CrashingDriverSource.capabilities
        try driver.install(into: host.ownDriversDir, scratch: host.folder)
        try host.start()
        let c = try Fixtures.register(host, driver: "crashy-driver01", provider: CrashingDriverSource.provider, library: nil,
                                      tag: "crashy", credentials: [("ApiKey", "k")], region: [("Region", "r1")])
        return (host, c)
    }

    @Test("a crash in a call is 502 naming it; the driver is disabled, the host and other drivers keep serving",
          arguments: [("keypair", "keypair.list", "SIGSEGV"), ("securitygroup", "sg.list", "SIGABRT"), ("vm", "vm.list", "SIGSEGV")])
    func crashInCall(_ route: String, _ operation: String, _ signal: String) throws {
        let (host, c) = try crashyHost()
        let mock = try Fixtures.registerMock(host, tag: "beside-crashy")
        try host.must("GET", "/spider/vpc" + c.query)

        try host.expect("GET", "/spider/\(route)" + c.query, status: 502, mentioning: ["crashy", "crashed", operation, signal])
        host.expectReady()
        // Called no more: the answer says why, for every operation.
        try host.expect("GET", "/spider/vpc" + c.query, status: 502, mentioning: ["disabled", operation, signal])
        try host.expect("GET", "/spider/\(route)" + c.query, status: 502, mentioning: ["disabled"])
        // The rest of the host is untouched.
        try host.must("POST", "/spider/vpc", json: Requests.vpc(mock.name, "vpc-01"))
        try host.must("GET", "/spider/vpc/vpc-01" + mock.query)
        host.expectReady()
    }

    @Test("a driver that crashes while it starts is refused with 503 naming the crash, each time; the host keeps serving",
          arguments: [("in-process", "crashed while starting"), ("process", "its process ended while it started")])
    func crashAtStart(isolation: String, words: String) throws {
        let (host, c) = try crashyHost(crashAtStart: true, isolation: isolation)
        for _ in 0..<2 {
            let r = try host.call("GET", "/spider/vpc" + c.query)
            #expect(r.status == 503 && r.text.contains(words) && r.text.contains("SIGSEGV"),
                    "\(r.status) \(r.text)\n\(host.logTail())")
            host.expectReady()
        }
        let good = try Fixtures.registerMock(host, tag: "beside-crashy-start")
        try host.must("GET", "/spider/vmspec" + good.query)
    }

    @Test("a Swift driver that traps (a force-unwrapped nil, the Mock's MockCrashOn) is 502 naming the trap; the C driver beside it keeps serving")
    func swiftTrap() throws {
        let host = try HostProcess(extraArguments: ["--isolation", "mock=in-process"])
        let other = try Fixtures.registerCExample(host)
        try host.must("GET", "/spider/vmspec" + other.query)
        let c = try Fixtures.registerMock(host, tag: "trap", credentialExtras: [("MockCrashOn", "keypair.list")])
        try host.must("GET", "/spider/vpc" + c.query)   // other operations of the same driver work

        let r = try host.call("GET", "/spider/keypair" + c.query)
        #expect(r.status == 502, "\(r.status) \(r.text)\n\(host.logTail())")
        expectMessage(r, mentions: ["mock", "crashed", "keypair.list"], request: "GET /spider/keypair (trap)")
        #expect(r.text.contains("SIGILL") || r.text.contains("SIGTRAP"), "a Swift trap is SIGILL (ud2) or SIGTRAP: \(r.text)")
        #expect(host.log.contains("Fatal error") || host.log.contains("Unexpectedly found nil"),
                "Swift's own message about the trap reached the log\n\(host.logTail())")
        host.expectReady()
        // The Mock driver is disabled (every Mock connection says why); the C driver is untouched.
        try host.expect("GET", "/spider/vpc" + c.query, status: 502, mentioning: ["disabled", "keypair.list"])
        try host.must("GET", "/spider/vmspec" + other.query)
        host.expectReady()
    }

    @Test("in a process of its own, the same crash ends only that process: 502 naming it, then the driver serves again", arguments: [
        ("keypair", "keypair.list", "SIGSEGV"), ("securitygroup", "sg.list", "SIGABRT"), ("vm", "vm.list", "SIGSEGV")])
    func crashIsolated(_ route: String, _ operation: String, _ signal: String) throws {
        let (host, c) = try crashyHost(isolation: "process")
        let mock = try Fixtures.registerMock(host, tag: "beside-crashy")
        try host.must("GET", "/spider/vpc" + c.query)
        try host.expect("GET", "/spider/\(route)" + c.query, status: 502, mentioning: ["crashy", operation, "its own process", signal])
        host.expectReady()
        try host.must("GET", "/spider/vpc" + c.query)   // a new process
        try host.must("POST", "/spider/vpc", json: Requests.vpc(mock.name, "vpc-01"))
    }

    @Test("a Swift trap in an isolated Mock ends its process with Swift's own words; the Mock starts again with its cloud intact")
    func swiftTrapIsolated() throws {
        let host = try HostProcess(extraArguments: ["--driver-restart-pause", "0"])
        let c = try Fixtures.registerMock(host, tag: "trap", credentialExtras: [("MockCrashOn", "keypair.list")])
        try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01"))
        let r = try host.call("GET", "/spider/keypair" + c.query)
        #expect(r.status == 502, "\(r.status) \(r.text)\n\(host.logTail())")
        expectMessage(r, mentions: ["mock", "keypair.list", "its own process"], request: "GET /spider/keypair (trap)")
        #expect(r.text.contains("SIGILL") || r.text.contains("SIGTRAP"), "\(r.text)")
        #expect(r.text.contains("Unexpectedly found nil"), "Swift's message is the process's last words: \(r.text)")
        // The cloud was saved by the Mock as it changed: the new process finds the VPC.
        try host.must("GET", "/spider/vpc/vpc-01" + c.query)
        host.expectReady()
    }
}
