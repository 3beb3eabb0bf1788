// A stop request that comes while the host is still starting is honoured, not lost. Each moment
// of start-up is an event the test waits for (a line spiderd logs, or its READY=1), never a delay.
import Foundation
import Testing

@Suite("Signals during start-up")
struct StartupSignalTests {
    /// Where spiderd is when SIGTERM comes, in the order it gets there.
    enum Moment: String, CaseIterable, CustomTestStringConvertible {
        case spawned          // posix_spawn returned: before exec, in the loader, or in main
        case dataOpen         // "data in …": the data folder and drivers are open
        case registriesRead   // "registries: …": the last line before the socket
        case listening        // "listening on …": the socket is bound
        case ready            // READY=1 on NOTIFY_SOCKET: serving

        var testDescription: String { rawValue }

        var logLine: String? {
            switch self {
            case .dataOpen: "] data in "
            case .registriesRead: "] registries: "
            case .listening: " listening on "
            case .spawned, .ready: nil
            }
        }
    }

    /// Starts spiderd, waits for `moment`, sends SIGTERM, and answers how it ended.
    private func terminate(at moment: Moment, blockingStopSignals: Bool) throws -> (ChildProcess.Exit, HostProcess) {
        let host = try HostProcess(start: false)
        let notify = try NotifySocket(path: host.folder.file("notify.sock"))
        let pid = try ChildProcess.spawn(TestPaths.spiderd, host.arguments, outputPath: host.logPath,
                                         blockingStopSignals: blockingStopSignals, notifySocket: notify.path)
        let ended = try ProcessWatch(pid)
        switch moment {
        case .spawned:
            break
        case .ready:
            let ready = EventWait.until([notify, ended]) { notify.received("READY=1") || ended.hasEnded }
            #expect(ready && notify.received("READY=1"), "spiderd never said READY=1\n\(host.logTail())")
        default:
            let seen = try FileWatch.wait(for: host.logPath, while: ended) { $0.contains(moment.logLine!) ? true : nil }
            #expect(seen == true, "spiderd never logged '\(moment.logLine!)'\n\(host.logTail())")
        }
        kill(pid, SIGTERM)
        return (ChildProcess.wait(pid, seconds: 60) ?? ChildProcess.kill9(pid), host)
    }

    @Test("SIGTERM at each moment of start-up ends the host", arguments: Moment.allCases)
    func termWhileStarting(at moment: Moment) throws {
        let (exit, host) = try terminate(at: moment, blockingStopSignals: false)
        if moment == .spawned {
            // Killed by the default action (before main blocks the signal), or a clean stop (after).
            #expect(exit == .code(0) || exit == .signal(SIGTERM), "spiderd ended with \(exit)\n\(host.logTail())")
        } else {
            // main blocked SIGTERM before it logged anything: the signal waits for the host to take it.
            #expect(exit == .code(0), "spiderd ended with \(exit)\n\(host.logTail())")
        }
    }

    @Test("a SIGTERM pending when the host begins (its parent blocked it) stops it once it runs",
          arguments: [Moment.spawned, .dataOpen, .ready])
    func termPendingFromTheParent(at moment: Moment) throws {
        let (exit, host) = try terminate(at: moment, blockingStopSignals: true)
        #expect(exit == .code(0), "spiderd ended with \(exit)\n\(host.logTail())")
    }
}
