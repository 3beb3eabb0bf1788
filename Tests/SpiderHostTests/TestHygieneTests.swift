// The suite's own rules, checked on its sources: tests wait for events (TestEvents: a process's end,
// a file's change, READY=1, a driver gate), never sleep to let something happen, and never judge
// how long something took. A new sleep or a timing assertion fails here unless it is listed below
// with the reason it is not one.
import Foundation
import Testing

@Suite("Test hygiene")
struct TestHygieneTests {
    /// Calls that let time pass: in Swift, C (drivers built by the tests) and Python (helper servers).
    static var sleeps: Regex<Substring> { #/\busleep\(|\bsleep\(|Thread\.sleep|Task\.sleep|nanosleep\(|time\.sleep\(|sleep_for\(/# }
    /// An assertion that reads a clock.
    static var clockInAssertion: Regex<(Substring, Substring, Substring)> { #/#(expect|require)\(.*(timeIntervalSince|Date\(\)|\.now\(\)|elapsed|ContinuousClock|uptimeNanoseconds|clock_gettime)/# }

    /// The exceptions, each a file, the text of its line and why it is not what the rule forbids.
    static let allowed: [(file: String, line: String, why: String)] = [
        ("SpiderHostTests/CatalogCacheTests.swift", "Thread.sleep(until: answered.addingTimeInterval(1.05))",
         "the catalogue's time-to-live is the subject: the test lets the TTL pass once, it does not wait for an event"),
        ("SpiderHostTests/MonitoringTests.swift", "$1.timeIntervalSince($0) == 300",
         "metric data points 5 minutes apart: data the driver answered, not the clock"),
        ("SpiderHostTests/AWS/AWSClusterTokenTests.swift", "expires.timeIntervalSince(signedAt)",
         "the token's lifetime, between two times the token itself carries"),
        ("SpiderHostTests/TestHygieneTests.swift", "", "this file names the patterns"),
    ]

    @Test("no test sleeps to synchronise or asserts on wall-clock time")
    func noSleepsOrClockAssertions() throws {
        let root = TestPaths.repository + "/Tests"
        let files = try #require(FileManager.default.enumerator(atPath: root)?.allObjects as? [String])
            .filter { [".swift", ".py", ".c", ".sh"].contains(where: $0.hasSuffix) }
        #expect(files.count > 50, "the scan sees the test sources (\(files.count) files under \(root))")
        var found: [String] = []
        for file in files {
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                // Cheap word checks first: the regular expressions only see lines that could match.
                let sleeping = line.contains("sleep") && line.contains(Self.sleeps)
                let timing = line.contains("#") && line.contains(Self.clockInAssertion) && !line.contains("wait(timeout:")
                guard sleeping || timing else { continue }
                if Self.allowed.contains(where: { file == $0.file && ($0.line.isEmpty || line.contains($0.line)) }) { continue }
                found.append("Tests/\(file):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        #expect(found.isEmpty, "wait for an event instead (Tests/TestEvents), or list it with a reason:\n\(found.joined(separator: "\n"))")
        // Every exception still exists: a stale one would hide nothing but mislead.
        for exception in Self.allowed where !exception.line.isEmpty {
            let text = (try? String(contentsOfFile: root + "/" + exception.file, encoding: .utf8)) ?? ""
            #expect(text.contains(exception.line), "listed exception no longer in \(exception.file): \(exception.line)")
        }
    }
}
