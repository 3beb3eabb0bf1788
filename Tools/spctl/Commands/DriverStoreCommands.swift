// spctl driver search|install|upgrade|installed|remove|jobs|registries: driver versions from the
// host's registries (Registry/README.md, "How spiderd uses registries").
import ArgumentParser
import Foundation

extension DriverCommand {
    static let offerTable = TableSpec(list: "driver", [
        ("NAME", "Name"), ("VERSION", "Version"), ("PROVIDER", "ProviderName"), ("PLATFORM", "Platform"), ("ABI", "AbiVersion"),
        ("SIZE", "Size"), ("LOADABLE", "Loadable"), ("INSTALLED", "Installed"), ("REGISTRY", "Registry"),
    ])
    static let installedColumns: [(String, String)] = [
        ("NAME", "Name"), ("VERSION", "Version"), ("PROVIDER", "ProviderName"), ("ABI", "AbiVersion"), ("MANAGED", "Managed"),
        ("NEWEST", "Newest"), ("SIGNER", "Signer"), ("CONNECTIONS", "Connections"), ("INSTALLED AT", "InstalledAt"),
    ]
    static let jobColumns: [(String, String)] = [
        ("ID", "Id"), ("KIND", "Kind"), ("NAME", "Name"), ("VERSION", "Version"), ("PROVIDER", "ProviderName"), ("STATE", "State"),
        ("BYTES", "Bytes"), ("TOTAL", "TotalBytes"), ("STARTED", "StartedAt"), ("ERROR", "Error"),
    ]

    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The driver versions the host's registries offer (by name or provider).",
            discussion: "Examples:\n  spctl driver search\n  spctl driver search mock\n  spctl driver search AWS --allow-unsigned")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("A driver name or provider to look for; all when omitted.", valueName: "query")) var text: String?
        @Flag(name: .customLong("allow-unsigned"), help: "Also read registries no trusted key signed.") var allowUnsigned = false
        func run() throws {
            let session = Session(global)
            let response = try session.send("GET", "/registry/driver" + query([("query", text), ("AllowUnsigned", allowUnsigned ? "true" : nil)]))
            // Registries that could not be read: said on stderr, so a table still shows what the others offer.
            for problem in response.json["Problems"] as? [String] ?? [] { Terminal.err("spctl: warning: \(problem)\n") }
            session.print(response, table: DriverCommand.offerTable)
        }
    }

    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install a driver version from the host's registries, with a progress bar on a terminal.",
            discussion: """
                The version is the newest matching <constraint> (1.2.3, ^1.2, ~1.2, '>=1.0, <2', latest; default: newest).
                Examples:
                  spctl driver install mock
                  spctl driver install mock@^1.0
                  spctl driver install --provider AWS
                  spctl driver install -d '{"Name":"mock","Version":"1.0.0"}'
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var data: DataOption
        @Argument(help: ArgumentHelp("The driver and optionally a version constraint.", valueName: "name[@constraint]")) var driver: String?
        @Option(help: "Install the newest driver for this provider instead of naming one.") var provider: String?
        @Flag(name: .customLong("allow-unsigned"), help: "Accept an index no trusted key signed (recorded as unsigned).") var allowUnsigned = false

        func run() throws {
            var body = try data.object() ?? [:]
            if let driver {
                let (name, constraint) = DriverCommand.split(driver)
                body["Name"] = name
                if let constraint { body["Version"] = constraint }
            }
            if let provider { body["ProviderName"] = provider }
            if allowUnsigned { body["AllowUnsigned"] = true }
            guard body["Name"] != nil || body["ProviderName"] != nil else {
                throw SpctlFailure(.usage, "name a driver (spctl driver install mock@^1.0) or a provider (--provider MOCK)")
            }
            try InstallJobWatch(session: Session(global)).run("/driver/install", body)
        }
    }

    struct Upgrade: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install a driver's newest version beside the running one; --reopen moves open connections to it.",
            discussion: "Examples:\n  spctl driver upgrade mock\n  spctl driver upgrade mock@^2 --reopen")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var data: DataOption
        @Argument(help: ArgumentHelp("The driver and optionally a version constraint.", valueName: "name[@constraint]")) var driver: String?
        @Flag(help: "Close the connections running an older version (after their calls in flight), so they reopen on the new one.")
        var reopen = false
        @Flag(name: .customLong("allow-unsigned"), help: "Accept an index no trusted key signed.") var allowUnsigned = false

        func run() throws {
            var body = try data.object() ?? [:]
            if let driver {
                let (name, constraint) = DriverCommand.split(driver)
                body["Name"] = name
                if let constraint { body["Version"] = constraint }
            }
            if reopen { body["Reopen"] = true }
            if allowUnsigned { body["AllowUnsigned"] = true }
            guard body["Name"] != nil else { throw SpctlFailure(.usage, "name the driver to upgrade: spctl driver upgrade <name>") }
            try InstallJobWatch(session: Session(global)).run("/driver/upgrade", body)
        }
    }

    struct Installed: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Installed driver versions and the open connections running each.",
            discussion: "Examples:\n  spctl driver installed\n  spctl driver installed mock")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Only this driver's versions.") var name: String?
        func run() throws {
            try Session(global).run("GET", "/driver/installed" + (name.map { "/" + segment($0) } ?? ""),
                                    table: TableSpec(list: "installed", DriverCommand.installedColumns))
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove an installed driver version (refused while a connection runs it, unless --force).",
            discussion: "Examples:\n  spctl driver remove mock 1.0.0\n  spctl driver remove mock 1.0.0 --force")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The driver's name.") var name: String
        @Argument(help: "The version to remove.") var version: String
        @Flag(help: "Close the connections running it (their next call uses the newest remaining version).") var force = false
        func run() throws {
            try Session(global).run("DELETE", "/driver/installed/\(segment(name))/\(segment(version))"
                                    + query([("force", force ? "true" : nil)]))
        }
    }

    struct Jobs: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install and upgrade jobs (the last 100), or one job.",
            discussion: "Examples:\n  spctl driver jobs\n  spctl driver jobs 3")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A job's Id.") var id: String?
        func run() throws {
            if let id {
                try Session(global).run("GET", "/driver/job/\(segment(id))", table: TableSpec(DriverCommand.jobColumns))
            } else {
                try Session(global).run("GET", "/driver/job", table: TableSpec(list: "job", DriverCommand.jobColumns))
            }
        }
    }

    struct Registries: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The host's registries: each one's signer and number of versions, or why it cannot be used.",
            discussion: "Example: spctl driver registries")
        @OptionGroup var global: GlobalOptions
        func run() throws {
            try Session(global).run("GET", "/registry", table: TableSpec(list: "registry", [
                ("LOCATION", "Location"), ("SIGNER", "Signer"), ("VERSIONS", "Versions"), ("ERROR", "Error"),
            ]))
        }
    }

    /// `mock@^1.0` → ("mock", "^1.0"); `mock` → ("mock", nil).
    static func split(_ text: String) -> (String, String?) {
        guard let at = text.firstIndex(of: "@") else { return (text, nil) }
        let constraint = String(text[text.index(after: at)...])
        return (String(text[..<at]), constraint.isEmpty ? nil : constraint)
    }
}

/// Starts an install or upgrade as a job (`?async=true`), follows its changes (`?after=<Revision>`,
/// the host answers at each one) while drawing a byte progress bar (on a terminal only), then prints
/// the finished job — or fails with the exit code of its status.
struct InstallJobWatch {
    let session: Session

    func run(_ path: String, _ body: [String: Any]) throws {
        var response = try session.send("POST", path + "?async=true", json: body)
        guard let id = Self.string(response.json["Id"]) else {
            session.print(response)  // not a job: show what the host said
            return
        }
        let job = response.json
        let label = "\(Self.string(job["Kind"]) ?? "install") \(Self.string(job["Name"]) ?? "") \(Self.string(job["Version"]) ?? "")"
        let progress = ProgressLine(label, enabled: session.global.decorated)
        let deadline = Date().addingTimeInterval(Double(session.global.timeout))
        while true {
            let info = response.json
            if Self.string(info["FinishedAt"]) != nil { break }
            let bytes = (info["Bytes"] as? NSNumber)?.int64Value ?? 0
            let total = (info["TotalBytes"] as? NSNumber)?.int64Value ?? 0
            progress.update(bytes, of: max(total, bytes), note: Self.string(info["State"]) ?? "")
            guard Date() < deadline else {
                progress.finish()
                throw SpctlFailure(.serverFailure, "job \(id) still running after \(session.global.timeout) s; follow it with: spctl driver jobs \(id)")
            }
            let revision = (info["Revision"] as? NSNumber)?.intValue ?? 0
            // Each wait ends well before this request's own timeout (the host caps it at 60 s).
            let wait = max(1, min(30, Int(deadline.timeIntervalSinceNow) - 1, session.global.timeout / 2))
            response = try session.send("GET", "/driver/job/\(segment(id))?after=\(revision)&wait=\(wait)")
        }
        progress.finish()
        let info = response.json
        if Self.string(info["State"]) == "failed" {
            let status = (info["ErrorStatus"] as? NSNumber)?.intValue ?? 500
            throw SpctlFailure.from(status: status, message: Self.string(info["Error"]) ?? "the install failed")
        }
        session.print(response, table: TableSpec(DriverCommand.jobColumns))
    }

    private static func string(_ value: Any?) -> String? { value as? String }
}
