// spctl nodegroup (also `spctl cluster nodegroup`): a cluster's node groups — add, remove,
// autoscaling on/off, sizes. Node groups live inside their cluster, so every verb names it (--cluster).
import ArgumentParser
import Foundation

struct NodeGroupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nodegroup", abstract: "A cluster's node groups.",
        discussion: """
            Example:
              spctl nodegroup size -c aws-ohio --cluster cluster-01 -n ng-01 \\
                --desired 3 --min 1 --max 5
            """,
        subcommands: [Add.self, Remove.self, AutoScaling.self, Size.self])

    /// "name=ng-01,keypair=kp,spec=…,image=…,disk-type=…,disk-size=…,desired=2,min=1,max=3,autoscaling=true" → CB-Spider's node group request.
    static func parse(_ text: String) throws -> [String: Any] {
        let keys = ["name": "Name", "keypair": "KeyPairName", "spec": "VMSpecName", "image": "ImageName", "disk-type": "RootDiskType",
                    "disk-size": "RootDiskSize", "desired": "DesiredNodeSize", "min": "MinNodeSize", "max": "MaxNodeSize",
                    "autoscaling": "OnAutoScaling"]
        var group: [String: Any] = [:]
        for pair in text.split(separator: ",") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2, let key = keys[kv[0].lowercased()], !kv[1].isEmpty else {
                throw SpctlFailure(.usage, "--nodegroup '\(text)': '\(pair)' is not one of \(keys.keys.sorted().map { "\($0)=…" }.joined(separator: ", "))")
            }
            group[key] = kv[1]
        }
        return try withDefaults(group, text)
    }

    /// Leaves the sizes as given; fills autoscaling (false) and checks that name and key pair are there.
    static func withDefaults(_ group: [String: Any], _ text: String) throws -> [String: Any] {
        var group = group
        group["OnAutoScaling"] = group["OnAutoScaling"] ?? "false"
        for (key, flag) in [("Name", "name"), ("KeyPairName", "keypair"), ("DesiredNodeSize", "desired"), ("MinNodeSize", "min"),
                            ("MaxNodeSize", "max")] where group[key] == nil {
            throw SpctlFailure(.usage, "node group '\(text)' needs \(flag)=…")
        }
        return group
    }

    /// "ng-01 (2 nodes, 1-3, autoscaling)".
    static func describe(_ group: [String: Any]) -> String {
        let desired = Render.scalar(group["DesiredNodeSize"])
        let size = "\(desired) node\(desired == "1" ? "" : "s"), \(Render.scalar(group["MinNodeSize"]))-\(Render.scalar(group["MaxNodeSize"]))"
        let auto = (group["OnAutoScaling"] as? NSNumber)?.boolValue == true ? ", autoscaling" : ""
        return "\(Render.text(at: "IId.NameId", in: group)) (\(size)\(auto))"
    }

    static let table = TableSpec([("NAME", "IId.NameId"), ("STATUS", "Status"), ("SPEC", "VMSpecName"), ("KEY PAIR", "KeyPairIID.NameId"),
                                  ("DESIRED", "DesiredNodeSize"), ("MIN", "MinNodeSize"), ("MAX", "MaxNodeSize"), ("AUTOSCALING", "OnAutoScaling"),
                                  ("NODES", "#Nodes")])

    /// The cluster a node group verb works in, and the node group.
    struct Target: ParsableArguments {
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var data: DataOption
        @Option(help: "The cluster.") var cluster: String
        @Option(name: [.customShort("n"), .customLong("name"), .customLong("nodegroup")], help: "The node group.") var name: String?

        var path: String { "/cluster/\(segment(cluster))/nodegroup" }

        func groupPath() throws -> String {
            guard let name, !name.isEmpty else { throw SpctlFailure(.usage, "the node group is required: -n <NodeGroupName>") }
            return path + "/" + segment(name)
        }

        /// Sends `info` (merged over -d's ReqInfo) with the connection.
        func send(_ method: String, _ path: String, _ info: [String: Any], _ global: GlobalOptions, table: TableSpec?,
                  reshape: ((Any) -> Any)? = nil) throws {
            var body = try data.object() ?? [:]
            var merged = body["ReqInfo"] as? [String: Any] ?? [:]
            merged.merge(info) { $1 }
            if !merged.isEmpty { body["ReqInfo"] = merged }
            body["ConnectionName"] = try connection.required(body)
            if let reshape {
                try Session(global).run(method, path, json: body, table: table, reshape: reshape)
            } else {
                try Session(global).run(method, path, json: body, table: table)
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a node group to a cluster.",
            discussion: """
                Examples:
                  spctl nodegroup add -c aws-ohio --cluster cluster-01 --name ng-02 \\
                    --keypair keypair-01 --spec t3.medium --desired 2 --min 1 --max 3 \\
                    --autoscaling
                  spctl nodegroup add -c aws-ohio --cluster cluster-01 \\
                    -d '{"ReqInfo":{"Name":"ng-02","KeyPairName":"keypair-01",
                    "VMSpecName":"t3.medium","OnAutoScaling":"true","DesiredNodeSize":"2",
                    "MinNodeSize":"1","MaxNodeSize":"3"}}'
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var target: Target
        @Option(help: "The key pair for its nodes.") var keypair: String?
        @Option(help: "The nodes' VM spec.") var spec: String?
        @Option(help: "The nodes' image (the cloud's default when left out).") var image: String?
        @Option(name: .customLong("disk-type"), help: "The nodes' root disk type.") var diskType: String?
        @Option(name: .customLong("disk-size"), help: "The nodes' root disk size in GB.") var diskSize: String?
        @Option(help: "Nodes wanted.") var desired: Int?
        @Option(help: "Fewest nodes.") var min: Int?
        @Option(help: "Most nodes.") var max: Int?
        @Flag(help: "Let the cloud scale between min and max.") var autoscaling = false

        func run() throws {
            var info: [String: Any] = [:]
            let flags: [(String, String?)] = [("Name", target.name), ("KeyPairName", keypair), ("VMSpecName", spec), ("ImageName", image),
                                             ("RootDiskType", diskType), ("RootDiskSize", diskSize), ("DesiredNodeSize", desired.map(String.init)),
                                             ("MinNodeSize", min.map(String.init)), ("MaxNodeSize", max.map(String.init))]
            for case let (key, value?) in flags { info[key] = value }
            if autoscaling { info["OnAutoScaling"] = "true" }
            var merged = (try target.data.object()?["ReqInfo"] as? [String: Any]) ?? [:]
            merged.merge(info) { $1 }
            try target.send("POST", target.path, try NodeGroupCommand.withDefaults(merged, target.name ?? "--name"), global,
                            table: ClusterCommand.single, reshape: ClusterCommand.reshape)
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a node group from a cluster.",
                                                        discussion: "Example: spctl nodegroup remove -c aws-ohio --cluster cluster-01 -n ng-02")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var target: Target
        func run() throws { try target.send("DELETE", try target.groupPath(), [:], global, table: nil) }
    }

    struct AutoScaling: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "autoscaling", abstract: "Turn a node group's autoscaling on or off.",
            discussion: """
                Examples:
                  spctl nodegroup autoscaling -c aws-ohio --cluster cluster-01 -n ng-01 --on
                  spctl nodegroup autoscaling -c aws-ohio --cluster cluster-01 -n ng-01 \\
                    -d '{"ReqInfo":{"OnAutoScaling":"false"}}'
                """,
            aliases: ["onautoscaling", "set-autoscaling"])
        @OptionGroup var global: GlobalOptions
        @OptionGroup var target: Target
        @Flag(name: .customLong("on"), help: "Autoscaling on.") var on = false
        @Flag(name: .customLong("off"), help: "Autoscaling off.") var off = false
        func run() throws {
            guard !(on && off) else { throw SpctlFailure(.usage, "--on or --off, not both") }
            var info: [String: Any] = [:]
            if on || off { info["OnAutoScaling"] = on ? "true" : "false" }
            let given = (try target.data.object()?["ReqInfo"] as? [String: Any])?["OnAutoScaling"] != nil
            guard on || off || given else {
                throw SpctlFailure(.usage, "say --on or --off")
            }
            try target.send("PUT", try target.groupPath() + "/onautoscaling", info, global, table: nil)
        }
    }

    struct Size: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a node group's desired, min and max sizes.",
            discussion: """
                Examples:
                  spctl nodegroup size -c aws-ohio --cluster cluster-01 -n ng-01 \\
                    --desired 3 --min 1 --max 5
                  spctl nodegroup size -c aws-ohio --cluster cluster-01 -n ng-01 \\
                    -d '{"ReqInfo":{"DesiredNodeSize":"3","MinNodeSize":"1",
                    "MaxNodeSize":"5"}}'
                """,
            aliases: ["autoscalesize", "change-size"])
        @OptionGroup var global: GlobalOptions
        @OptionGroup var target: Target
        @Option(help: "Nodes wanted.") var desired: Int?
        @Option(help: "Fewest nodes.") var min: Int?
        @Option(help: "Most nodes.") var max: Int?
        func run() throws {
            var info: [String: Any] = [:]
            for case let (key, value?) in [("DesiredNodeSize", desired), ("MinNodeSize", min), ("MaxNodeSize", max)] { info[key] = String(value) }
            var merged = (try target.data.object()?["ReqInfo"] as? [String: Any]) ?? [:]
            merged.merge(info) { $1 }
            for (key, flag) in [("DesiredNodeSize", "--desired"), ("MinNodeSize", "--min"), ("MaxNodeSize", "--max")] where merged[key] == nil {
                throw SpctlFailure(.usage, "\(flag) is required (all three sizes are set together)")
            }
            try target.send("PUT", try target.groupPath() + "/autoscalesize", info, global, table: NodeGroupCommand.table)
        }
    }
}
