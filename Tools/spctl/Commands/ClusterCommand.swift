// spctl cluster: managed Kubernetes clusters — create, list, get, delete, upgrade, token, and their
// node groups (`spctl cluster nodegroup …`, also `spctl nodegroup …`).
import ArgumentParser
import Foundation

struct ClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster", abstract: "Managed Kubernetes clusters.",
        subcommands: [Create.self, List.self, Get.self, Delete.self, Upgrade.self, Token.self, NodeGroupCommand.self,
                      ListAllCommand<Kind>.self, DeleteCSPCommand<Kind>.self, RegisterKindCommand<Kind>.self,
                      UnregisterKindCommand<Kind>.self])

    enum Kind: MappedKindSpec {
        static let pathName = "cluster", command = "cluster", noun = "cluster", example = "cluster-01"
    }

    static let columns: [(String, String)] = [
        ("NAME", "IId.NameId"), ("CSP ID", "IId.SystemId"), ("VERSION", "Version"), ("STATUS", "Status"), ("VPC", "Network.VpcIID.NameId"),
        ("SUBNETS", "Network.SubnetIIDs"), ("SECURITY GROUPS", "Network.SecurityGroupIIDs"), ("NODE GROUPS", "NodeGroups"),
        ("ENDPOINT", "AccessInfo.Endpoint"),
    ]
    static let table = TableSpec(list: "cluster", columns)
    static let single = TableSpec(columns + [("CREATED", "CreatedTime"), ("TAGS", "TagList")])

    /// Node groups as "ng-01 (2 nodes, 1-3, autoscaling)".
    static var reshape: (Any) -> Any {
        eachRow("cluster") { row in
            row["NodeGroups"] = (row["NodeGroupList"] as? [[String: Any]] ?? []).map(NodeGroupCommand.describe).joined(separator: "; ")
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a cluster with its node groups.",
            discussion: """
                A node group is key=value pairs: name, keypair, spec, image, disk-type, disk-size, desired, min, max, autoscaling.
                Examples:
                  spctl cluster create -c aws-ohio --name cluster-01 --version 1.30 \\
                    --vpc vpc-01 --subnet subnet-01 --subnet subnet-02 --sg sg-01 \\
                    --nodegroup name=ng-01,keypair=keypair-01,desired=2,min=1,max=3
                  spctl cluster create -d '{"ConnectionName":"aws-ohio",
                    "ReqInfo":{"Name":"cluster-01","Version":"1.30","VPCName":"vpc-01",
                    "SubnetNames":["subnet-01"],"SecurityGroupNames":["sg-01"],
                    "NodeGroupList":[{"Name":"ng-01","KeyPairName":"keypair-01",
                    "VMSpecName":"t3.medium","OnAutoScaling":"true","DesiredNodeSize":"2",
                    "MinNodeSize":"1","MaxNodeSize":"3"}]}}'
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var data: DataOption
        @Option(name: [.customShort("n"), .customLong("name")], help: "The cluster's name.") var name: String?
        @Option(help: "The Kubernetes version, like 1.30 (the cloud's default when left out).") var version: String?
        @Option(help: "The VPC.") var vpc: String?
        @Option(name: .customLong("subnet"), help: "A subnet of the VPC; repeatable.") var subnets: [String] = []
        @Option(name: .customLong("sg"), help: "A security group; repeatable.") var securityGroups: [String] = []
        @Option(name: .customLong("nodegroup"), help: ArgumentHelp("A node group; repeatable.", valueName: "name=…,keypair=…,desired=…,min=…,max=…"))
        var nodeGroups: [String] = []

        func run() throws {
            var body = try data.object() ?? [:]
            var info = body["ReqInfo"] as? [String: Any] ?? [:]
            for case let (key, value?) in [("Name", name), ("Version", version), ("VPCName", vpc)] { info[key] = value }
            if !subnets.isEmpty { info["SubnetNames"] = subnets }
            if !securityGroups.isEmpty { info["SecurityGroupNames"] = securityGroups }
            if !nodeGroups.isEmpty { info["NodeGroupList"] = try nodeGroups.map(NodeGroupCommand.parse) }
            info["SecurityGroupNames"] = info["SecurityGroupNames"] ?? [String]()
            let missing = [("Name", "--name"), ("VPCName", "--vpc"), ("SubnetNames", "--subnet")].filter { info[$0.0] == nil }
            if !missing.isEmpty {
                throw SpctlFailure(.usage, "missing: " + missing.map { "\($0.1) (ReqInfo.\($0.0))" }.joined(separator: ", "))
            }
            body["ReqInfo"] = info
            body["ConnectionName"] = try connection.required(body)
            try Session(global).run("POST", "/cluster", json: body, table: ClusterCommand.single, reshape: ClusterCommand.reshape)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a connection's clusters.", discussion: "Example: spctl cluster list -c aws-ohio")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        func run() throws {
            try Session(global).run("GET", "/cluster" + query([("ConnectionName", try connection.required())]), table: ClusterCommand.table,
                                    reshape: ClusterCommand.reshape)
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one cluster.", discussion: "Example: spctl cluster get -c aws-ohio -n cluster-01")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var name: NameOption
        func run() throws {
            try Session(global).run("GET", "/cluster/\(segment(try name.required()))" + query([("ConnectionName", try connection.required())]),
                                    table: ClusterCommand.single, reshape: ClusterCommand.reshape)
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a cluster (and its node groups).",
                                                        discussion: "Example: spctl cluster delete -c aws-ohio -n cluster-01")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var name: NameOption
        @OptionGroup var force: ForceFlag
        func run() throws {
            let path = "/cluster/\(segment(try name.required()))" + query([("force", force.force ? "true" : nil)])
            try Session(global).run("DELETE", path, json: ["ConnectionName": try connection.required()])
        }
    }

    struct Upgrade: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Upgrade a cluster's Kubernetes version.",
            discussion: """
                Examples:
                  spctl cluster upgrade -c aws-ohio -n cluster-01 --version 1.31
                  spctl cluster upgrade -n cluster-01 \\
                    -d '{"ConnectionName":"aws-ohio","ReqInfo":{"Version":"1.31"}}'
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var data: DataOption
        @OptionGroup var name: NameOption
        @Option(help: "The new version, like 1.31.") var version: String?
        func run() throws {
            var body = try data.object() ?? [:]
            var info = body["ReqInfo"] as? [String: Any] ?? [:]
            if let version { info["Version"] = version }
            guard info["Version"] != nil else { throw SpctlFailure(.usage, "the version is required: --version <x.y>") }
            body["ReqInfo"] = info
            body["ConnectionName"] = try connection.required(body)
            try Session(global).run("PUT", "/cluster/\(segment(try name.required()))/upgrade", json: body, table: ClusterCommand.single,
                                    reshape: ClusterCommand.reshape)
        }
    }

    struct Token: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "An access token for the cluster (a Kubernetes ExecCredential).",
            discussion: "Example: spctl cluster token -c aws-ohio -n cluster-01 -o json")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var name: NameOption
        func run() throws {
            try Session(global).run("GET", "/cluster/\(segment(try name.required()))/token" + query([("ConnectionName", try connection.required())]),
                                    table: TableSpec([("KIND", "kind"), ("EXPIRES", "status.expirationTimestamp"), ("TOKEN", "status.token")]))
        }
    }
}
