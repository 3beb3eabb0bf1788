// spctl dashboard against a real host on the Mock: one row per connection with its counts, a
// failing and a slow connection marked (not fatal), and -o json exactly the host's answer.
import Foundation
import Testing

@Suite("spctl dashboard")
struct SpctlDashboardTests {
    @Test("table marks a failing and a slow connection, exit 0; JSON is the host's")
    func dashboard() throws {
        let host = try HostProcess()
        let good = try Fixtures.registerMock(host, tag: "good")
        let failing = try Fixtures.registerMock(host, tag: "failing", credentialExtras: [("MockFailureRate", "1.0")])
        // 1.5 s on every call: with --slow-ms 1000 its row must read 'slow' (the latency is a floor, not a timing).
        let slow = try Fixtures.registerMock(host, tag: "slow", credentialExtras: [("MockLatencyMs", "1500")])
        try host.must("POST", "/spider/vpc", json: Requests.vpc(good.name, "vpc-01"))
        try host.must("POST", "/spider/keypair", json: Requests.keyPair(good.name, "key-01"))

        // From the map: plain counts, nobody fails (no cloud is asked).
        let mapped = try Spctl.must(host, ["dashboard", "-o", "table"])
        let mappedRows = rows(mapped.stdout)
        #expect(mappedRows.first?.contains("CONNECTION") == true && mappedRows.first?.contains("VPC") == true
                && mappedRows.first?.contains("STATUS") == true, "\(mapped.stdout)")
        let goodRow = try #require(mappedRows.first { $0.contains(good.name) }, "\(mapped.stdout)")
        #expect(cells(goodRow).contains("MOCK") && cells(goodRow).last == "ok", "\(goodRow)")
        #expect(column("VPC", of: goodRow, in: mappedRows) == "1" && column("SUBNET", of: goodRow, in: mappedRows) == "1"
                && column("KEYPAIR", of: goodRow, in: mappedRows) == "1" && column("VM", of: goodRow, in: mappedRows) == "0", "\(mapped.stdout)")
        #expect(!mapped.stdout.contains("! "), "nothing marked without --live: \(mapped.stdout)")

        // Live: the failing cloud is a marked row with its error below; the slow one is marked slow; still exit 0.
        let live = try Spctl.must(host, ["dashboard", "--live", "--slow-ms", "1000", "-o", "table"])
        let liveRows = rows(live.stdout)
        let failedRow = try #require(liveRows.first { $0.contains(failing.name) }, "\(live.stdout)")
        #expect(failedRow.hasPrefix("! ") && cells(failedRow).last == "error", "\(failedRow)")
        #expect(live.stdout.contains("! \(failing.name): ") && live.stdout.contains("injected failure"), "\(live.stdout)")
        let slowRow = try #require(liveRows.first { $0.contains(slow.name) }, "\(live.stdout)")
        #expect(slowRow.hasPrefix("! ") && cells(slowRow).last == "slow", "\(slowRow)")
        let liveGood = try #require(liveRows.first { $0.contains(good.name) }, "\(live.stdout)")
        #expect(!liveGood.hasPrefix("!") && column("VPC", of: liveGood, in: liveRows) == "1/1", "mapped/cloud: \(live.stdout)")
        #expect(live.stdout.contains("3 connections") && live.stdout.contains("1 failing") && live.stdout.contains("1 slow"), "\(live.stdout)")
        #expect(!live.stdout.contains("\u{1B}["), "no colors when not on a terminal")

        // JSON: the host's own answer (all but the timings, which differ between two calls).
        let json = try Spctl.must(host, ["dashboard", "--live"])
        let fromHost = try host.must("GET", "/spider/dashboard?live=true").json
        #expect(json.json["Live"] as? Bool == true)
        #expect(try canonical(withoutTimings(json.json)) == canonical(withoutTimings(fromHost)), "\(json.stdout)\nvs\n\(fromHost)")
        let entries = json.json["Connections"] as? [[String: Any]] ?? []
        #expect((entries.first { $0["ConnectionName"] as? String == failing.name }?["Error"] as? String)?.contains("injected failure") == true)
        #expect(entries.first { $0["ConnectionName"] as? String == good.name }?["Error"] == nil)

        let yaml = try Spctl.must(host, ["dashboard", "-o", "yaml"])
        #expect(yaml.stdout.contains("ConnectionName: \(good.name)"), "\(yaml.stdout)")
    }

    @Test("no connections: an empty table, exit 0")
    func empty() throws {
        let host = try HostProcess()
        let r = try Spctl.must(host, ["dashboard", "--live", "-o", "table"])
        #expect(r.stdout.contains("(no connections)") && r.stdout.contains("0 connections"), "\(r.stdout)")
    }

    private func rows(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }
    private func cells(_ row: String) -> [String] { row.split(separator: " ").map(String.init).filter { $0 != "!" } }

    /// The cell under `title` (titles and cells are single words, so positions match).
    private func column(_ title: String, of row: String, in rows: [String]) -> String? {
        let titles = cells(rows[0])
        guard let i = titles.firstIndex(of: title) else { return nil }
        let values = cells(row)
        return i < values.count ? values[i] : nil
    }

    /// JSON text with sorted keys, to compare two answers.
    private func canonical(_ o: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]), as: UTF8.self)
    }

    private func withoutTimings(_ body: [String: Any]) -> [String: Any] {
        var out = body
        out["ElapsedMs"] = nil
        out["Connections"] = (body["Connections"] as? [[String: Any]] ?? []).map { entry -> [String: Any] in
            var e = entry
            e["ElapsedMs"] = nil
            return e
        }
        return out
    }
}
