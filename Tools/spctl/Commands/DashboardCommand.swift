// spctl dashboard: every connection's resource counts in one table (the terminal twin of the
// Global Dashboard). A connection that fails or is slow is a marked row, never a failed command.
import ArgumentParser
import Foundation

struct DashboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard", abstract: "Resource counts of every connection, slow or failing ones marked.",
        discussion: """
            Counts come from what the host maps (no cloud is asked). With --live every cloud is asked too, all at once: a cell then reads <mapped>/<in the cloud>, and a connection that fails or misses the host's deadline is a row marked '!' with its error below the table. The command still succeeds (exit 0): the dashboard is for looking, not for failing.
            STATUS is 'ok', 'slow' (the connection took --slow-ms or longer) or 'error'. -o json prints the host's answer (GET /spider/dashboard[?live=true]) unchanged.

            Examples:
              spctl dashboard
              spctl dashboard --live --slow-ms 1500
              spctl dashboard --live -o json \\
                | jq '.Connections[] | select(.Error != null) | .ConnectionName'
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Ask every connection's cloud too (CloudCounts), not only the host's map.") var live = false
    @Option(name: .customLong("slow-ms"), help: "Mark a connection 'slow' when it took this many milliseconds or more.")
    var slowMs = 2000

    func run() throws {
        let session = Session(global)
        let response = try session.send("GET", "/dashboard" + (live ? "?live=true" : ""))
        guard global.format == .table else { return session.print(response) }
        guard let body = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any] else {
            throw SpctlFailure(.serverFailure, "unexpected dashboard answer: \(response.text)")
        }
        Terminal.out(DashboardTable.render(body, slowMs: slowMs, color: global.decorated))
    }
}

/// The dashboard answer as rows: connection, provider, region, a count per kind, elapsed ms, status.
enum DashboardTable {
    /// Kinds in the order people think of them; kinds the host adds later follow, sorted.
    static let kindOrder = ["vpc", "subnet", "securitygroup", "keypair", "vm", "disk", "myimage", "nlb", "cluster"]
    static let shortTitles = ["securitygroup": "SG"]

    static func render(_ body: [String: Any], slowMs: Int, color: Bool) -> String {
        let entries = body["Connections"] as? [[String: Any]] ?? []
        let live = body["Live"] as? Bool ?? false
        var kinds = Set<String>()
        for e in entries {
            kinds.formUnion((e["Counts"] as? [String: Any] ?? [:]).keys)
            kinds.formUnion((e["CloudCounts"] as? [String: Any] ?? [:]).keys)
        }
        let ordered = kindOrder.filter(kinds.contains) + kinds.subtracting(kindOrder).sorted()

        var rows: [[String]] = []
        var marks: [Bool] = []
        var problems: [String] = []
        var slowCount = 0
        for e in entries {
            let name = e["ConnectionName"] as? String ?? ""
            let counts = e["Counts"] as? [String: Any] ?? [:]
            let cloud = e["CloudCounts"] as? [String: Any]
            let elapsed = (e["ElapsedMs"] as? NSNumber)?.intValue ?? 0
            let error = e["Error"] as? String
            let cells = ordered.map { kind -> String in
                let mapped = Render.scalar(counts[kind])
                guard live, let cloud else { return mapped.isEmpty ? "-" : mapped }
                return "\(mapped.isEmpty ? "-" : mapped)/\(Render.scalar(cloud[kind]).isEmpty ? "-" : Render.scalar(cloud[kind]))"
            }
            let status: String
            if let error {
                status = "error"
                problems.append("! \(name): \(error)")
            } else if elapsed >= slowMs {
                status = "slow"
                slowCount += 1
            } else {
                status = "ok"
            }
            marks.append(status != "ok")
            rows.append([(status == "ok" ? "  " : "! ") + name, Render.scalar(e["ProviderName"]), Render.scalar(e["RegionName"])]
                        + cells + [String(elapsed), status])
        }
        let titles = ["  CONNECTION", "PROVIDER", "REGION"] + ordered.map { shortTitles[$0] ?? $0.uppercased() } + ["MS", "STATUS"]
        var lines = TableText.grid(titles, rows, color: color).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (i, marked) in marks.enumerated() where marked && color {
            lines[i + 1] = rows[i].last == "error" ? Terminal.red(lines[i + 1], true) : Terminal.yellow(lines[i + 1], true)
        }
        var out = lines.joined(separator: "\n")
        if entries.isEmpty { out += "(no connections)\n" }
        if !problems.isEmpty { out += "\n" + problems.joined(separator: "\n") + "\n" }
        let total = (body["ElapsedMs"] as? NSNumber)?.intValue ?? 0
        out += "\n\(entries.count) connection\(entries.count == 1 ? "" : "s")\(live ? " (live: <mapped>/<in the cloud>)" : " (from the host's map)")"
            + ", \(problems.count) failing, \(slowCount) slow, \(total) ms\n"
        return out
    }
}
