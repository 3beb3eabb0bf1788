// spctl driver: registered cloud drivers (what a connection config names), and — in
// DriverStoreCommands.swift — the driver versions installed from registries.
import ArgumentParser
import Foundation

struct DriverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "driver", abstract: "Cloud drivers: register them for connections; search, install, upgrade and remove versions.",
        discussion: """
            Examples:
              spctl driver create --name mock-driver01 --provider MOCK
              spctl driver search mock
              spctl driver install mock@^1.0
              spctl driver installed
            """,
        subcommands: [Create.self, List.self, Get.self, Delete.self, Capability.self,
                      Search.self, Install.self, Upgrade.self, Installed.self, Remove.self, Jobs.self, Registries.self])

    static let table = TableSpec(list: "driver", [("NAME", "DriverName"), ("PROVIDER", "ProviderName"), ("LIBRARY", "DriverLibFileName")])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a driver for a provider (installs the newest from a registry when none is installed).",
            discussion: """
                Examples:
                  spctl driver create --name mock-driver01 --provider MOCK
                  spctl driver create -d '{"DriverName":"mock-driver01","ProviderName":"MOCK",
                    "DriverLibFileName":"libspider-driver-mock.so"}'
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var data: DataOption
        @Option(name: [.customShort("n"), .customLong("name")], help: "The driver's name, as connection configs will name it.") var name: String?
        @Option(help: "The provider (MOCK, AWS, ...).") var provider: String?
        @Option(name: .customLong("lib"), help: "The driver's library file or installed driver name, when a provider has several.") var lib: String?

        func run() throws {
            var body = try data.object() ?? [:]
            if let name { body["DriverName"] = name }
            if let provider { body["ProviderName"] = provider }
            if let lib { body["DriverLibFileName"] = lib }
            guard body["DriverName"] != nil else { throw SpctlFailure(.usage, "a driver name is required: --name <DriverName> (or DriverName in -d)") }
            guard body["ProviderName"] != nil else { throw SpctlFailure(.usage, "a provider is required: --provider <ProviderName> (or ProviderName in -d)") }
            try Session(global).run("POST", "/driver", json: body, table: TableSpec(DriverCommand.table.columns.map { ($0.title, $0.path) }))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the registered drivers.", discussion: "Examples:\n  spctl driver list\n  spctl driver list --provider MOCK")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this provider's.") var provider: String?
        func run() throws {
            try Session(global).run("GET", "/driver" + query([("provider", provider)]), table: DriverCommand.table)
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one registered driver.", discussion: "Example: spctl driver get -n mock-driver01")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var name: NameOption
        func run() throws {
            try Session(global).run("GET", "/driver/\(segment(try name.required("driver name")))",
                                    table: TableSpec(DriverCommand.table.columns.map { ($0.title, $0.path) }))
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Unregister a driver (refused while a connection config names it).", discussion: "Example: spctl driver delete -n mock-driver01")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var name: NameOption
        func run() throws {
            try Session(global).run("DELETE", "/driver/\(segment(try name.required("driver name")))")
        }
    }

    struct Capability: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What a driver supports: by connection (-c) or by registered driver (--driver).",
            discussion: "Examples:\n  spctl driver capability -c aws-ohio\n  spctl driver capability --driver mock-driver01")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @Option(name: .customLong("driver"), help: "A registered driver's name.") var driver: String?
        func run() throws {
            let path = try driver.map { "/driver/capability" + query([("DriverName", $0)]) }
                ?? "/driver/capability" + query([("ConnectionName", try connection.required())])
            try Session(global).run("GET", path)
        }
    }
}
