// try_call across the process boundary (driver_wire.h, "try channel"): answered on sockets of its
// own, each answer to its own request, and a helper built for another wire version refuses to start.
import DriverWire
import Foundation
import Glibc
import Logging
import SpiderModels
import Synchronization
import Testing
@testable import SpiderHost

@Suite("Try channels")
struct TryChannelTests {
    /// The Mock in a process of its own with `channels` try channels, with a connection.
    private func mockProcess(channels: Int, _ folder: TempFolder) throws -> (DriverRuntime, DriverHandle, DriverLoader) {
        guard let installed = DriverCatalog(store: folder.file("store"), extraRoots: [TestPaths.stagedDrivers]).newest(named: "mock") else {
            throw TestFailure("the Mock driver is not staged in \(TestPaths.stagedDrivers)")
        }
        let launch = DriverProcess.Launch(helperPath: TestPaths.driverHost, memoryLimitMB: 0, tryChannels: channels, restartPause: 0,
                                          logger: Logger(label: "test"))
        let loader = DriverLoader(dataRoot: folder.file("data"), crashes: folder.file("crashes"), logger: Logger(label: "test"),
                                  isolation: { _ in .process }, launch: launch)
        let driver = try loader.load(installed)
        guard case .success(let handle) = driver.connect(name: "c", credentials: [(key: "MockName", value: "channels")],
                                                         region: [(key: "Region", value: "default")]) else {
            throw TestFailure("the Mock refused a connection")
        }
        return (driver, handle, loader)
    }

    private func request(_ name: String, system: String) -> [UInt8] {
        IIDRequestJSON.encode(IIDRequest(IId: IID(NameId: name, SystemId: system)))
    }

    @Test("concurrent reads on two channels: every try_call is answered there, each with its own VPC")
    func concurrentReads() throws {
        let folder = try TempFolder()
        let (driver, handle, loader) = try mockProcess(channels: 2, folder)
        defer { loader.stopProcesses() }
        var systemIDs: [String: String] = [:]
        for i in 0..<6 {
            let create = VPCReqInfo(IId: IID(NameId: "v\(i)"), IPv4_CIDR: "10.\(i).0.0/16", SubnetInfoList: [])
            guard case .ok(let data) = driver.call(handle, operation: "vpc.create", request: Array(try JSONEncoder().encode(create)),
                                                  state: CallState(timeoutSeconds: 10)) else { throw TestFailure("vpc.create v\(i) failed") }
            systemIDs["v\(i)"] = try JSONDecoder().decode(VPCInfo.self, from: data).IId.SystemId
        }
        let known = systemIDs
        let results = Mutex<[String]>([])
        // Two threads per channel: a thread finding both taken gets nil (its caller would use a worker);
        // every answer that does come must be the one asked for.
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for round in 0..<300 {
                let name = "v\((thread + round) % 6)"
                switch driver.tryCall(handle, operation: "vpc.get", request: request(name, system: known[name]!)) {
                case .some(.ok(let data)):
                    let got = (try? JSONDecoder().decode(VPCInfo.self, from: data))?.IId.NameId ?? "?"
                    if got != name { results.withLock { $0.append("asked \(name), answered \(got)") } }
                    results.withLock { $0.append("ok") }
                case .some(.failure(let f)): results.withLock { $0.append("failed: \(f.message)") }
                case .none: results.withLock { $0.append("declined") }
                }
            }
        }
        let all = results.withLock { $0 }
        let wrong = all.filter { $0 != "ok" && $0 != "declined" }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
        #expect(all.filter { $0 == "ok" }.count >= 600, "most reads are answered on a channel: \(all.filter { $0 == "ok" }.count) of 1200")
    }

    @Test("without a try channel every try_call declines, and the call path still answers")
    func noChannel() throws {
        let folder = try TempFolder()
        let (driver, handle, loader) = try mockProcess(channels: 0, folder)
        defer { loader.stopProcesses() }
        if case .some = driver.tryCall(handle, operation: "vpc.list", request: Array("{}".utf8)) {
            Issue.record("a try_call was answered without a try channel")
        }
        guard case .ok = driver.call(handle, operation: "vpc.list", request: Array("{}".utf8), state: CallState(timeoutSeconds: 10)) else {
            throw TestFailure("vpc.list failed")
        }
    }

    @Test("a HELLO of another wire version is refused with both versions named")
    func otherWireVersion() throws {
        var pair: [Int32] = [-1, -1]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0)
        defer { close(pair[0]) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pair[1], 3)
        let words: [String] = [TestPaths.driverHost, "--parent", String(getpid())]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        #expect(posix_spawn(&pid, TestPaths.driverHost, &actions, nil, argv, environ) == 0)
        close(pair[1])
        let hello = WireFrame(kind: SPIDER_WIRE_HELLO, id: UInt64(SPIDER_WIRE_VERSION) + 1, a: 1, b: 1,
                              fields: [Array("/nonexistent.so".utf8), Array("/tmp".utf8), Array("test".utf8)])
        #expect(hello.write(to: pair[0]))
        let reply = try WireFrame.read(from: pair[0])
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        #expect(reply.kind == SPIDER_WIRE_FAILED)
        let text = reply.text(0) ?? ""
        #expect(text.contains("wire version \(SPIDER_WIRE_VERSION) and spiderd \(SPIDER_WIRE_VERSION + 1)"), "\(text)")
    }
}
