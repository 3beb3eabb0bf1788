// Counts per kind (from the host's map) and the dashboard over many connections: every
// connection's counts in one call, the live path fanned out so that slow clouds answer together,
// a failing or stalled connection reported in its entry without failing the call.
import Foundation
import SpiderClient
import Testing

@Suite("Counts and the multi-connection dashboard")
struct CountDashboardTests {
    @Test("count<kind> across connections and per connection")
    func counts() throws {
        let host = try HostProcess()
        let a = try Fixtures.registerMock(host, tag: "ca")
        let b = try Fixtures.registerMock(host, tag: "cb")
        try host.createStack(a)
        try host.must("POST", "/spider/vpc", json: Requests.vpc(b.name, "vpc-b", subnets: [("s1", "10.0.1.0/24"), ("s2", "10.0.2.0/24")]))
        func count(_ path: String) throws -> Int? { try host.must("GET", path).json["count"] as? Int }
        #expect(try count("/spider/countvpc") == 2)
        #expect(try count("/spider/countvpc/\(a.name)") == 1)
        #expect(try count("/spider/countsubnet") == 3)
        #expect(try count("/spider/countsubnet/\(b.name)") == 2)
        #expect(try count("/spider/countvm") == 1)
        #expect(try count("/spider/countvm/\(b.name)") == 0)
        #expect(try count("/spider/countsecuritygroup/\(a.name)") == 1)
        #expect(try count("/spider/countkeypair") == 1)
        try host.expect("GET", "/spider/countvpc/no-such-config", status: 404, mentioning: ["no-such-config"])
        try host.must("DELETE", "/spider/vpc/vpc-b", json: Requests.connection(b.name))
        #expect(try count("/spider/countsubnet") == 1)
        host.expectReady()
    }

    struct Dashboard: Decodable {
        struct Entry: Decodable {
            var ConnectionName: String
            var ProviderName: String
            var RegionName: String
            var Counts: [String: Int]
            var CloudCounts: [String: Int]?
            var ElapsedMs: Int
            var Error: String?
        }
        var Connections: [Entry]
        var Live: Bool
        var ElapsedMs: Int
    }

    /// 50 connections whose counts wait for each other until 16 are in the driver at once
    /// (MockRendezvous): asked one after another, the first would wait until the host's deadline,
    /// so every live count arriving shows the fan-out — an event, not a race against a clock.
    @Test("dashboard over 50 connections counted side by side, one failing and one stalled")
    func dashboard() throws {
        let host = try HostProcess(extraArguments: ["--call-timeout", "6"])
        var connections: [RegisteredConnection] = []
        for i in 0..<50 {
            connections.append(try Fixtures.registerMock(host, tag: "d\(i)", credentialExtras: [("MockRendezvous", "dash:16:resource.count")]))
        }
        let failing = try Fixtures.registerMock(host, tag: "failing", credentialExtras: [("MockFailureRate", "1.0")])
        let stalled = try Fixtures.registerMock(host, tag: "stalled", credentialExtras: [("MockLatencyMs", "600000")])
        // Two VPCs on the first connection, made through the host; one more only in its cloud.
        let first = connections[0]
        try host.must("POST", "/spider/vpc", json: Requests.vpc(first.name, "vpc-1"))
        try host.must("POST", "/spider/vpc", json: Requests.vpc(first.name, "vpc-2", subnets: []))
        try host.must("POST", "/spider/vpc", json: Requests.vpc(first.name, "vpc-3", subnets: []))
        try host.must("DELETE", "/spider/regvpc/vpc-3", json: Requests.connection(first.name))

        // From the map: no cloud is asked, so the failing and stalled connections look fine.
        let mapped = try host.must("GET", "/spider/dashboard").decode(Dashboard.self)
        #expect(!mapped.Live)
        #expect(mapped.Connections.count == 52)
        #expect(mapped.Connections.allSatisfy { $0.Error == nil && $0.CloudCounts == nil })
        let firstMapped = try #require(mapped.Connections.first { $0.ConnectionName == first.name })
        #expect(firstMapped.Counts["vpc"] == 2 && firstMapped.Counts["subnet"] == 1 && firstMapped.Counts["vm"] == 0)
        #expect(firstMapped.ProviderName == "MOCK" && firstMapped.RegionName == first.region)

        // Live: every cloud at once; the failing and stalled ones are entries with an Error.
        let live = try host.must("GET", "/spider/dashboard?live=true").decode(Dashboard.self)
        #expect(live.Live)
        #expect(live.Connections.count == 52)
        let byName = Dictionary(uniqueKeysWithValues: live.Connections.map { ($0.ConnectionName, $0) })
        for c in connections {
            let entry = try #require(byName[c.name])
            #expect(entry.Error == nil, "\(c.name): \(entry.Error ?? "")")
            #expect(entry.CloudCounts?["vm"] == 0, "\(c.name) has live counts: \(String(describing: entry.CloudCounts))")
        }
        #expect(byName[first.name]?.CloudCounts?["vpc"] == 3, "the cloud has the unregistered VPC too")
        #expect(byName[first.name]?.Counts["vpc"] == 2)
        let failed = try #require(byName[failing.name])
        #expect(failed.Error?.contains("injected failure") == true, "\(String(describing: failed.Error))")
        #expect(failed.CloudCounts == nil && failed.Counts["vpc"] == 0)
        #expect(byName[stalled.name]?.Error != nil, "the stalled cloud is reported, not waited for")
        host.expectReady()
    }

    @Test("dashboard with no connections, and a connection whose driver cannot be opened")
    func dashboardEdges() throws {
        let host = try HostProcess()
        let empty = try host.must("GET", "/spider/dashboard?live=true").decode(Dashboard.self)
        #expect(empty.Connections.isEmpty)
        // A Mock connection with a malformed setting cannot connect: an entry with an Error, still 200.
        let good = try Fixtures.registerMock(host, tag: "good")
        let broken = try Fixtures.registerMock(host, tag: "broken", credentialExtras: [("MockLatencyMs", "soon")])
        // A driver without resource.count (the C example) is counted kind by kind.
        let cx = try Fixtures.registerCExample(host)
        try host.must("POST", "/spider/vpc", json: Requests.vpc(cx.name, "vpc-c", subnets: [("s1", "10.0.1.0/24"), ("s2", "10.0.2.0/24")]))
        let live = try host.must("GET", "/spider/dashboard?live=true").decode(Dashboard.self)
        #expect(live.Connections.map(\.ConnectionName) == [broken.name, good.name, cx.name].sorted())
        #expect(live.Connections.first { $0.ConnectionName == broken.name }?.Error?.contains(broken.name) == true)
        #expect(live.Connections.first { $0.ConnectionName == good.name }?.Error == nil)
        let c = try #require(live.Connections.first { $0.ConnectionName == cx.name })
        #expect(c.Error == nil && c.CloudCounts?["vpc"] == 1 && c.CloudCounts?["subnet"] == 2, "\(c)")
        #expect(c.Counts["vpc"] == 1 && c.Counts["subnet"] == 2)
        host.expectReady()
    }

    /// A cloud that takes 5 s to connect to (which cannot be cancelled) under a 3 s deadline: the
    /// others still open and answer side by side (their counts wait until 16 meet), and the call
    /// still answers in time (no 504).
    @Test("a connection slow to open holds neither the others nor the answer")
    func slowToOpen() throws {
        let host = try HostProcess(extraArguments: ["--call-timeout", "3"])
        let slow = try Fixtures.registerMock(host, tag: "aaa-slow-open", credentialExtras: [("MockConnectLatencyMs", "5000")])
        var others: [RegisteredConnection] = []
        for i in 0..<20 {
            others.append(try Fixtures.registerMock(host, tag: "open\(i)", credentialExtras: [("MockRendezvous", "open:16:resource.count")]))
        }
        let live = try host.must("GET", "/spider/dashboard?live=true").decode(Dashboard.self)
        let byName = Dictionary(uniqueKeysWithValues: live.Connections.map { ($0.ConnectionName, $0) })
        for c in others {
            #expect(byName[c.name]?.Error == nil && byName[c.name]?.CloudCounts?["vpc"] == 0, "\(c.name): \(String(describing: byName[c.name]))")
        }
        let late = try #require(byName[slow.name])
        #expect(late.Error?.contains("deadline") == true && late.Counts["vpc"] == 0, "\(late)")
        host.expectReady()
    }

    @Test("a client that leaves a live dashboard cancels its calls to the clouds")
    func leavingCancelsFanOut() throws {
        // One worker thread and deadlines far away: it is free again only if the abandoned
        // dashboard's call to the stalled cloud was cancelled.
        let host = try HostProcess(extraArguments: ["--call-timeout", "600", "--worker-threads", "1"])
        let fast = try Fixtures.registerMock(host, tag: "fast")
        let slow = try Fixtures.registerMock(host, tag: "slow", credentialExtras: [("MockLatencyMs", "600000")])
        try host.must("GET", "/spider/vmspec" + fast.query)
        let leaving = try RawConnection(host.socketPath)
        leaving.send("GET /spider/dashboard?live=true HTTP/1.1\r\nHost: x\r\n\r\n")
        try #require(host.waitForLog("opened connection '\(slow.name)'"), "the dashboard never reached the slow cloud\n\(host.logTail())")
        leaving.close()

        let patient = SpiderClient(socketPath: host.socketPath, timeoutSeconds: 30)
        // A change always runs on a worker thread (a read might be answered on the I/O thread).
        let r = try? patient.request("POST", "/spider/keypair", json: Requests.keyPair(fast.name, "after"))
        #expect(r?.status == 200, "a request after the client left got \(r.map { "\($0.status) \($0.text)" } ?? "no answer within 30 s")\n\(host.logTail())")
    }
}
