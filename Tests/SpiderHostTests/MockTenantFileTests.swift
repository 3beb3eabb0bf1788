// The Mock keeps each tenant in a file of the driver's data folder. MockName is a credential value:
// it appears in no file name and no log line. A file named the earlier way is taken over, and temp
// files a crashed process left are cleaned up.
import Foundation
import Glibc
import Testing

@Suite("Mock tenant files")
struct MockTenantFileTests {
    private func files(_ host: HostProcess) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: host.dataDir + "/driver-data/mock").sorted()
    }

    /// SHA-256 of the name's UTF-8 in lower-case hex (sha256sum, so the test does not reuse the driver's code).
    private func sha256(_ text: String, in host: HostProcess) throws -> String {
        let file = host.folder.file("name.txt")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let (exit, output) = try ChildProcess.run("/usr/bin/sha256sum", [file], in: host.folder)
        try #require(exit == .code(0), "\(output)")
        return String(output.prefix(64))
    }

    @Test("the state file is tenant-<hash>.json; the MockName is in no file name and no log line")
    func nameKeptOut() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "filename")
        let mockName = c.credentialValues[0]
        try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01"))
        let hash = try sha256(mockName, in: host)
        #expect(try files(host) == ["tenant-\(hash.prefix(16)).json"])
        #expect(try files(host).allSatisfy { !$0.contains(mockName) })
        #expect(!host.log.contains(mockName), "the log holds the MockName\n\(host.logTail())")
        #expect(host.log.contains("mock tenant \(hash.prefix(16)) ready"), "\(host.logTail())")
    }

    @Test("a file named the earlier way is taken over; temp files of ended processes are removed, a live one's kept")
    func earlierNameAndLeftovers() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "migrate")
        let mockName = c.credentialValues[0]
        let made = try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01")).json["IId"] as? [String: Any]
        #expect(host.stop() == .code(0))

        let folder = host.dataDir + "/driver-data/mock"
        let hash = try sha256(mockName, in: host)
        let current = "tenant-\(hash.prefix(16)).json"
        let readable = mockName.map { $0.isLetter || $0.isNumber || "._-".contains($0) ? String($0) : "_" }.joined()
        let earlier = "tenant-\(readable)-\(hash.prefix(12)).json"
        #expect(rename(folder + "/" + current, folder + "/" + earlier) == 0)
        // A process that has ended (its pid reaped) left a temp file; this test process is alive.
        let gone = try ChildProcess.spawn("/bin/true", [], outputPath: host.folder.file("true.log"))
        _ = ChildProcess.wait(gone, seconds: 60)
        let dead = "\(current).tmp-\(gone)-1", alive = "\(current).tmp-\(getpid())-2"
        for name in [dead, alive] { #expect(FileManager.default.createFile(atPath: folder + "/" + name, contents: Data("x".utf8))) }

        try host.start()
        let vpc = try host.must("GET", "/spider/vpc/vpc-01" + c.query).json["IId"] as? [String: Any]
        #expect(vpc?["SystemId"] as? String == made?["SystemId"] as? String, "the state came from the earlier file")
        let left = try files(host)
        #expect(left == [current, alive].sorted(), "\(left)")
    }
}
