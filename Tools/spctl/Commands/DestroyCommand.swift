// spctl destroy: everything the host maps on one connection, deleted by the host in dependency
// order (DELETE /spider/destroy). The host answers once, at the end; meanwhile spctl watches the
// connection's mapped counts fall to draw its steps. Not all destroyed is exit 1.
import ArgumentParser
import Foundation
import SpiderClient

struct DestroyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "destroy", abstract: "Delete every resource Spider maps on a connection.",
        discussion: """
            The host deletes clusters, NLBs and MyImages, then VMs, disks, security groups and key pairs, then VPCs with their subnets, retrying what is still in use. Resources only the cloud has (not mapped by Spider) are left alone. The summary lists per resource type what was deleted and what remains (with why); exit 1 when anything remains. On a terminal spctl asks first unless --yes is given, and shows the steps as the mapped count falls; scripts (standard input not a terminal) are not asked, as with CB-Spider's spctl.

            Examples:
              spctl destroy -c aws-ohio
              spctl destroy -c aws-ohio --yes -o json
              spctl destroy -d '{"ConnectionName":"aws-ohio"}'
              spctl all-resource destroy -d '{"ConnectionName":"aws-ohio"}'  (CB-Spider)
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var connection: ConnectionOption
    @OptionGroup var data: DataOption
    @Flag(name: [.customShort("y"), .customLong("yes")], help: "Do not ask for confirmation.") var yes = false

    func run() throws {
        let name = try connection.required(try data.object())
        try DestroyRun(global: global, connection: name, confirmed: yes).run()
    }
}

/// CB-Spider's spctl names this operation `all-resource destroy` (operationId destroy-all-resource).
struct AllResourceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all-resource", abstract: "CB-Spider's name for destroy: every resource of a connection.",
        discussion: "Example: spctl all-resource destroy -d '{\"ConnectionName\":\"aws-ohio\"}'",
        subcommands: [DestroyCommand.self])
}

struct DestroyRun {
    let global: GlobalOptions
    let connection: String
    let confirmed: Bool

    func run() throws {
        let session = Session(global)
        let before = try mappedCount(session)
        if !confirmed, isatty(STDIN_FILENO) == 1, Terminal.stderrIsTTY {
            Terminal.err("Delete all \(before.total) resources Spider maps on '\(connection)'? [y/N] ")
            let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            guard answer == "y" || answer == "yes" else { throw SpctlFailure(.usage, "not confirmed; nothing deleted") }
        }

        // The step display: a second thread polls the map's counts while the DELETE runs.
        let watcher = CountWatcher(ProgressLine("destroy \(connection)", enabled: global.decorated))
        if global.decorated && Terminal.stderrIsTTY && before.total > 0 {
            let client = SpiderClient(socketPath: global.socketPath, timeoutSeconds: 10)
            let name = connection, total = before.total
            Thread.detachNewThread {
                while !watcher.stopped {
                    if let dashboard = try? client.request("GET", "/spider/dashboard").body,
                       let now = try? MappedCount.from(dashboard, connection: name) {
                        watcher.draw(done: total - now.total, of: total, note: now.stage)
                    }
                    Thread.sleep(forTimeInterval: 0.2)
                }
            }
        }
        let response: SpiderResponse
        do {
            response = try session.send("DELETE", "/destroy", json: ["ConnectionName": connection])
            watcher.stop()
        } catch {
            watcher.stop()
            throw error
        }
        let body = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] ?? [:]
        if global.format == .table {
            Terminal.out(DestroySummary.render(body, connection: connection, color: global.decorated))
        } else {
            session.print(response)
        }
        if body["IsAllDestroyed"] as? Bool != true {
            throw SpctlFailure(.serverFailure, "not everything on '\(connection)' was destroyed (see RemainedErrorInfoList)")
        }
    }

    private func mappedCount(_ session: Session) throws -> MappedCount {
        try MappedCount.from(session.send("GET", "/dashboard").body, connection: connection)
    }
}

/// What the host maps on one connection: the total, and the first kind in destroy order still there.
struct MappedCount: Sendable {
    var total: Int
    var stage: String

    static let destroyOrder = ["cluster", "nlb", "myimage", "vm", "disk", "securitygroup", "keypair", "vpc"]

    static func from(_ dashboard: Data, connection: String) throws -> MappedCount {
        let body = (try? JSONSerialization.jsonObject(with: dashboard)) as? [String: Any] ?? [:]
        let entries = body["Connections"] as? [[String: Any]] ?? []
        guard let entry = entries.first(where: { $0["ConnectionName"] as? String == connection }) else {
            throw SpctlFailure(.notFound, "connection '\(connection)' does not exist")
        }
        // Subnets go with their VPC and are not listed apart in the host's summary; counting them would never add up.
        let counts = (entry["Counts"] as? [String: Any] ?? [:]).compactMapValues { ($0 as? NSNumber)?.intValue }.filter { $0.key != "subnet" }
        let stage = destroyOrder.first { (counts[$0] ?? 0) > 0 } ?? counts.keys.sorted().first { counts[$0]! > 0 } ?? ""
        return MappedCount(total: counts.values.reduce(0, +), stage: stage.isEmpty ? "" : "deleting \(stage)")
    }
}

/// Draws the destroy's progress from the watcher thread; stopping clears the line, and no drawing
/// happens after that.
final class CountWatcher: @unchecked Sendable {
    private let lock = NSLock()
    private let progress: ProgressLine
    private var done = false

    init(_ progress: ProgressLine) { self.progress = progress }

    var stopped: Bool { lock.withLock { done } }

    func draw(done count: Int, of total: Int, note: String) {
        lock.withLock { if !done { progress.update(Int64(max(0, count)), of: Int64(total), unit: "resources", note: note) } }
    }

    func stop() {
        lock.withLock {
            done = true
            progress.finish()
        }
    }
}

/// The destroy answer as a table: per resource type what went and what remains.
enum DestroySummary {
    static func render(_ body: [String: Any], connection: String, color: Bool) -> String {
        let kinds = body["DeletedAllListByResourceType"] as? [[String: Any]] ?? []
        var rows: [[String]] = []
        var remainedLines: [String] = []
        var deleted = 0, remained = 0
        for kind in kinds {
            let type = Render.scalar(kind["ResourceType"])
            let gone = kind["DeletedIIDList"] as? [[String: Any]] ?? []
            let left = kind["RemainedErrorInfoList"] as? [[String: Any]] ?? []
            deleted += gone.count
            remained += left.count
            rows.append([type, String(gone.count), Render.scalar(gone), String(left.count), left.map { Render.scalar($0["Name"]) }.joined(separator: ",")])
            remainedLines += left.map { "! \(type) \(Render.scalar($0["Name"])): \(Render.scalar($0["ErrorMsg"]))" }
        }
        var out = TableText.grid(["TYPE", "DELETED", "NAMES", "REMAINED", "REMAINING NAMES"], rows, color: color)
        if !remainedLines.isEmpty { out += "\n" + remainedLines.joined(separator: "\n") + "\n" }
        let all = body["IsAllDestroyed"] as? Bool == true
        let verdict = all ? Terminal.green("all destroyed", color) : Terminal.red("NOT all destroyed", color)
        out += "\n\(connection): \(deleted) deleted, \(remained) remaining — \(verdict)\n"
        return out
    }
}
