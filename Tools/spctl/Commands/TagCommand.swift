// spctl tag: tags on any taggable resource, named by its type and the name the host maps.
import ArgumentParser
import Foundation

struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag", abstract: "Tags on resources (VPC, SUBNET, SG, KEYPAIR, VM, DISK, MYIMAGE, NLB, CLUSTER).",
        discussion: "Examples:\n  spctl tag add -c aws-ohio --type VPC -n vpc-01 --tag env=prod\n  spctl tag find -c aws-ohio --key env",
        subcommands: [Add.self, List.self, Get.self, Remove.self, Find.self])

    static let tagTable = TableSpec([("KEY", "Key"), ("VALUE", "Value")])
    static let foundTable = TableSpec([("TYPE", "ResourceType"), ("NAME", "ResourceIId.NameId"), ("CSP ID", "ResourceIId.SystemId"),
                                       ("TAGS", "TagList")])

    /// The tagged resource: `--type VPC -n vpc-01`.
    struct Target: ParsableArguments {
        @Option(name: [.customShort("t"), .customLong("type")], help: "The resource type (VPC, SUBNET, SG, KEYPAIR, VM, DISK, MYIMAGE, NLB, CLUSTER).")
        var type: String?
        @Option(name: [.customShort("n"), .customLong("name"), .customLong("resource")], help: "The resource's name.")
        var name: String?

        func parameters() -> [(String, String?)] { [("ResourceType", type), ("ResourceName", name)] }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add (or replace) a tag on a resource.",
            discussion: """
                Examples:
                  spctl tag add -c aws-ohio --type VPC -n vpc-01 --tag env=prod
                  spctl tag add -d '{"ConnectionName":"aws-ohio",
                    "ReqInfo":{"ResourceType":"VPC","ResourceName":"vpc-01",
                    "Tag":{"Key":"env","Value":"prod"}}}'
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var data: DataOption
        @OptionGroup var target: Target
        @Option(help: ArgumentHelp("The tag as key=value.", valueName: "key=value")) var tag: String?
        @Option(help: "The tag's key (with --value).") var key: String?
        @Option(help: "The tag's value (with --key).") var value: String?

        func run() throws {
            var body = try data.object() ?? [:]
            var info = body["ReqInfo"] as? [String: Any] ?? [:]
            if let type = target.type { info["ResourceType"] = type }
            if let name = target.name { info["ResourceName"] = name }
            var pair = info["Tag"] as? [String: Any] ?? [:]
            if let tag {
                let (k, v) = try KeyValueFlags.pair(tag, flag: "--tag", example: "env=prod")
                pair = ["Key": k, "Value": v]
            }
            if let key { pair["Key"] = key }
            if let value { pair["Value"] = value }
            guard pair["Key"] != nil else { throw SpctlFailure(.usage, "a tag is required: --tag <key>=<value> (or --key K --value V)") }
            if pair["Value"] == nil { pair["Value"] = "" }
            info["Tag"] = pair
            body["ReqInfo"] = info
            body["ConnectionName"] = try connection.required(body)
            try Session(global).run("POST", "/tag", json: body, table: TagCommand.tagTable)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A resource's tags.", discussion: "Example: spctl tag list -c aws-ohio --type VPC -n vpc-01")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var target: Target
        func run() throws {
            try Session(global).run("GET", "/tag" + query([("ConnectionName", try connection.required())] + target.parameters()),
                                    table: TagCommand.tagTable)
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One tag of a resource.", discussion: "Example: spctl tag get -c aws-ohio --type VPC -n vpc-01 --key env")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var target: Target
        @Option(help: "The tag's key.") var key: String
        func run() throws {
            try Session(global).run("GET", "/tag/\(segment(key))" + query([("ConnectionName", try connection.required())] + target.parameters()),
                                    table: TagCommand.tagTable)
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a tag from a resource.",
            discussion: """
                Examples:
                  spctl tag remove -c aws-ohio --type VPC -n vpc-01 --key env
                  spctl tag remove --key env -d '{"ConnectionName":"aws-ohio",
                    "ReqInfo":{"ResourceType":"VPC","ResourceName":"vpc-01"}}'
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var data: DataOption
        @OptionGroup var target: Target
        @Option(help: "The tag's key.") var key: String
        func run() throws {
            var body = try data.object() ?? [:]
            var info = body["ReqInfo"] as? [String: Any] ?? [:]
            if let type = target.type { info["ResourceType"] = type }
            if let name = target.name { info["ResourceName"] = name }
            body["ReqInfo"] = info
            body["ConnectionName"] = try connection.required(body)
            try Session(global).run("DELETE", "/tag/\(segment(key))", json: body)
        }
    }

    struct Find: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find resources by tag: a key, a key and value, or a keyword in either.",
            discussion: "Examples:\n  spctl tag find -c aws-ohio --key env --value prod\n  spctl tag find -c aws-ohio --type VM --keyword prod")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @Option(name: [.customShort("t"), .customLong("type")], help: "Only this resource type (default: all).") var type: String?
        @Option(help: "The tag key.") var key: String?
        @Option(help: "The tag value (needs --key).") var value: String?
        @Option(help: "Text found in a key or a value.") var keyword: String?
        func run() throws {
            try Session(global).run("GET", "/tag/find" + query([
                ("ConnectionName", try connection.required()), ("ResourceType", type ?? "all"), ("Key", key), ("Value", value), ("Keyword", keyword),
            ]), table: TagCommand.foundTable)
        }
    }
}
