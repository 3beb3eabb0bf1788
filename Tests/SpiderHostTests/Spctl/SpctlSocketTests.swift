// spctl finds the host's socket as spiderd does, and says plainly when no host answers there or
// the socket refuses the user (exit 6).
import Foundation
import Testing

@Suite("spctl and the socket")
struct SpctlSocketTests {
    @Test("--socket, then SPIDER_SOCKET; a path with no host is a clear exit 6")
    func findsTheSocket() throws {
        let host = try HostProcess()
        let viaEnv = try Spctl.must(host, ["vpc", "list", "-c", "none"], code: 3)   // reached the host: the connection is unknown
        #expect(viaEnv.stderr.contains("none"))
        let elsewhere = host.folder.file("elsewhere.sock")
        let flagWins = try Spctl.run(host, ["--socket", elsewhere, "vpc", "list", "-c", "none"])
        #expect(flagWins.code == 6 && flagWins.stderr.contains(elsewhere) && flagWins.stderr.contains("is spiderd running"), "\(flagWins)")
        let gone = try Spctl.run(host, ["vpc", "list", "-c", "none"], environment: ["SPIDER_SOCKET": elsewhere])
        #expect(gone.code == 6, "\(gone)")
    }

    @Test("a user the socket refuses gets exit 6 and a sentence about permissions")
    func refusedUser() throws {
        let host = try HostProcess()
        let refused: SpctlResult
        if getuid() == 0 {
            // Root passes every permission check: spctl runs as nobody, whom the 0660 socket refuses.
            refused = try Spctl.run(host, ["vpc", "list", "-c", "none"], asNobody: true)
        } else {
            // Anyone else: the socket is made unwritable for its owner too.
            #expect(chmod(host.socketPath, 0) == 0)
            defer { chmod(host.socketPath, 0o660) }
            refused = try Spctl.run(host, ["vpc", "list", "-c", "none"])
        }
        #expect(refused.code == 6 && refused.stderr.contains("permission denied"), "\(refused)")
        host.expectReady()
    }
}
