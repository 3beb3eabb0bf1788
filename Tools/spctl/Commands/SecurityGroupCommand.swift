// spctl securitygroup (also `sg`, and CB-Spider's `security`): security groups and their rules.
import ArgumentParser
import Foundation

struct SecurityGroupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "securitygroup", abstract: "Security groups and their rules.",
        discussion: "Also spelled `spctl sg` and (as CB-Spider's spctl) `spctl security`.",
        subcommands: [Create.self, List.self, Get.self, Delete.self, AddRules.self, RemoveRules.self, Rule.self,
                      ListAllCommand<Kind>.self, DeleteCSPCommand<Kind>.self, RegisterKindCommand<Kind>.self,
                      UnregisterKindCommand<Kind>.self],
        aliases: ["sg", "security"])

    enum Kind: MappedKindSpec {
        static let pathName = "securitygroup", command = "securitygroup", noun = "security group", example = "sg-01"
    }

    static let table = TableSpec(list: "securitygroup", [("NAME", "IId.NameId"), ("CSP ID", "IId.SystemId"), ("VPC", "VpcIID.NameId"),
                                                         ("RULES", "Rules")])
    /// The rules as one line each group: "inbound tcp 22 0.0.0.0/0, …".
    static var reshape: (Any) -> Any { eachRow("securitygroup") { row in
        row["Rules"] = (row["SecurityRules"] as? [[String: Any]] ?? []).map(RuleText.describe).joined(separator: ", ")
    } }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a security group in a VPC with its rules.",
            discussion: """
                A rule is <direction>,<protocol>,<from port>[,<to port>][,<CIDR>] (to port = from port, CIDR = 0.0.0.0/0 when left out).
                Examples:
                  spctl securitygroup create -c aws-ohio --name sg-01 --vpc vpc-01 \\
                    --rule inbound,tcp,22,22,0.0.0.0/0 --rule outbound,all,-1
                  spctl securitygroup create -d '{"ConnectionName":"aws-ohio",
                    "ReqInfo":{"Name":"sg-01","VPCName":"vpc-01","SecurityRules":[
                    {"Direction":"inbound","IPProtocol":"TCP","FromPort":"22","ToPort":"22",
                    "CIDR":"0.0.0.0/0"}]}}'
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var data: DataOption
        @Option(name: [.customShort("n"), .customLong("name")], help: "The security group's name.") var name: String?
        @Option(name: .customLong("vpc"), help: "The VPC it belongs to.") var vpc: String?
        @Option(name: .customLong("rule"), help: ArgumentHelp("A rule; repeatable.", valueName: "dir,proto,from[,to][,cidr]"))
        var rules: [String] = []

        func run() throws {
            var body = try data.object() ?? [:]
            var info = body["ReqInfo"] as? [String: Any] ?? [:]
            if let name { info["Name"] = name }
            if let vpc { info["VPCName"] = vpc }
            if !rules.isEmpty { info["SecurityRules"] = try rules.map(RuleText.parse) }
            guard info["Name"] != nil else { throw SpctlFailure(.usage, "a name is required: --name <Name> (or ReqInfo.Name in -d)") }
            guard info["VPCName"] != nil else { throw SpctlFailure(.usage, "the VPC is required: --vpc <VPCName> (or ReqInfo.VPCName in -d)") }
            body["ReqInfo"] = info
            body["ConnectionName"] = try connection.required(body)
            try Session(global).run("POST", "/securitygroup", json: body, table: SecurityGroupCommand.single, reshape: SecurityGroupCommand.reshape)
        }
    }

    static let single = TableSpec([("NAME", "IId.NameId"), ("CSP ID", "IId.SystemId"), ("VPC", "VpcIID.NameId"), ("RULES", "Rules"),
                                   ("TAGS", "TagList")])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a connection's security groups.",
                                                        discussion: "Example: spctl securitygroup list -c aws-ohio")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        func run() throws {
            try Session(global).run("GET", "/securitygroup" + query([("ConnectionName", try connection.required())]),
                                    table: SecurityGroupCommand.table, reshape: SecurityGroupCommand.reshape)
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one security group.",
                                                        discussion: "Example: spctl securitygroup get -c aws-ohio -n sg-01")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var name: NameOption
        func run() throws {
            try Session(global).run("GET", "/securitygroup/\(segment(try name.required()))" + query([("ConnectionName", try connection.required())]),
                                    table: SecurityGroupCommand.single, reshape: SecurityGroupCommand.reshape)
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a security group.",
                                                        discussion: "Example: spctl securitygroup delete -c aws-ohio -n sg-01")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var name: NameOption
        @OptionGroup var force: ForceFlag
        func run() throws {
            let path = "/securitygroup/\(segment(try name.required()))" + query([("force", force.force ? "true" : nil)])
            try Session(global).run("DELETE", path, json: ["ConnectionName": try connection.required()])
        }
    }

    /// Adding and removing rules share everything but the method.
    struct RuleOptions: ParsableArguments {
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var data: DataOption
        @Option(name: [.customShort("n"), .customLong("name"), .customLong("sg")], help: "The security group.") var name: String?
        @Option(name: .customLong("rule"), help: ArgumentHelp("A rule; repeatable.", valueName: "dir,proto,from[,to][,cidr]"))
        var rules: [String] = []

        func send(_ method: String, _ global: GlobalOptions) throws {
            var body = try data.object() ?? [:]
            var info = body["ReqInfo"] as? [String: Any] ?? [:]
            if !rules.isEmpty { info["RuleInfoList"] = try rules.map(RuleText.parse) }
            guard (info["RuleInfoList"] as? [Any])?.isEmpty == false else {
                throw SpctlFailure(.usage, "at least one rule is required: --rule <dir,proto,from[,to][,cidr]> (or ReqInfo.RuleInfoList in -d)")
            }
            guard let sg = name ?? body["SGName"] as? String, !sg.isEmpty else {
                throw SpctlFailure(.usage, "the security group is required: -n <SGName>")
            }
            body["SGName"] = nil
            body["ReqInfo"] = info
            body["ConnectionName"] = try connection.required(body)
            let path = "/securitygroup/\(segment(sg))/rules"
            // Adding answers the group; removing answers {"Result": "true"}.
            if method == "POST" {
                try Session(global).run(method, path, json: body, table: SecurityGroupCommand.single, reshape: SecurityGroupCommand.reshape)
            } else {
                try Session(global).run(method, path, json: body)
            }
        }
    }

    struct AddRules: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-rules", abstract: "Add rules to a security group.",
            discussion: """
                Examples:
                  spctl securitygroup add-rules -c aws-ohio -n sg-01 \\
                    --rule inbound,udp,1,65535 --rule inbound,icmp,-1
                  spctl securitygroup add-rules -c aws-ohio -n sg-01 \\
                    -d '{"ReqInfo":{"RuleInfoList":[{"Direction":"inbound",
                    "IPProtocol":"UDP","FromPort":"1","ToPort":"65535"}]}}'
                """,
            aliases: ["addrules"])
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: RuleOptions
        func run() throws { try options.send("POST", global) }
    }

    struct RemoveRules: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-rules", abstract: "Remove rules from a security group (given as they were added).",
            discussion: "Example:\n  spctl securitygroup remove-rules -c aws-ohio -n sg-01 \\\n    --rule inbound,udp,1,65535",
            aliases: ["removerules"])
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: RuleOptions
        func run() throws { try options.send("DELETE", global) }
    }

    /// `spctl sg rule add|remove`, the same as add-rules/remove-rules.
    struct Rule: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rules of a security group: add, remove (as add-rules and remove-rules).",
            discussion: "Example: spctl sg rule add -c aws-ohio -n sg-01 --rule inbound,tcp,443",
            subcommands: [Add.self, Remove.self])

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add rules to a security group.", discussion: "Example: spctl sg rule add -c aws-ohio -n sg-01 --rule inbound,tcp,443")
            @OptionGroup var global: GlobalOptions
            @OptionGroup var options: RuleOptions
            func run() throws { try options.send("POST", global) }
        }

        struct Remove: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Remove rules from a security group.", discussion: "Example: spctl sg rule remove -c aws-ohio -n sg-01 --rule inbound,tcp,443")
            @OptionGroup var global: GlobalOptions
            @OptionGroup var options: RuleOptions
            func run() throws { try options.send("DELETE", global) }
        }
    }
}

/// A security rule as one short line of text, both ways.
enum RuleText {
    /// "<direction>,<protocol>,<from>[,<to>][,<cidr>]" → CB-Spider's SecurityRuleInfo.
    static func parse(_ text: String) throws -> [String: Any] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let bad = SpctlFailure(.usage, "--rule '\(text)' must be <direction>,<protocol>,<from port>[,<to port>][,<CIDR>], e.g. inbound,tcp,22,22,0.0.0.0/0")
        guard (3...5).contains(parts.count), !parts.contains(where: \.isEmpty) else { throw bad }
        let direction = parts[0].lowercased()
        guard direction == "inbound" || direction == "outbound" else {
            throw SpctlFailure(.usage, "--rule '\(text)': the direction must be inbound or outbound (got '\(parts[0])')")
        }
        var rest = Array(parts.dropFirst(3))
        var cidr = "0.0.0.0/0"
        if let last = rest.last, last.contains("/") || last.contains(":") || last.filter({ $0 == "." }).count == 3 {
            cidr = last
            rest.removeLast()
        }
        guard rest.count <= 1 else { throw bad }
        let from = parts[2], to = rest.first ?? parts[2]
        for port in [from, to] where Int(port) == nil { throw SpctlFailure(.usage, "--rule '\(text)': '\(port)' is not a port number") }
        return ["Direction": direction, "IPProtocol": parts[1].uppercased(), "FromPort": from, "ToPort": to, "CIDR": cidr]
    }

    /// "inbound TCP 22 0.0.0.0/0" (a range as "1-65535").
    static func describe(_ rule: [String: Any]) -> String {
        let from = Render.scalar(rule["FromPort"]), to = Render.scalar(rule["ToPort"])
        let ports = from == to || to.isEmpty ? from : "\(from)-\(to)"
        return [Render.scalar(rule["Direction"]), Render.scalar(rule["IPProtocol"]), ports, Render.scalar(rule["CIDR"])]
            .filter { !$0.isEmpty }.joined(separator: " ")
    }
}
