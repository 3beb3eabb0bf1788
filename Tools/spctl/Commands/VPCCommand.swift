// spctl vpc: VPCs and their subnets.
import ArgumentParser
import Foundation

struct VPCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vpc", abstract: "VPCs and their subnets.",
        subcommands: [Create.self, List.self, Get.self, Delete.self, AddSubnet.self, RemoveSubnet.self,
                      ListAllCommand<Kind>.self, DeleteCSPCommand<Kind>.self, RegisterKindCommand<Kind>.self,
                      UnregisterKindCommand<Kind>.self])

    enum Kind: MappedKindSpec {
        static let pathName = "vpc", command = "vpc", noun = "VPC", example = "vpc-01"
    }

    static let table = TableSpec(list: "vpc", [("NAME", "IId.NameId"), ("CSP ID", "IId.SystemId"), ("CIDR", "IPv4_CIDR"),
                                               ("SUBNETS", "SubnetInfoList")])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a VPC with its subnets.",
            discussion: """
                Examples:
                  spctl vpc create -c aws-ohio --name vpc-01 --cidr 10.0.0.0/16 \\
                    --subnet subnet-01=10.0.1.0/24
                  spctl vpc create -d '{"ConnectionName":"aws-ohio",
                    "ReqInfo":{"Name":"vpc-01","IPv4_CIDR":"10.0.0.0/16",
                    "SubnetInfoList":[{"Name":"subnet-01","IPv4_CIDR":"10.0.1.0/24"}]}}'
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var data: DataOption
        @Option(name: [.customShort("n"), .customLong("name")], help: "The VPC's name.") var name: String?
        @Option(help: "The VPC's IPv4 CIDR block.") var cidr: String?
        @Option(help: ArgumentHelp("A subnet as <name>=<cidr>; repeatable.", valueName: "name=cidr")) var subnet: [String] = []

        func run() throws {
            var body = try data.object() ?? [:]
            var info = body["ReqInfo"] as? [String: Any] ?? [:]
            if let name { info["Name"] = name }
            if let cidr { info["IPv4_CIDR"] = cidr }
            if !subnet.isEmpty { info["SubnetInfoList"] = try subnet.map(Self.subnet) }
            guard info["Name"] != nil else { throw SpctlFailure(.usage, "a VPC name is required: --name <Name> (or ReqInfo.Name in -d)") }
            body["ReqInfo"] = info
            body["ConnectionName"] = try connection.required(body)
            try Session(global).run("POST", "/vpc", json: body, table: VPCCommand.table)
        }

        static func subnet(_ text: String) throws -> [String: Any] {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw SpctlFailure(.usage, "--subnet '\(text)' must be <name>=<cidr>, e.g. subnet-01=10.0.1.0/24")
            }
            return ["Name": parts[0], "IPv4_CIDR": parts[1]]
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a connection's VPCs.", discussion: "Example: spctl vpc list -c aws-ohio")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        func run() throws {
            try Session(global).run("GET", "/vpc" + query([("ConnectionName", try connection.required())]), table: VPCCommand.table)
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one VPC.", discussion: "Example: spctl vpc get -c aws-ohio -n vpc-01")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var name: NameOption
        func run() throws {
            try Session(global).run("GET", "/vpc/\(segment(try name.required()))" + query([("ConnectionName", try connection.required())]),
                                    table: TableSpec(VPCCommand.table.columns.map { ($0.title, $0.path) }))
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a VPC (and its subnets).", discussion: "Example: spctl vpc delete -c aws-ohio -n vpc-01")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var name: NameOption
        @OptionGroup var force: ForceFlag
        func run() throws {
            let path = "/vpc/\(segment(try name.required()))" + query([("force", force.force ? "true" : nil)])
            try Session(global).run("DELETE", path, json: ["ConnectionName": try connection.required()])
        }
    }

    struct AddSubnet: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-subnet", abstract: "Add a subnet to a VPC.",
            discussion: """
                Examples:
                  spctl vpc add-subnet -c aws-ohio --vpc vpc-01 --name subnet-02 \\
                    --cidr 10.0.2.0/24
                  spctl vpc add-subnet -d '{"ConnectionName":"aws-ohio","VPCName":"vpc-01",
                    "ReqInfo":{"Name":"subnet-02","IPv4_CIDR":"10.0.2.0/24"}}'
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var data: DataOption
        @Option(name: .customLong("vpc"), help: "The VPC.") var vpc: String?
        @Option(name: [.customShort("n"), .customLong("name")], help: "The subnet's name.") var name: String?
        @Option(help: "The subnet's IPv4 CIDR block.") var cidr: String?
        func run() throws {
            var body = try data.object() ?? [:]
            var info = body["ReqInfo"] as? [String: Any] ?? [:]
            if let name { info["Name"] = name }
            if let cidr { info["IPv4_CIDR"] = cidr }
            body["ReqInfo"] = info
            guard let vpcName = vpc ?? body["VPCName"] as? String else { throw SpctlFailure(.usage, "the VPC is required: --vpc <VPCName>") }
            body["ConnectionName"] = try connection.required(body)
            body["VPCName"] = nil
            try Session(global).run("POST", "/vpc/\(segment(vpcName))/subnet", json: body, table: VPCCommand.table)
        }
    }

    struct RemoveSubnet: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-subnet", abstract: "Remove a subnet from a VPC.",
            discussion: "Example: spctl vpc remove-subnet -c aws-ohio --vpc vpc-01 -n subnet-02")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var name: NameOption
        @OptionGroup var force: ForceFlag
        @Option(name: .customLong("vpc"), help: "The VPC.") var vpc: String
        func run() throws {
            let path = "/vpc/\(segment(vpc))/subnet/\(segment(try name.required("subnet name")))" + query([("force", force.force ? "true" : nil)])
            try Session(global).run("DELETE", path, json: ["ConnectionName": try connection.required()])
        }
    }
}
