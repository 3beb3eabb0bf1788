// spctl nlb: network load balancers — create, list, get, delete, add/remove VMs, health, and changing
// the listener, the VM group's port or the health checker.
import ArgumentParser
import Foundation

struct NLBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nlb", abstract: "Network load balancers.",
        subcommands: [Create.self, List.self, Get.self, Delete.self, AddVMs.self, RemoveVMs.self, Health.self,
                      SetListener.self, SetVMGroup.self, SetHealthChecker.self,
                      ListAllCommand<Kind>.self, DeleteCSPCommand<Kind>.self, RegisterKindCommand<Kind>.self,
                      UnregisterKindCommand<Kind>.self])

    enum Kind: MappedKindSpec {
        static let pathName = "nlb", command = "nlb", noun = "NLB", example = "nlb-01"
    }

    static let columns: [(String, String)] = [
        ("NAME", "IId.NameId"), ("CSP ID", "IId.SystemId"), ("VPC", "VpcIID.NameId"), ("TYPE", "Type"), ("SCOPE", "Scope"),
        ("LISTENER", "ListenerText"), ("ADDRESS", "Address"), ("VM GROUP", "VMGroupText"), ("VMS", "VMGroup.VMs"),
        ("HEALTH CHECKER", "HealthCheckerText"),
    ]
    static let table = TableSpec(list: "nlb", columns)
    static let single = TableSpec(columns + [("CREATED", "CreatedTime"), ("TAGS", "TagList")])

    /// "TCP:80", the address clients use, "TCP:8080 every 10s, timeout 5s, threshold 3".
    static var reshape: (Any) -> Any {
        eachRow("nlb") { row in
            let listener = row["Listener"] as? [String: Any] ?? [:]
            row["ListenerText"] = protocolPort(listener)
            row["Address"] = [Render.scalar(listener["DNSName"]), Render.scalar(listener["IP"])].first { !$0.isEmpty } ?? ""
            row["VMGroupText"] = protocolPort(row["VMGroup"])
            let checker = row["HealthChecker"] as? [String: Any] ?? [:]
            var text = protocolPort(checker)
            if let interval = checker["Interval"] { text += " every \(Render.scalar(interval))s" }
            if let timeout = checker["Timeout"] { text += ", timeout \(Render.scalar(timeout))s" }
            if let threshold = checker["Threshold"] { text += ", threshold \(Render.scalar(threshold))" }
            row["HealthCheckerText"] = text
        }
    }

    /// "TCP:80" → {"Protocol": "TCP", "Port": "80"}.
    static func port(_ text: String, _ flag: String) throws -> [String: Any] {
        let parts = text.split(separator: ":").map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, Int(parts[1]) != nil else {
            throw SpctlFailure(.usage, "\(flag) '\(text)' must be <protocol>:<port>, e.g. TCP:80")
        }
        return ["Protocol": parts[0].uppercased(), "Port": parts[1]]
    }

    /// "TCP:8080[:interval[:timeout[:threshold]]]" → CB-Spider's HealthChecker request.
    static func checker(_ text: String) throws -> [String: Any] {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (2...5).contains(parts.count), parts.dropFirst().allSatisfy({ Int($0) != nil }) else {
            throw SpctlFailure(.usage, "--health-checker '\(text)' must be <protocol>:<port>[:<interval>[:<timeout>[:<threshold>]]], e.g. TCP:8080:10:5:3")
        }
        var out = try port(parts[0] + ":" + parts[1], "--health-checker")
        for (key, value) in zip(["Interval", "Timeout", "Threshold"], parts.dropFirst(2)) { out[key] = value }
        return out
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an NLB in front of VMs.",
            discussion: """
                The health checker is the VM group's protocol and port when left out.
                Examples:
                  spctl nlb create -c aws-ohio --name nlb-01 --vpc vpc-01 --listener TCP:80 \\
                    --vmgroup TCP:8080 --vm vm-01 --vm vm-02 --health-checker TCP:8080:10:5:3
                  spctl nlb create -d '{"ConnectionName":"aws-ohio",
                    "ReqInfo":{"Name":"nlb-01","VPCName":"vpc-01","Type":"PUBLIC",
                    "Scope":"REGION","Listener":{"Protocol":"TCP","Port":"80"},
                    "VMGroup":{"Protocol":"TCP","Port":"8080","VMs":["vm-01"]},
                    "HealthChecker":{"Protocol":"TCP","Port":"8080","Interval":"10",
                    "Timeout":"5","Threshold":"3"}}}'
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var data: DataOption
        @Option(name: [.customShort("n"), .customLong("name")], help: "The NLB's name.") var name: String?
        @Option(help: "The VPC.") var vpc: String?
        @Option(help: "PUBLIC (default) or INTERNAL.") var type: String?
        @Option(help: "REGION (default) or GLOBAL.") var scope: String?
        @Option(help: ArgumentHelp("What it listens on.", valueName: "protocol:port")) var listener: String?
        @Option(help: ArgumentHelp("Where it forwards to on the VMs.", valueName: "protocol:port")) var vmgroup: String?
        @Option(name: .customLong("vm"), help: "A VM of the group; repeatable.") var vms: [String] = []
        @Option(name: .customLong("health-checker"), help: ArgumentHelp("How VMs are checked.", valueName: "protocol:port[:interval[:timeout[:threshold]]]"))
        var healthChecker: String?

        func run() throws {
            var body = try data.object() ?? [:]
            var info = body["ReqInfo"] as? [String: Any] ?? [:]
            for case let (key, value?) in [("Name", name), ("VPCName", vpc), ("Type", type?.uppercased()), ("Scope", scope?.uppercased())] {
                info[key] = value
            }
            if let listener { info["Listener"] = try NLBCommand.port(listener, "--listener") }
            var group = info["VMGroup"] as? [String: Any] ?? [:]
            if let vmgroup { group.merge(try NLBCommand.port(vmgroup, "--vmgroup")) { $1 } }
            if !vms.isEmpty { group["VMs"] = vms }
            if !group.isEmpty { info["VMGroup"] = group }
            if let healthChecker { info["HealthChecker"] = try NLBCommand.checker(healthChecker) }
            if info["HealthChecker"] == nil, group["Protocol"] != nil, group["Port"] != nil {
                info["HealthChecker"] = ["Protocol": group["Protocol"]!, "Port": group["Port"]!]
            }
            info["Type"] = info["Type"] ?? "PUBLIC"
            info["Scope"] = info["Scope"] ?? "REGION"
            let missing = [("Name", "--name"), ("VPCName", "--vpc"), ("Listener", "--listener"), ("VMGroup", "--vmgroup")]
                .filter { info[$0.0] == nil }
            if !missing.isEmpty {
                throw SpctlFailure(.usage, "missing: " + missing.map { "\($0.1) (ReqInfo.\($0.0))" }.joined(separator: ", "))
            }
            body["ReqInfo"] = info
            body["ConnectionName"] = try connection.required(body)
            try Session(global).run("POST", "/nlb", json: body, table: NLBCommand.single, reshape: NLBCommand.reshape)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a connection's NLBs.", discussion: "Example: spctl nlb list -c aws-ohio")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        func run() throws {
            try Session(global).run("GET", "/nlb" + query([("ConnectionName", try connection.required())]), table: NLBCommand.table,
                                    reshape: NLBCommand.reshape)
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one NLB.", discussion: "Example: spctl nlb get -c aws-ohio -n nlb-01")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var name: NameOption
        func run() throws {
            try Session(global).run("GET", "/nlb/\(segment(try name.required()))" + query([("ConnectionName", try connection.required())]),
                                    table: NLBCommand.single, reshape: NLBCommand.reshape)
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an NLB (the VMs stay).", discussion: "Example: spctl nlb delete -c aws-ohio -n nlb-01")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var name: NameOption
        @OptionGroup var force: ForceFlag
        func run() throws {
            let path = "/nlb/\(segment(try name.required()))" + query([("force", force.force ? "true" : nil)])
            try Session(global).run("DELETE", path, json: ["ConnectionName": try connection.required()])
        }
    }

    /// add-vms and remove-vms: POST/DELETE /nlb/{Name}/vms with ReqInfo.VMs.
    struct VMsOptions: ParsableArguments {
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var data: DataOption
        @OptionGroup var name: NameOption
        @Option(name: .customLong("vm"), help: "A VM; repeatable.") var vms: [String] = []

        func send(_ method: String, _ global: GlobalOptions) throws {
            var body = try data.object() ?? [:]
            var info = body["ReqInfo"] as? [String: Any] ?? [:]
            if !vms.isEmpty { info["VMs"] = vms }
            guard (info["VMs"] as? [Any])?.isEmpty == false else { throw SpctlFailure(.usage, "at least one VM is required: --vm <VMName>") }
            body["ReqInfo"] = info
            body["ConnectionName"] = try connection.required(body)
            let path = "/nlb/\(segment(try name.required()))/vms"
            // Adding answers the NLB; removing answers {"Result": "true"}.
            if method == "POST" {
                try Session(global).run(method, path, json: body, table: NLBCommand.single, reshape: NLBCommand.reshape)
            } else {
                try Session(global).run(method, path, json: body)
            }
        }
    }

    struct AddVMs: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-vms", abstract: "Add VMs to an NLB's VM group.",
            discussion: """
                Examples:
                  spctl nlb add-vms -c aws-ohio -n nlb-01 --vm vm-03 --vm vm-04
                  spctl nlb add-vms -n nlb-01 \\
                    -d '{"ConnectionName":"aws-ohio","ReqInfo":{"VMs":["vm-03"]}}'
                """,
            aliases: ["addvms"])
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: VMsOptions
        func run() throws { try options.send("POST", global) }
    }

    struct RemoveVMs: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-vms", abstract: "Remove VMs from an NLB's VM group.",
            discussion: "Example: spctl nlb remove-vms -c aws-ohio -n nlb-01 --vm vm-03", aliases: ["removevms"])
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: VMsOptions
        func run() throws { try options.send("DELETE", global) }
    }

    struct Health: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The health of an NLB's VMs.",
                                                        discussion: "Example: spctl nlb health -c aws-ohio -n nlb-01")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var name: NameOption
        func run() throws {
            try Session(global).run("GET", "/nlb/\(segment(try name.required()))/health" + query([("ConnectionName", try connection.required())]),
                                    table: TableSpec(list: "rows", [("VM", "NameId"), ("CSP ID", "SystemId"), ("HEALTH", "Health")]),
                                    reshape: NLBCommand.healthRows)
        }
    }

    /// One row per VM of the group: healthy, unhealthy, or unknown.
    static func healthRows(_ value: Any) -> Any {
        let info = (value as? [String: Any])?["healthinfo"] as? [String: Any] ?? [:]
        func ids(_ key: String) -> Set<String> { Set((info[key] as? [[String: Any]] ?? []).map { Render.scalar($0["SystemId"]) }) }
        let healthy = ids("HealthyVMs"), unhealthy = ids("UnHealthyVMs")
        let rows = (info["AllVMs"] as? [[String: Any]] ?? []).map { vm -> [String: Any] in
            var row = vm
            let id = Render.scalar(vm["SystemId"])
            row["Health"] = healthy.contains(id) ? "healthy" : unhealthy.contains(id) ? "unhealthy" : "unknown"
            return row
        }
        return ["rows": rows]
    }

    /// set-listener, set-vmgroup, set-healthchecker: PUT /nlb/{Name}/<part> with the new settings.
    struct ChangeOptions: ParsableArguments {
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var data: DataOption
        @OptionGroup var name: NameOption

        func send(_ part: String, _ settings: [String: Any]?, _ global: GlobalOptions) throws {
            var body = try data.object() ?? [:]
            var info = body["ReqInfo"] as? [String: Any] ?? [:]
            if let settings { info.merge(settings) { $1 } }
            guard !info.isEmpty else { throw SpctlFailure(.usage, "the new settings are required (flags or ReqInfo in -d)") }
            body["ReqInfo"] = info
            body["ConnectionName"] = try connection.required(body)
            try Session(global).run("PUT", "/nlb/\(segment(try name.required()))/\(part)", json: body)
        }
    }

    struct SetListener: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-listener", abstract: "Change what an NLB listens on.",
            discussion: "Example: spctl nlb set-listener -c aws-ohio -n nlb-01 --listener TCP:8000")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ChangeOptions
        @Option(help: ArgumentHelp("The new listener.", valueName: "protocol:port")) var listener: String?
        func run() throws { try options.send("listener", try listener.map { try NLBCommand.port($0, "--listener") }, global) }
    }

    struct SetVMGroup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-vmgroup", abstract: "Change the port an NLB forwards to on its VMs.",
            discussion: "Example: spctl nlb set-vmgroup -c aws-ohio -n nlb-01 --vmgroup TCP:9090")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ChangeOptions
        @Option(help: ArgumentHelp("The new VM group port.", valueName: "protocol:port")) var vmgroup: String?
        func run() throws { try options.send("vmgroup", try vmgroup.map { try NLBCommand.port($0, "--vmgroup") }, global) }
    }

    struct SetHealthChecker: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-healthchecker", abstract: "Change how an NLB checks its VMs.",
            discussion: "Example:\n  spctl nlb set-healthchecker -c aws-ohio -n nlb-01 \\\n    --health-checker TCP:9090:10:5:3")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: ChangeOptions
        @Option(name: .customLong("health-checker"), help: ArgumentHelp("The new checker.", valueName: "protocol:port[:interval[:timeout[:threshold]]]"))
        var healthChecker: String?
        func run() throws { try options.send("healthchecker", try healthChecker.map(NLBCommand.checker), global) }
    }
}
