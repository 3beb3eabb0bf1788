// Driver connections are opened once and reused (CB-Spider reconnects on every call), and every
// state-changing request is recorded with the caller's uid and pid (SO_PEERCRED).
import Foundation
import Glibc
import Testing

@Suite("Connection cache and audit trail")
struct ConnectionCacheAndAuditTests {
    @Test("one driver connection serves many requests; deleting the config closes it")
    func connectionReused() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "reuse")
        for _ in 0..<20 { try host.must("GET", "/spider/vmspec" + c.query) }
        try host.must("GET", "/spider/vpc" + c.query)
        func timesOpened() -> Int { host.log.components(separatedBy: "opened connection '\(c.name)'").count - 1 }
        #expect(timesOpened() == 1, "the connection was opened \(timesOpened()) times for 21 requests\n\(host.logTail())")

        // A config deleted and registered again under the same name gets a fresh connection.
        try host.must("DELETE", "/spider/connectionconfig/\(c.name)")
        try host.must("POST", "/spider/connectionconfig", json: [
            "ConfigName": c.name, "ProviderName": "MOCK", "DriverName": c.driver, "CredentialName": c.credential,
            "RegionName": c.region,
        ])
        try host.must("GET", "/spider/vmspec" + c.query)
        #expect(timesOpened() == 2, "a re-registered config opens a new connection\n\(host.logTail())")
    }

    @Test("state changes are logged and audited with the caller's uid and pid")
    func auditTrail() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "audit")
        try host.must("POST", "/spider/keypair", json: ["ConnectionName": c.name, "ReqInfo": ["Name": "audited-key"]])
        let uid = getuid()
        #expect(host.log.contains("POST /spider/keypair → 200 (uid \(uid) pid "), "the log names the caller\n\(host.logTail())")

        // The audit table holds the same, with the caller's real uid.
        let query = """
            import sqlite3, sys
            rows = sqlite3.connect(sys.argv[1]).execute(
                "SELECT uid, pid, method, path, status FROM audit WHERE path = '/spider/keypair'").fetchall()
            print(rows)
            """
        let (exit, output) = try ChildProcess.run("/usr/bin/env", ["python3", "-c", query, host.dataDir + "/spider.sqlite"],
                                                  in: host.folder)
        #expect(exit == .code(0), "sqlite3 query failed: \(output)")
        #expect(output.contains("(\(uid), "), "an audit row with uid \(uid): \(output)")
        #expect(output.contains("'POST', '/spider/keypair', 200)"), "the audit row records the request: \(output)")
    }
}
