// Drivers in processes of their own (the default): a driver that aborts, corrupts its heap, crashes
// on its own thread, exits, allocates without end or hangs costs only its own calls. The call
// answers naming the driver and how its process ended; a client of the Mock beside it gets every
// answer meanwhile; the driver's process starts again and later calls succeed; a driver whose
// process keeps ending is disabled, and /spider/driver/installed says why.
import Foundation
import Synchronization
import Testing

@Suite("Drivers in processes of their own")
struct IsolationTests {
    /// A host with the faulty driver (restarted without a pause) and a Mock connection beside it.
    private func faultyHost(_ extra: [String] = [], credentials: [(String, String)] = [("ApiKey", "k")])
        throws -> (HostProcess, faulty: RegisteredConnection, mock: RegisteredConnection)
    {
        let host = try HostProcess(ownDrivers: true, extraArguments: ["--driver-restart-pause", "0"] + extra, start: false)
        var driver = ThrowawayDriver(name: FaultyDriverSource.name, provider: FaultyDriverSource.provider, cSource: FaultyDriverSource.c)
        driver.capabilities = FaultyDriverSource.capabilities
        try driver.install(into: host.ownDriversDir, scratch: host.folder)
        try host.start()
        let faulty = try Fixtures.register(host, driver: "faulty-driver01", provider: FaultyDriverSource.provider, library: nil,
                                           tag: "faulty", credentials: credentials, region: [("Region", "r1")])
        let mock = try Fixtures.registerMock(host, tag: "beside-faulty")
        try host.must("POST", "/spider/vpc", json: Requests.vpc(mock.name, "vpc-01"))
        try host.must("GET", "/spider/vpc" + faulty.query)   // the faulty driver's process runs
        return (host, faulty, mock)
    }

    /// A client of the Mock and of readyz that runs while `body` does, and what it got.
    private func whileAClientRuns(_ host: HostProcess, _ mock: RegisteredConnection, _ body: () throws -> Void) rethrows -> (answers: Int, failures: [String]) {
        let stop = Atomic<Bool>(false)
        let seen = Mutex<(answers: Int, failures: [String])>((0, []))
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            while !stop.load(ordering: .relaxed) {
                for path in ["/spider/readyz", "/spider/vpc/vpc-01" + mock.query] {
                    let r = try? host.call("GET", path)
                    seen.withLock { s in
                        s.answers += 1
                        if r?.status != 200 { s.failures.append("\(path) → \(r.map { "\($0.status) \($0.text)" } ?? "no answer")") }
                    }
                }
            }
            finished.signal()
        }
        defer { stop.store(true, ordering: .relaxed); finished.wait() }
        try body()
        // At least one more round after the fault, so the client saw the host after it too.
        let after = seen.withLock { $0.answers } + 2
        while seen.withLock({ $0.answers }) < after {}
        return seen.withLock { $0 }
    }

    private func runtime(_ host: HostProcess) throws -> [String: Any] {
        let rows = try host.must("GET", "/spider/driver/installed/faulty").list("installed")
        return try #require(rows.first?["Runtime"] as? [String: Any], "\(rows)")
    }

    @Test("a crash, a corrupted heap, a crash on the driver's own thread or exit() is 502 naming how its process ended; the Mock answers throughout; the next call runs on a new process",
          arguments: [(FaultyDriverSource.Fault.abort, ["SIGABRT"]), (.doubleFreeSmall, ["SIGABRT", "double free"]),
                      (.doubleFreeLarge, ["killed by"]), (.threadCrash, ["SIGSEGV"]), (.exit, ["exited with status 1"])])
    func processEnds(_ fault: FaultyDriverSource.Fault, _ words: [String]) throws {
        let (host, faulty, mock) = try faultyHost()
        let pidBefore = try runtime(host)["Pid"] as? Int
        let client = try whileAClientRuns(host, mock) {
            let r = try host.call("GET", fault.route + faulty.query)
            #expect(r.status == 502, "\(r.status) \(r.text)\n\(host.logTail())")
            expectMessage(r, mentions: ["faulty", fault.operation, "its own process"] + words, request: "GET \(fault.route)")
        }
        #expect(client.answers > 0 && client.failures.isEmpty, "the Mock's client meanwhile: \(client.failures)")
        host.expectReady()

        // The connection opens again on a new process.
        try host.must("GET", "/spider/vpc" + faulty.query)
        let after = try runtime(host)
        #expect(after["State"] as? String == "running" && after["Restarts"] as? Int == 1, "\(after)")
        #expect((after["Pid"] as? Int).map { $0 != pidBefore } == true, "a new process: \(after)")
        #expect(words.allSatisfy { (after["LastProblem"] as? String)?.contains($0) == true }, "\(after)")
        try host.must("GET", "/spider/vpc/vpc-01" + mock.query)
    }

    @Test("a write past a heap block answers as if nothing happened; whatever follows, the host and the Mock are untouched and the driver serves again")
    func silentOverrun() throws {
        let (host, faulty, mock) = try faultyHost()
        let client = try whileAClientRuns(host, mock) {
            let r = try host.call("GET", FaultyDriverSource.Fault.overrun.route + faulty.query)
            #expect([200, 502].contains(r.status), "\(r.status) \(r.text)")
            // Its process may die at any later allocation: each call either answers or ends it (then
            // the next one runs on a new process), so a few calls reach an answer.
            var served = false
            for _ in 0..<6 where !served {
                served = try host.call("GET", "/spider/vpc" + faulty.query).status == 200
            }
            #expect(served, "the faulty driver never served again\n\(host.logTail())")
        }
        #expect(client.answers > 0 && client.failures.isEmpty, "the Mock's client meanwhile: \(client.failures)")
    }

    @Test("a driver that allocates without end stops at --driver-memory-limit, in its own process")
    func memoryLimit() throws {
        let (host, faulty, mock) = try faultyHost(["--driver-memory-limit", "256"])
        let r = try host.call("GET", FaultyDriverSource.Fault.leak.route + faulty.query)
        #expect(r.status == 502, "\(r.status) \(r.text)")
        let mib = r.message.split(separator: " ").compactMap { Int($0) }.first ?? -1
        #expect(r.message.contains("out of memory after") && (0..<256).contains(mib), "\(r.text)")
        let spiderd = try #require(host.processID)
        let rss = try AWSPriceScaleTests.kib(spiderd, "VmRSS")
        #expect(rss < 256 * 1024, "spiderd itself holds \(rss / 1024) MiB")
        try host.must("GET", "/spider/vpc/vpc-01" + mock.query)
        try host.must("GET", "/spider/vpc" + faulty.query)
    }

    @Test("a call that never returns is 504 at its deadline; the same driver's other calls and the Mock go on")
    func hangingCall() throws {
        let (host, faulty, mock) = try faultyHost(["--call-timeout", "2"])
        let client = try whileAClientRuns(host, mock) {
            try host.expect("GET", FaultyDriverSource.Fault.hang.route + faulty.query, status: 504, mentioning: ["deadline"])
            try host.must("GET", "/spider/vpc" + faulty.query)
        }
        #expect(client.answers > 0 && client.failures.isEmpty, "the Mock's client meanwhile: \(client.failures)")
        #expect(try runtime(host)["Restarts"] as? Int == 0, "the process was not restarted")
    }

    @Test("a try_call that blocks (the ABI forbids it) holds only its channel: the read goes to a worker, the driver's other reads go on; the watchdog ends the process and it starts again")
    func stopsAnswering() throws {
        let (host, faulty, mock) = try faultyHost([])
        // The I/O thread waits 20 ms for the try_call, then a worker calls the driver, which lists no VMs.
        try host.expect("GET", "/spider/vm" + faulty.query, status: 501, mentioning: ["faulty does not do that"])
        try host.must("GET", "/spider/vpc" + faulty.query)
        // Ten seconds after the try_call was sent without an answer, the watchdog ends the process.
        #expect(host.waitForLog("it stopped answering: a try_call got no answer"), "\(host.logTail())")
        try host.must("GET", "/spider/vpc" + faulty.query)
        let state = try runtime(host)
        #expect(state["Restarts"] as? Int == 1 && (state["LastProblem"] as? String)?.contains("stopped answering") == true, "\(state)")
        try host.must("GET", "/spider/vpc/vpc-01" + mock.query)
    }

    @Test("a connect that never returns holds only that connection")
    func hangingConnect() throws {
        let (host, _, mock) = try faultyHost(["--call-timeout", "2"])
        let stuck = try Fixtures.register(host, driver: "faulty-driver01", provider: FaultyDriverSource.provider, library: nil,
                                          tag: "stuck", credentials: [("ApiKey", "k"), ("Hang", "connect")], region: [("Region", "r1")])
        let client = try whileAClientRuns(host, mock) {
            try host.expect("GET", "/spider/vpc" + stuck.query, status: 504, mentioning: ["deadline"])
        }
        #expect(client.answers > 0 && client.failures.isEmpty, "the Mock's client meanwhile: \(client.failures)")
        let other = try Fixtures.register(host, driver: "faulty-driver01", provider: FaultyDriverSource.provider, library: nil,
                                          tag: "other", credentials: [("ApiKey", "k")], region: [("Region", "r1")])
        try host.must("GET", "/spider/vpc" + other.query)
    }

    @Test("a driver whose process ends five times within ten minutes is disabled, and says why")
    func disabledAfterRepeatedEnds() throws {
        let (host, faulty, mock) = try faultyHost()
        for _ in 0..<5 {
            try host.expect("GET", FaultyDriverSource.Fault.abort.route + faulty.query, status: 502, mentioning: ["SIGABRT"])
        }
        try host.expect("GET", "/spider/vpc" + faulty.query, status: 502, mentioning: ["disabled", "5 times", "SIGABRT"])
        let state = try runtime(host)
        #expect(state["State"] as? String == "disabled" && (state["LastProblem"] as? String)?.contains("5 times") == true, "\(state)")
        try host.must("GET", "/spider/vpc/vpc-01" + mock.query)
        host.expectReady()
    }

    @Test("the driver's log lines and what it prints reach spiderd's log, tagged with the driver")
    func logsCrossTheBoundary() throws {
        let (host, faulty, _) = try faultyHost()
        try host.expect("GET", FaultyDriverSource.Fault.doubleFreeSmall.route + faulty.query, status: 502)
        #expect(host.log.contains("driver=faulty 1.0.0") && host.log.contains("double free"), "\(host.logTail())")
        #expect(host.log.contains("mock tenant "), "the Mock's own log line came through its process\n\(host.logTail())")
    }
}

@Suite("Bulkheads: one cloud's share of worker threads")
struct BulkheadTests {
    @Test("more calls to a hanging cloud than worker threads: its share fills, the rest get 503 at once, other clouds go on, readyz and the dashboard say which is saturated")
    func hangingCloud() throws {
        // 16 worker threads: a driver may hold 8 (half), a connection 4, with 2 waiting each.
        let host = try HostProcess(ownDrivers: true, extraArguments: ["--worker-threads", "16", "--call-timeout", "3"], start: false)
        var driver = ThrowawayDriver(name: FaultyDriverSource.name, provider: FaultyDriverSource.provider, cSource: FaultyDriverSource.c)
        driver.capabilities = FaultyDriverSource.capabilities
        try driver.install(into: host.ownDriversDir, scratch: host.folder)
        try host.start()
        let stuck = try (0..<3).map { i in
            try Fixtures.register(host, driver: "faulty-driver01", provider: FaultyDriverSource.provider, library: nil,
                                  tag: "stuck\(i)", credentials: [("ApiKey", "k")], region: [("Region", "r1")])
        }
        let mock = try Fixtures.registerMock(host, tag: "beside-stuck")
        for c in stuck { try host.must("GET", "/spider/vpc" + c.query) }   // connections open

        // 30 calls that never return, ten per connection: more than the 16 worker threads.
        let answers = concurrently(30) { i in try? host.call("GET", FaultyDriverSource.Fault.hang.route + stuck[i % 3].query) }
        let statuses = answers.map { $0?.status ?? 0 }
        let first503 = answers.compactMap { $0 }.first { $0.status == 503 }
        #expect(first503?.text.contains("is saturated") == true && first503?.headers["retry-after"] != nil, "\(String(describing: first503))")
        let refused = statuses.filter { $0 == 503 }.count, timedOut = statuses.filter { $0 == 504 }.count
        #expect(refused + timedOut == 30, "\(statuses)")
        #expect(timedOut <= 8 + 2 + 3 * 2, "at most the driver's 8 running and the queued ones waited: \(statuses)")
        #expect(refused >= 30 - 16, "\(statuses)")

        // The driver's 8 calls still hang in its process, holding 8 threads: the others are free.
        try host.must("POST", "/spider/vpc", json: Requests.vpc(mock.name, "vpc-01"))
        try host.must("GET", "/spider/vpc/vpc-01" + mock.query)
        // A new call waits in the (now empty) queue for a place that never frees, until its deadline.
        try host.expect("GET", "/spider/vpc" + stuck[0].query, status: 504, mentioning: ["driver faulty 1.0.0 had no free place", "8 calls running"])
        let ready = try host.must("GET", "/spider/readyz").json
        #expect((ready["Saturated"] as? [String])?.contains { $0.hasPrefix("driver faulty 1.0.0: 8 calls running") } == true, "\(ready)")
        let board = try host.must("GET", "/spider/dashboard").json["Connections"] as? [[String: Any]] ?? []
        #expect(board.filter { ($0["Saturated"] as? String)?.contains("driver faulty") == true }.count == 3, "\(board)")
        #expect(board.first { $0["ConnectionName"] as? String == mock.name }?["Saturated"] == nil)
    }
}
