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

    @Test("a user the socket refuses gets exit 6 and a sentence about permissions", .enabled(if: getuid() == 0, "needs root to run spctl as another user"))
    func refusedUser() throws {
        let host = try HostProcess()
        let r = try Spctl.run(host, ["vpc", "list", "-c", "none"], asNobody: true)
        #expect(r.code == 6 && r.stderr.contains("permission denied"), "\(r)")
    }
}
