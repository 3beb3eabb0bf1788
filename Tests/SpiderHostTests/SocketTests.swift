// The Unix socket: private folder, mode 0660, one live host per path, stale sockets replaced.
import Foundation
import Glibc
import SpiderClient
import Testing

@Suite("The Unix socket")
struct SocketTests {
    @Test("the socket is 0660 inside a 0700 folder, and goes away on SIGTERM")
    func socketModes() throws {
        let host = try HostProcess()
        #expect(FileFacts.isSocket(host.socketPath))
        let socketMode = FileFacts.mode(host.socketPath)
        #expect(socketMode == 0o660, "socket mode is \(FileFacts.octal(socketMode))")
        let folder = (host.socketPath as NSString).deletingLastPathComponent
        let folderMode = FileFacts.mode(folder)
        #expect(folderMode == 0o700, "socket folder mode is \(FileFacts.octal(folderMode))")

        #expect(host.stop() == .code(0), "spiderd exits 0 on SIGTERM\n\(host.logTail())")
        #expect(FileFacts.mode(host.socketPath) == nil, "the socket file is removed on a clean stop")
    }

    @Test("a second spiderd on the same socket exits non-zero, saying another host serves it")
    func secondHostRefused() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "first")
        // Its own data folder, so only the socket is shared.
        let arguments = ["--socket", host.socketPath, "--data-dir", host.folder.file("other-data"), "--drivers-dir", TestPaths.stagedDrivers]
        let (exit, output) = try ChildProcess.run(TestPaths.spiderd, arguments, in: host.folder, seconds: 60)
        #expect(exit != .code(0) && exit != .signal(SIGKILL), "the second spiderd ended with \(exit): \(output)")
        if case .signal = exit { Issue.record("the second spiderd crashed (\(exit)): \(output)") }
        #expect(output.lowercased().contains("another"), "the message says another host serves the socket: \(output)")
        #expect(output.contains(host.socketPath), "the message names the socket: \(output)")

        // The first host keeps serving on its socket.
        #expect(FileFacts.isSocket(host.socketPath))
        host.expectReady()
        try host.must("GET", "/spider/vmspec" + c.query)
    }

    @Test("a second spiderd on the same data folder (another socket) exits non-zero naming the folder and the first host's pid")
    func secondHostOnDataFolderRefused() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "first")
        let arguments = ["--socket", host.folder.file("sock/other.sock"), "--data-dir", host.dataDir, "--drivers-dir", TestPaths.stagedDrivers]
        let (exit, output) = try ChildProcess.run(TestPaths.spiderd, arguments, in: host.folder, seconds: 60)
        #expect(exit == .code(1), "the second spiderd ended with \(exit): \(output)")
        let pid = try #require(host.processID)
        #expect(output.contains(host.dataDir) && output.contains("pid \(pid)"), "names the folder and the first host: \(output)")
        #expect(!FileFacts.isSocket(host.folder.file("sock/other.sock")), "the second host never served")
        try host.must("GET", "/spider/vmspec" + c.query)

        // Once the first host has stopped (even killed), the folder is free again.
        #expect(host.killHard() == .signal(SIGKILL))
        try host.start()
        try host.must("GET", "/spider/vmspec" + c.query)
    }

    @Test("a stale socket left by a crash is replaced on start")
    func staleSocketReplaced() throws {
        let host = try HostProcess(start: false)
        let folder = (host.socketPath as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try FileFacts.leaveStaleSocket(at: host.socketPath)
        #expect(FileFacts.isSocket(host.socketPath))
        #expect((try? host.client.request("GET", "/spider/readyz")) == nil, "nobody answers the stale socket")

        try host.start()
        host.expectReady()
        #expect(FileFacts.mode(host.socketPath) == 0o660)
    }

    @Test("a start is refused when the socket path is a regular file or the folder is open to others")
    func unsafePathsRefused() throws {
        let host = try HostProcess(start: false)
        let folder = (host.socketPath as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try Data("not a socket".utf8).write(to: URL(fileURLWithPath: host.socketPath))
        let (exit, output) = try ChildProcess.run(TestPaths.spiderd, host.arguments, in: host.folder, seconds: 60)
        #expect(exit == .code(1), "\(exit): \(output)")
        #expect(output.contains("not a socket"), "\(output)")
        #expect(FileFacts.file(host.socketPath, contains: "not a socket"), "the file was left alone")

        try FileManager.default.removeItem(atPath: host.socketPath)
        chmod(folder, 0o777)
        let (open, said) = try ChildProcess.run(TestPaths.spiderd, host.arguments, in: host.folder, seconds: 60)
        #expect(open == .code(1), "\(open): \(said)")
        #expect(said.contains("777") || said.lowercased().contains("private"), "\(said)")
        chmod(folder, 0o700)
    }
}
