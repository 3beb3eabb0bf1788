// One real spiderd for one test: its own private folder (socket, data, log), started with
// --socket/--data-dir/--drivers-dir, ready once it says READY=1 (sd_notify), stopped with SIGTERM.
import Foundation
import Glibc
import SpiderClient
import Synchronization


final class HostProcess: Sendable {
    let folder: TempFolder
    let socketPath: String
    let dataDir: String
    let logPath: String
    let driversDirs: [String]
    /// `<folder>/drivers`, on the drivers path when created with `ownDrivers: true`.
    let ownDriversDir: String
    let extraArguments: [String]
    let client: SpiderClient

    private let pid = Mutex<pid_t?>(nil)
    /// Every response body this host gave, for checks that span a whole test (secrets).
    private let transcript = Mutex<[String]>([])

    /// Starts a host. `driversDirs` defaults to the staged drivers; with `ownDrivers`, the host's
    /// own `drivers` folder (see `ownDriversDir`) comes first, for drivers built by the test.
    /// `extraArguments` are added to the command line (e.g. `["--call-timeout", "1"]`).
    /// With `descriptorLimit`, spiderd runs under that RLIMIT_NOFILE (prlimit(1) execs it: same pid).
    let descriptorLimit: Int?

    init(driversDirs: [String]? = nil, ownDrivers: Bool = false, extraArguments: [String] = [], descriptorLimit: Int? = nil,
         start: Bool = true) throws {
        self.descriptorLimit = descriptorLimit
        folder = try TempFolder()
        socketPath = folder.file("sock/spider.sock")
        dataDir = folder.file("data")
        logPath = folder.file("spiderd.log")
        ownDriversDir = folder.file("drivers")
        self.driversDirs = (ownDrivers ? [folder.file("drivers")] : []) + (driversDirs ?? [TestPaths.stagedDrivers])
        self.extraArguments = extraArguments
        client = SpiderClient(socketPath: socketPath, timeoutSeconds: 60)
        if start { try self.start() }
    }

    deinit {
        if let running = pid.withLock({ $0 }) {
            kill(running, SIGTERM)
            if ChildProcess.wait(running, seconds: 10) == nil { _ = ChildProcess.kill9(running) }
        }
    }

    var arguments: [String] {
        ["--socket", socketPath, "--data-dir", dataDir] + driversDirs.flatMap { ["--drivers-dir", $0] } + extraArguments
    }

    var processID: pid_t? { pid.withLock { $0 } }

    /// Spawns spiderd and waits until it says READY=1 on its NOTIFY_SOCKET (or ends); then readyz must answer 200.
    func start() throws {
        guard FileManager.default.isExecutableFile(atPath: TestPaths.spiderd) else {
            throw TestFailure("spiderd is not built at \(TestPaths.spiderd) (run `swift build` or set SPIDERD)")
        }
        let notify = try NotifySocket(path: folder.file("notify.sock"))
        let (program, programArguments) = descriptorLimit.map {
            ("/usr/bin/prlimit", ["--nofile=\($0):\($0)", "--", TestPaths.spiderd] + arguments)
        } ?? (TestPaths.spiderd, arguments)
        let child = try ChildProcess.spawn(program, programArguments, outputPath: logPath, notifySocket: notify.path)
        pid.withLock { $0 = child }
        let exited = try ProcessWatch(child)
        let ready = EventWait.until([notify, exited]) { notify.received("READY=1") || exited.hasEnded }
        if let exit = ChildProcess.poll(child) {
            pid.withLock { $0 = nil }
            throw TestFailure("spiderd exited (\(exit)) before it was ready\n\(logTail())")
        }
        guard ready else { throw TestFailure("spiderd did not say READY=1 within a minute\n\(logTail())") }
        let readyz = try client.request("GET", "/spider/readyz")
        guard readyz.status == 200 else { throw TestFailure("spiderd said READY=1 but readyz answered \(readyz.status) \(readyz.text)") }
    }

    /// SIGTERM, then up to 15 s for a clean exit (SIGKILL after that). Returns how it ended.
    @discardableResult
    func stop() -> ChildProcess.Exit? {
        guard let running = pid.withLock({ p -> pid_t? in defer { p = nil }; return p }) else { return nil }
        kill(running, SIGTERM)
        return ChildProcess.wait(running, seconds: 15) ?? ChildProcess.kill9(running)
    }

    /// SIGKILL: no chance to clean up (a crash, an OOM kill, a power cut as far as files go).
    @discardableResult
    func killHard() -> ChildProcess.Exit? {
        guard let running = pid.withLock({ p -> pid_t? in defer { p = nil }; return p }) else { return nil }
        return ChildProcess.kill9(running)
    }

    /// Stops the host and starts it again on the same folders.
    func restart() throws {
        let exit = stop()
        guard exit == .code(0) else { throw TestFailure("spiderd did not stop cleanly on SIGTERM (\(exit.map(\.description) ?? "not running"))\n\(logTail())") }
        try start()
    }

    /// The last lines of spiderd's output, for failure messages.
    func logTail(_ bytes: Int = 3000) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "(no log)"
        return "--- spiderd log (tail) ---\n" + String(text.suffix(bytes))
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Waits until the log contains `text` (each write to it is an event); used to know a request
    /// has reached a given point (e.g. "opened connection 'x'" is logged just before its first driver call).
    func waitForLog(_ text: String, seconds: Double = 60) -> Bool {
        (try? FileWatch.wait(for: logPath, boundSeconds: seconds) { $0.contains(text) ? true : nil }) != nil
    }

    // MARK: requests

    /// Sends one request; `json` is a dictionary (sent as JSON) and `body` raw bytes.
    func call(_ method: String, _ path: String, json: [String: Any]? = nil, body: Data? = nil) throws -> SpiderResponse {
        let payload = try json.map { try JSONSerialization.data(withJSONObject: $0) } ?? body
        let response = try client.request(method, path, body: payload)
        transcript.withLock { $0.append("\(method) \(path) → \(response.status) \(response.text)") }
        return response
    }

    /// Every "METHOD path → status body" line this host answered so far.
    var responses: [String] { transcript.withLock { $0 } }
}
