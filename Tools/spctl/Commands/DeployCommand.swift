// spctl deploy: one code, many clouds. The same infra.json becomes the same VPC → SG → key pair → VM
// set on every listed connection at once, one thread per connection (at most --parallel), each
// with a live line on a terminal, then a summary. One connection failing never stops the others.
import ArgumentParser
import Foundation
import SpiderClient

struct DeployCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy", abstract: "Create (or --destroy) the same infrastructure on many connections at once.",
        discussion: """
            Creates VPC → security groups → key pair → VMs on every connection given, concurrently (one thread per connection, at most --parallel), then prints a summary: per connection what was created, how long it took, and what failed and why. A connection stops at its first failure (what it created stays, for --destroy or a look); the others go on. --destroy deletes the same set in reverse order (VMs → key pair → security groups → VPC); what is gone already counts as done. Exit 1 when any connection failed.
            On a terminal each connection has a live line; otherwise (or with --no-color) each change is a plain line on stderr. -o json prints the summary as JSON.
            Private keys of created key pairs are saved only with --save-keys <folder>, as <folder>/<connection>-<keyname>.pem, mode 0600.

            \(InfraFile.help)

            Examples:
              spctl deploy -f infra.json --connections aws-ohio,gcp-tokyo --save-keys keys
              spctl deploy -f infra.json --connections aws-ohio,gcp-tokyo -o json
              spctl deploy -f infra.json --connections aws-ohio,gcp-tokyo --destroy
            """)

    @OptionGroup var global: GlobalOptions
    @Option(name: [.customShort("f"), .customLong("file")], help: "The infrastructure description (JSON, see below); - reads stdin.",
            completion: .file(extensions: ["json"]))
    var file: String
    @Option(help: ArgumentHelp("Comma-separated connection names (default: the file's \"connections\").", valueName: "a,b,c"))
    var connections: String?
    @Flag(help: "Delete the file's resources instead, in reverse order.") var destroy = false
    @Option(help: "At most this many connections at a time.") var parallel = 10
    @Option(name: .customLong("save-keys"), help: ArgumentHelp("Save created private keys here (files mode 0600).", valueName: "folder"),
            completion: .directory)
    var saveKeys: String?

    func validate() throws {
        guard parallel >= 1 else { throw ValidationError("--parallel must be at least 1") }
    }

    func run() throws {
        let infra = try InfraFile.load(file)
        let names = try connectionNames(infra)
        // Every plan resolved before anything is created: a missing image for one connection is a usage error, not a half deploy.
        let plans = try names.map { try infra.plan(for: $0) }
        try checkConnectionsExist(names)

        let client = SpiderClient(socketPath: global.socketPath, timeoutSeconds: global.timeout)
        let display = MultiLineDisplay(labels: names, live: global.decorated)
        let results = ResultSlots(count: names.count)
        let queue = WorkQueue(count: names.count)
        let group = DispatchGroup()
        let destroy = self.destroy, keyFolder = saveKeys, bars = global.decorated && Terminal.stderrIsTTY
        for _ in 0..<min(parallel, names.count) {
            group.enter()
            Thread.detachNewThread {
                while let i = queue.next() {
                    let runner = DeployRunner(client: client, connection: names[i], plan: plans[i], keyFolder: keyFolder)
                    let result = runner.run(destroy: destroy) { step, total, what in
                        display.set(i, DeployProgress.line(step, total, what, destroy: destroy, bar: bars))
                    }
                    display.set(i, DeployProgress.final(result, destroy: destroy))
                    results.set(i, result)
                }
                group.leave()
            }
        }
        while group.wait(timeout: .now() + 0.1) == .timedOut { display.redraw() }
        display.finish()

        let all = results.all
        switch global.format {
        case .table: Terminal.out(DeploySummary.table(all, destroy: destroy, color: global.decorated))
        case .json: Terminal.out(DeploySummary.json(all, destroy: destroy))
        case .yaml:
            let value = (try? JSONSerialization.jsonObject(with: Data(DeploySummary.json(all, destroy: destroy).utf8))) ?? [:]
            Terminal.out(YAML.emit(value))
        }
        let failed = all.filter { !$0.succeeded }
        if !failed.isEmpty {
            throw SpctlFailure(.serverFailure, "\(failed.count) of \(all.count) connections failed: \(failed.map(\.connection).joined(separator: ", "))")
        }
    }

    private func connectionNames(_ infra: InfraFile) throws -> [String] {
        var names = (connections ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if connections == nil { names = infra.connections.keys.sorted() }
        guard !names.isEmpty else { throw SpctlFailure(.usage, "no connections: --connections a,b,c (or a \"connections\" map in the file)") }
        guard Set(names).count == names.count else { throw SpctlFailure(.usage, "--connections names a connection twice") }
        return names
    }

    /// A misspelt connection is a usage mistake found before anything is created anywhere.
    private func checkConnectionsExist(_ names: [String]) throws {
        let session = Session(global)
        let unknown = try names.filter { name in
            do {
                try session.send("GET", "/connectionconfig/\(segment(name))")
                return false
            } catch let failure as SpctlFailure where failure.code == .notFound {
                return true
            }
        }
        guard unknown.isEmpty else {
            throw SpctlFailure(.notFound, "no such connection: \(unknown.joined(separator: ", ")); nothing was \(destroy ? "deleted" : "created")")
        }
    }
}

/// Hands out connection indexes to the worker threads.
final class WorkQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var nextIndex = 0
    private let count: Int
    init(count: Int) { self.count = count }
    func next() -> Int? {
        lock.withLock {
            guard nextIndex < count else { return nil }
            defer { nextIndex += 1 }
            return nextIndex
        }
    }
}

/// Each connection's result, written by its worker thread.
final class ResultSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [DeployResult?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: DeployResult) { lock.withLock { slots[i] = r } }
    var all: [DeployResult] { lock.withLock { slots.compactMap { $0 } } }
}

/// The text of one connection's progress line.
enum DeployProgress {
    /// `bar`: a drawn bar in front (terminal only; logs get the plain step).
    static func line(_ step: Int, _ total: Int, _ what: DeployStep, destroy: Bool, bar: Bool) -> String {
        let text = "\(step)/\(total) \(destroy ? "deleting" : "creating") \(what.label)"
        guard bar else { return text }
        let width = 12, filled = total > 0 ? step * width / total : 0
        return String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled) + " " + text
    }

    static func final(_ r: DeployResult, destroy: Bool) -> String {
        let time = String(format: "%.1f s", r.seconds)
        if let error = r.error {
            return "✗ failed at \(r.failedStep?.label ?? "?") after \(time): \(error)"
        }
        return "✓ \(destroy ? "deleted" : "created") \(r.done.count) in \(time)" + (r.alreadyGone.isEmpty ? "" : ", \(r.alreadyGone.count) gone already")
    }
}

/// The summary after every connection is done: a table, or JSON for scripts.
enum DeploySummary {
    static func table(_ results: [DeployResult], destroy: Bool, color: Bool) -> String {
        let rows = results.map { r -> [String] in
            var what = r.done.map { "\($0.type):\($0.name)" }.joined(separator: " ")
            if !r.alreadyGone.isEmpty { what += (what.isEmpty ? "" : " ") + "(gone already: " + r.alreadyGone.map { "\($0.type):\($0.name)" }.joined(separator: " ") + ")" }
            let result = r.succeeded ? "ok" : "FAILED at \(r.failedStep?.label ?? "?")"
            return [r.connection, result, String(format: "%.1f", r.seconds), what.isEmpty ? "-" : what]
        }
        var out = grid(["CONNECTION", "RESULT", "SECONDS", destroy ? "DELETED" : "CREATED"], rows, color: color)
        let failed = results.filter { !$0.succeeded }
        if !failed.isEmpty {
            out += "\n" + failed.map { Terminal.red("! \($0.connection): \($0.failedStep?.label ?? "?"): \($0.error ?? "")", color) }
                .joined(separator: "\n") + "\n"
        }
        out += "\n\(results.count - failed.count) of \(results.count) connections \(destroy ? "destroyed" : "deployed")"
            + (failed.isEmpty ? "\n" : ", \(failed.count) failed\n")
        return out
    }

    /// Like TableText.grid, but the last column is never clipped: what was created is the point of the summary.
    static func grid(_ titles: [String], _ rows: [[String]], color: Bool) -> String {
        var widths = titles.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            (zip(cells.dropLast(), widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) } + [cells.last ?? ""])
                .joined(separator: "  ")
        }
        return Terminal.bold(line(titles), color) + "\n" + rows.map { line($0) + "\n" }.joined()
    }

    /// {"Action", "AllSucceeded", "Connections": [{"ConnectionName", "Succeeded", "Done": [{"Type","Name"}],
    /// "AlreadyGone", "Seconds", "FailedStep"?, "Error"?}]}
    static func json(_ results: [DeployResult], destroy: Bool) -> String {
        let list = results.map { r -> [String: Any] in
            var o: [String: Any] = [
                "ConnectionName": r.connection, "Succeeded": r.succeeded, "Seconds": (r.seconds * 1000).rounded() / 1000,
                "Done": r.done.map { ["Type": $0.type, "Name": $0.name] },
                "AlreadyGone": r.alreadyGone.map { ["Type": $0.type, "Name": $0.name] },
            ]
            if let step = r.failedStep { o["FailedStep"] = ["Type": step.type, "Name": step.name] }
            if let e = r.error { o["Error"] = e }
            return o
        }
        let body: [String: Any] = ["Action": destroy ? "destroy" : "deploy", "AllSucceeded": results.allSatisfy(\.succeeded), "Connections": list]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
