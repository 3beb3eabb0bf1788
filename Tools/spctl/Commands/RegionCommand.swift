// spctl region: where a connection works (the driver's region keys, and the zones to offer).
import ArgumentParser
import Foundation

struct RegionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "region", abstract: "Regions: a provider's region keys and zones, as connection configs name them.",
        discussion: """
            Examples:
              spctl region create --name aws-ohio --provider AWS \\
                --key Region=us-east-2 --zone us-east-2a
              spctl region list
            """,
        subcommands: [Create.self, List.self, Get.self, Delete.self])

    static let columns: [(String, String)] = [("NAME", "RegionName"), ("PROVIDER", "ProviderName"), ("KEYS", "KeyValueInfoList"),
                                              ("ZONES", "AvailableZoneList")]

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a region.",
            discussion: """
                Examples:
                  spctl region create --name aws-ohio --provider AWS \\
                    --key Region=us-east-2 --key Zone=us-east-2a \\
                    --zone us-east-2a --zone us-east-2b
                  spctl region create -d '{"RegionName":"mock-region","ProviderName":"MOCK",
                    "KeyValueInfoList":[{"Key":"Region","Value":"default"}]}'
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var data: DataOption
        @Option(name: [.customShort("n"), .customLong("name")], help: "The region's name.") var name: String?
        @Option(help: "The provider (MOCK, AWS, ...).") var provider: String?
        @Option(help: ArgumentHelp("A region key and its value (e.g. Region=us-east-2); repeatable.", valueName: "key=value")) var key: [String] = []
        @Option(help: ArgumentHelp("A zone the region offers; repeatable (default: the Zone keys).", valueName: "zone")) var zone: [String] = []

        func run() throws {
            var body = try data.object() ?? [:]
            if let name { body["RegionName"] = name }
            if let provider { body["ProviderName"] = provider }
            let pairs = try KeyValueFlags.list(key, flag: "--key", example: "Region=us-east-2")
            body["KeyValueInfoList"] = KeyValueFlags.merge(body["KeyValueInfoList"] as? [[String: Any]] ?? [], pairs)
            if !zone.isEmpty { body["AvailableZoneList"] = zone }
            guard body["RegionName"] != nil else { throw SpctlFailure(.usage, "a region name is required: --name <RegionName>") }
            guard body["ProviderName"] != nil else { throw SpctlFailure(.usage, "a provider is required: --provider <ProviderName>") }
            try Session(global).run("POST", "/region", json: body, table: TableSpec(RegionCommand.columns))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the regions.", discussion: "Examples:\n  spctl region list\n  spctl region list --provider AWS")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this provider's.") var provider: String?
        func run() throws {
            try Session(global).run("GET", "/region" + query([("provider", provider)]), table: TableSpec(list: "region", RegionCommand.columns))
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one region.", discussion: "Example: spctl region get -n aws-ohio")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var name: NameOption
        func run() throws {
            try Session(global).run("GET", "/region/\(segment(try name.required("region name")))", table: TableSpec(RegionCommand.columns))
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a region (refused while a connection config names it).", discussion: "Example: spctl region delete -n aws-ohio")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var name: NameOption
        func run() throws {
            try Session(global).run("DELETE", "/region/\(segment(try name.required("region name")))")
        }
    }
}
