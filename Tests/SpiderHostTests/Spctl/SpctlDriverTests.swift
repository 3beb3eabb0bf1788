// spctl driver's registry verbs against a real host with a signed test registry: search, install
// (as a polled job; a byte progress bar only on a terminal), installed, jobs, upgrade, remove; a job
// that fails exits with the code of its status; removing a version in use is a conflict (4).
import Foundation
import Testing

@Suite("spctl driver store", .serialized)
struct SpctlDriverTests {
    static func host(_ registry: TestRegistry, registryURL: String? = nil) throws -> HostProcess {
        let args = registryURL.map { ["--registry", $0, "--trusted-keys", registry.trusted] } ?? registry.hostArguments
        return try HostProcess(driversDirs: [], extraArguments: args)
    }

    static func rows(_ r: SpctlResult, _ key: String) -> [[String: Any]] { r.json[key] as? [[String: Any]] ?? [] }

    static func header(_ table: String) -> [Substring] {
        table.split(separator: "\n").first?.split(separator: " ", omittingEmptySubsequences: true) ?? []
    }

    @Test("search, install, installed, jobs; errors by class; remove in use is 4 until --force")
    func installAndRemove() throws {
        let registry = try TestRegistry()
        try registry.addStaged("mock")
        try registry.addStaged("cexample")
        try registry.publish()
        let host = try Self.host(registry)

        let registries = Self.rows(try Spctl.must(host, ["driver", "registries"]), "registry")
        #expect(registries.map { $0["Location"] as? String } == [registry.registry] && registries.first?["Versions"] as? Int == 2)
        let offers = Self.rows(try Spctl.must(host, ["driver", "search"]), "driver")
        #expect(offers.compactMap { $0["Name"] as? String }.sorted() == ["cexample", "mock"])
        #expect(offers.allSatisfy { $0["Installed"] as? Bool == false && $0["Loadable"] as? Bool == true })
        let searchTable = try Spctl.must(host, ["driver", "search", "cexample", "-o", "table"]).stdout
        #expect(Self.header(searchTable).prefix(3) == ["NAME", "VERSION", "PROVIDER"] && searchTable.split(separator: "\n").count == 2, "\(searchTable)")

        let install = try Spctl.must(host, ["driver", "install", "cexample"])
        let size = try FileManager.default.attributesOfItem(atPath: try registry.archive("cexample", "1.0.0"))[.size] as? Int
        #expect(install.json["State"] as? String == "done" && install.json["Name"] as? String == "cexample")
        #expect(install.json["Bytes"] as? Int == size && install.json["TotalBytes"] as? Int == size)
        #expect(install.stderr.isEmpty, "no progress bar when not on a terminal: \(install.stderr)")
        let byProvider = try Spctl.must(host, ["driver", "install", "--provider", "MOCK"])
        #expect(byProvider.json["Name"] as? String == "mock" && byProvider.json["Version"] as? String == "1.0.0")

        let installed = Self.rows(try Spctl.must(host, ["driver", "installed"]), "installed")
        #expect(installed.map { "\($0["Name"] ?? "") \($0["Version"] ?? "")" } == ["cexample 1.0.0", "mock 1.0.0"])
        #expect(installed.allSatisfy { $0["Managed"] as? Bool == true && $0["Newest"] as? Bool == true })
        let installedTable = try Spctl.must(host, ["driver", "installed", "-o", "table"]).stdout
        #expect(Self.header(installedTable).prefix(5) == ["NAME", "VERSION", "PROVIDER", "ABI", "MANAGED"], "\(installedTable)")
        let jobs = Self.rows(try Spctl.must(host, ["driver", "jobs"]), "job")
        #expect(jobs.map { $0["State"] as? String } == ["done", "done"])
        let id = try #require(install.json["Id"] as? String)
        #expect(try Spctl.must(host, ["driver", "jobs", id]).json["Name"] as? String == "cexample")
        #expect(Self.header(try Spctl.must(host, ["driver", "jobs", "-o", "table"]).stdout).prefix(2) == ["ID", "KIND"])

        // Each class of refusal, decided before a job starts.
        let unknown = try Spctl.must(host, ["driver", "install", "nope"], code: 3)
        #expect(unknown.stderr.contains("nope"))
        try Spctl.must(host, ["driver", "install", "mock@^2"], code: 3)
        try Spctl.must(host, ["driver", "install", "mock@two"], code: 2)
        try Spctl.must(host, ["driver", "install"], code: 2)
        try Spctl.must(host, ["driver", "jobs", "999"], code: 3)

        // A version a connection runs: removal is a conflict, then forced.
        try Spctl.must(host, ["driver", "create", "--name", "cex", "--provider", "CEXAMPLE"])
        let c = try Fixtures.registerCExample(host)
        try host.must("GET", "/spider/vmspec\(c.query)")
        #expect(Self.rows(try Spctl.must(host, ["driver", "installed", "cexample"]), "installed").first?["Connections"] as? [String] == [c.name])
        let inUse = try Spctl.must(host, ["driver", "remove", "cexample", "1.0.0"], code: 4)
        #expect(inUse.stderr.contains(c.name) && inUse.stderr.contains("force"), "\(inUse.stderr)")
        try Spctl.must(host, ["driver", "remove", "cexample", "1.0.0", "--force"])
        try Spctl.must(host, ["driver", "installed", "cexample"], code: 3)
        try Spctl.must(host, ["driver", "remove", "cexample", "1.0.0"], code: 3)
        #expect(Self.rows(try Spctl.must(host, ["driver", "search", "cexample"]), "driver").first?["Installed"] as? Bool == false)
    }

    @Test("a job that fails (an archive whose SHA-256 differs from the index) exits 1 with the reason; nothing is installed")
    func failedJob() throws {
        let registry = try TestRegistry()
        try registry.addStaged("mock")
        try registry.publish()
        let archive = try registry.archive("mock", "1.0.0")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: archive)[.size] as? Int)
        try Data((0..<size).map { UInt8($0 % 251) }).write(to: URL(fileURLWithPath: archive))
        let host = try Self.host(registry)

        let failed = try Spctl.must(host, ["driver", "install", "mock"], code: 1)
        #expect(failed.stderr.contains("SHA-256") && failed.stdout.isEmpty, "\(failed)")
        let job = Self.rows(try Spctl.must(host, ["driver", "jobs"]), "job").first
        #expect(job?["State"] as? String == "failed" && job?["ErrorStatus"] as? Int == 502)
        #expect(Self.rows(try Spctl.must(host, ["driver", "installed"]), "installed").isEmpty)
    }

    @Test("upgrade --reopen installs the newer version beside the old one and moves the open connection to it")
    func upgrade() throws {
        let registry = try TestRegistry()
        try registry.add(VersionedDriverSource.driver(version: "1.0.0"))
        try registry.publish()
        let host = try Self.host(registry)
        try Spctl.must(host, ["driver", "install", "versioned@1.0.0"])
        let c = try Fixtures.register(host, driver: "versioned-driver", provider: VersionedDriverSource.provider, library: nil, tag: "v",
                                      credentials: [("ApiKey", "k")], region: [("Region", "r1")])
        try host.must("GET", "/spider/vmspec\(c.query)")

        try registry.add(VersionedDriverSource.driver(version: "1.1.0"))
        try registry.publish()
        let upgraded = try Spctl.must(host, ["driver", "upgrade", "versioned", "--reopen"])
        #expect(upgraded.json["Kind"] as? String == "upgrade" && upgraded.json["Version"] as? String == "1.1.0", "\(upgraded.stdout)")
        try host.must("GET", "/spider/vmspec\(c.query)")
        let versions = Self.rows(try Spctl.must(host, ["driver", "installed", "versioned"]), "installed")
        #expect(versions.map { $0["Version"] as? String } == ["1.0.0", "1.1.0"])
        #expect(versions.map { $0["Newest"] as? Bool } == [false, true])
        #expect(versions.map { $0["Connections"] as? [String] } == [[], [c.name]])
        try Spctl.must(host, ["driver", "remove", "versioned", "1.0.0"])
        try Spctl.must(host, ["driver", "upgrade"], code: 2)
    }

    @Test("on a terminal the install draws a byte progress bar on stderr; --no-color draws none")
    func progressBarOnTerminal() throws {
        let registry = try TestRegistry()
        try registry.addStaged("cexample")
        try registry.publish()
        // The registry holds the bundle halfway until spctl has drawn the bar: the job is downloading
        // for as long as that takes.
        let size = try FileManager.default.attributesOfItem(atPath: try registry.archive("cexample", "1.0.0"))[.size] as? Int ?? 0
        let server = try StaticHTTPServer(serving: registry.registry, scratch: registry.folder, holdingArchiveAfter: size / 2)
        let host = try Self.host(registry, registryURL: server.url)

        let terminal = try Self.startOnTerminal(host, ["driver", "install", "cexample"])
        let bar = try FileWatch.wait(for: terminal.output, while: try ProcessWatch(terminal.pid)) { $0.contains("%") ? true : nil }
        #expect(bar == true, "spctl drew no progress while the download was held: \(FileWatch.text(terminal.output))")
        server.release()
        let exit = ChildProcess.wait(terminal.pid, seconds: 120) ?? ChildProcess.kill9(terminal.pid)
        let output = FileWatch.text(terminal.output)
        #expect(exit == .code(0), "\(output)")
        #expect(output.contains("install cexample 1.0.0") && output.contains("%") && output.contains("\u{1B}[2K"), "\(output)")
        #expect(output.contains("STATE") && output.contains("done"), "a table on a terminal: \(output)")

        try Spctl.must(host, ["driver", "remove", "cexample", "1.0.0"])
        let plain = try Self.onTerminal(host, ["--no-color", "driver", "install", "cexample"])
        #expect(plain.exit == .code(0), "\(plain.output)")
        #expect(!plain.output.contains("\u{1B}[") && !plain.output.contains("install cexample 1.0.0 "), "\(plain.output)")
        #expect(plain.output.contains("STATE") && plain.output.contains("done"), "\(plain.output)")
        #expect(Self.rows(try Spctl.must(host, ["driver", "installed"]), "installed").count == 1)
    }

    /// Runs spctl with a pseudo-terminal for stdout and stderr (util-linux `script`); both streams in one output.
    static func onTerminal(_ host: HostProcess, _ arguments: [String]) throws -> (exit: ChildProcess.Exit, output: String) {
        let started = try startOnTerminal(host, arguments)
        let exit = ChildProcess.wait(started.pid, seconds: 120) ?? ChildProcess.kill9(started.pid)
        return (exit, FileWatch.text(started.output))
    }

    /// Starts spctl on a pseudo-terminal (util-linux `script`), its terminal's output going to a file.
    static func startOnTerminal(_ host: HostProcess, _ arguments: [String]) throws -> (pid: pid_t, output: String) {
        func quoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        // NO_COLOR from the test's environment would turn the decorations off.
        let command = "exec env -u NO_COLOR SPIDER_SOCKET=\(quoted(host.socketPath)) " + ([Spctl.binary] + arguments).map(quoted).joined(separator: " ")
        let output = host.folder.file("terminal-\(UUID().uuidString.prefix(8)).log")
        return (try ChildProcess.spawn("/usr/bin/script", ["-qec", command, "/dev/null"], outputPath: output), output)
    }
}
