// Drivers that crash, loaded into spiderd (--isolation <driver>=in-process) and in a process of
// their own (the default). In-process, a trap in the driver's own code (a Swift trap, SIGILL/SIGTRAP)
// is that call's 502 and the driver is called no more; a memory fault or an abort (SIGSEGV, SIGBUS,
// SIGABRT) may have left the heap or a lock broken, so spiderd restarts itself (same pid, same
// socket and data) and runs that driver in a process of its own from then on. Isolated, any crash
// ends only the driver's process, which starts again.
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

    /// Waits until spiderd has started again after restarting itself (its second "listening on").
    private func waitForRestart(_ host: HostProcess) -> Bool {
        (try? FileWatch.wait(for: host.logPath) { log in
            log.components(separatedBy: " listening on ").count - 1 >= 2 ? true : nil
        }) == true
    }

    @Test("in-process, a memory fault or abort in a call restarts spiderd (same pid, same data); the driver then runs in a process of its own",
          arguments: [("keypair", "keypair.list", "SIGSEGV", 11), ("securitygroup", "sg.list", "SIGABRT", 6), ("vm", "vm.list", "SIGSEGV", 11)])
    func memoryFaultRestarts(_ route: String, _ operation: String, _ signal: String, _ number: Int) throws {
        let (host, c) = try crashyHost()
        let mock = try Fixtures.registerMock(host, tag: "beside-crashy")
        try host.must("POST", "/spider/vpc", json: Requests.vpc(mock.name, "vpc-01"))
        try host.must("GET", "/spider/vpc" + c.query)
        let pid = host.processID

        // The call in flight goes with the old image: no answer.
        let r = try? host.call("GET", "/spider/\(route)" + c.query)
        #expect(r == nil, "the crashed call got an answer: \(r.map { "\($0.status) \($0.text)" } ?? "")")
        try #require(waitForRestart(host), "spiderd did not start again\n\(host.logTail())")
        #expect(host.log.contains("spiderd restarts itself now"), "\(host.logTail())")
        #expect(host.processID == pid && ChildProcess.poll(pid!) == nil, "the same process, still running")
        host.expectReady()
        let marker = host.dataDir + "/driver-crashes/crashy@1.0.0"
        #expect((try? String(contentsOfFile: marker, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) == "\(number)")

        // Nothing was lost, and the driver now runs in a process of its own.
        try host.must("GET", "/spider/vpc/vpc-01" + mock.query)
        try host.must("GET", "/spider/vpc" + c.query)
        let row = try host.must("GET", "/spider/driver/installed/crashy").list("installed").first
        let runtime = row?["Runtime"] as? [String: Any]
        #expect(runtime?["Isolation"] as? String == "process", "\(String(describing: row))")
        #expect((runtime?["LastProblem"] as? String)?.contains(signal) == true && (runtime?["LastProblem"] as? String)?.contains(marker) == true,
                "\(String(describing: runtime))")
        // There, the same crash costs only its own process.
        try host.expect("GET", "/spider/\(route)" + c.query, status: 502, mentioning: ["crashy", operation, "its own process", signal])
        try host.must("GET", "/spider/vpc" + c.query)
    }

    @Test("a driver that crashes while it starts is refused with 503 naming the crash; in-process it first restarts spiderd",
          arguments: ["in-process", "process"])
    func crashAtStart(isolation: String) throws {
        let (host, c) = try crashyHost(crashAtStart: true, isolation: isolation)
        if isolation == "in-process" {
            #expect((try? host.call("GET", "/spider/vpc" + c.query)) == nil, "the call that loaded it went with the old image")
            try #require(waitForRestart(host), "spiderd did not start again\n\(host.logTail())")
        }
        for _ in 0..<2 {
            let r = try host.call("GET", "/spider/vpc" + c.query)
            #expect(r.status == 503 && r.text.contains("its process ended while it started") && r.text.contains("SIGSEGV"),
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
