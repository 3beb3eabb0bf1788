// Socket activation: a socket handed over as systemd does (fd 3, LISTEN_FDS=1, LISTEN_PID=our pid)
// is served as it is, without the host creating or removing a socket file of its own.
import Foundation
import Glibc
import SpiderClient
import Testing

@Suite("systemd socket activation")
struct SystemdActivationTests {
    /// Binds and listens on the path, puts the socket on fd 3, sets the variables, then execs
    /// spiderd — exec keeps the pid, so LISTEN_PID names spiderd itself, as systemd arranges.
    static let launcher = """
        import os, socket, sys
        path, program = sys.argv[1], sys.argv[2]
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(path)
        s.listen(16)
        os.dup2(s.fileno(), 3)
        os.set_inheritable(3, True)
        os.environ["LISTEN_FDS"] = "1"
        os.environ["LISTEN_PID"] = str(os.getpid())
        os.execv(program, [program] + sys.argv[3:])
        """

    @Test("spiderd serves the socket passed in LISTEN_FDS")
    func servesPassedSocket() throws {
        let folder = try TempFolder()
        let socketPath = folder.file("activated.sock")
        let ownSocket = folder.file("unused/spider.sock")
        let arguments = ["-c", Self.launcher, socketPath, TestPaths.spiderd, "--socket", ownSocket,
                         "--data-dir", folder.file("data"), "--drivers-dir", TestPaths.stagedDrivers]
        let logPath = folder.file("spiderd.log")
        // An abstract NOTIFY_SOCKET, as some supervisors hand out.
        let notify = try NotifySocket(path: "@spider-test-\(getpid())-\(UUID().uuidString.prefix(8))")
        let pid = try ChildProcess.spawn("/usr/bin/env", ["python3"] + arguments, outputPath: logPath, notifySocket: notify.path)
        let ended = try ProcessWatch(pid)
        var stopped = false
        defer {
            if !stopped {
                kill(pid, SIGTERM)
                if ChildProcess.wait(pid, seconds: 15) == nil { _ = ChildProcess.kill9(pid) }
            }
        }
        let ready = EventWait.until([notify, ended]) { notify.received("READY=1") || ended.hasEnded }
        let log = { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
        try #require(ready && notify.received("READY=1"), "spiderd said READY=1\n\(log())")
        #expect(notify.received("STATUS=serving on the socket passed by systemd"), "\(notify.messages)")
        let client = SpiderClient(socketPath: socketPath, timeoutSeconds: 30)
        #expect(try client.request("GET", "/spider/readyz").status == 200)
        #expect(log().contains("passed by systemd"), "the log says the socket came from systemd\n\(log())")
        #expect(!FileManager.default.fileExists(atPath: ownSocket), "no socket of its own was created")
        #expect(try client.request("GET", "/spider/version").status == 200)

        // Stopping is announced too, before the process ends.
        kill(pid, SIGTERM)
        stopped = true
        #expect(ChildProcess.wait(pid, seconds: 60) == .code(0), "\(log())")
        #expect(notify.received("STOPPING=1"), "\(notify.messages)")
    }
}
