// A stop request that comes while the host is still starting is honoured, not lost.
import Foundation
import Testing

@Suite("Signals during start-up")
struct StartupSignalTests {
    @Test("SIGTERM at any moment of start-up ends the host", arguments: [0, 5, 10, 20, 30, 45, 60, 90])
    func termWhileStarting(delayMs: Int) throws {
        let host = try HostProcess(start: false)
        let pid = try ChildProcess.spawn(TestPaths.spiderd, host.arguments, outputPath: host.logPath)
        usleep(UInt32(delayMs * 1000))
        kill(pid, SIGTERM)
        let exit = ChildProcess.wait(pid, seconds: 15) ?? ChildProcess.kill9(pid)
        // Killed by the default action (before main), or a clean stop (after): never still running.
        #expect(exit == .code(0) || exit == .signal(SIGTERM), "spiderd ended with \(exit)\n\(host.logTail())")
    }

    @Test("a SIGTERM pending when the host begins (its parent blocked it) stops it once it runs", arguments: [0, 20, 60])
    func termPendingFromTheParent(delayMs: Int) throws {
        let host = try HostProcess(start: false)
        let pid = try ChildProcess.spawn(TestPaths.spiderd, host.arguments, outputPath: host.logPath, blockingStopSignals: true)
        usleep(UInt32(delayMs * 1000))
        kill(pid, SIGTERM)
        let exit = ChildProcess.wait(pid, seconds: 15) ?? ChildProcess.kill9(pid)
        #expect(exit == .code(0), "spiderd ended with \(exit)\n\(host.logTail())")
    }
}
