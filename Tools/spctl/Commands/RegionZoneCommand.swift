// spctl regionzone: the regions and zones a cloud offers, through a connection or — before any
// connection exists — through a driver and a credential (--preconfig).
import ArgumentParser
import Foundation

struct RegionZoneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regionzone", abstract: "The regions and zones a cloud offers.",
        discussion: """
            Examples:
              spctl regionzone list -c aws-ohio
              spctl regionzone list --preconfig --driver aws-driver01 \\
                --credential aws-cred
            """,
        subcommands: [List.self, Get.self, OrgZone.self])

    static let columns: [(String, String)] = [("NAME", "Name"), ("DISPLAY NAME", "DisplayName"), ("CSP DISPLAY NAME", "CSPDisplayName"),
                                              ("ZONES", "ZoneList")]

    /// `--preconfig --driver D --credential C`: ask the cloud before a connection config exists.
    struct PreConfig: ParsableArguments {
        @Flag(help: "Ask through a driver and a credential instead of a connection.") var preconfig = false
        @Option(help: "With --preconfig: a registered driver's name.") var driver: String?
        @Option(help: "With --preconfig: a credential's name.") var credential: String?

        var used: Bool { preconfig || driver != nil || credential != nil }

        func parameters() throws -> [(String, String?)] {
            guard let driver, let credential else {
                throw SpctlFailure(.usage, "--preconfig needs --driver <DriverName> and --credential <CredentialName>")
            }
            return [("DriverName", driver), ("CredentialName", credential)]
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the regions with their zones.",
            discussion: """
                Examples:
                  spctl regionzone list -c aws-ohio
                  spctl regionzone list --preconfig --driver aws-driver01 \\
                    --credential aws-cred
                  spctl regionzone list -c aws-ohio --org     (the cloud's own region JSON)
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var pre: PreConfig
        @Flag(help: "The cloud's own region list, unchanged.") var org = false
        func run() throws {
            let resource = org ? "orgregion" : "regionzone"
            let path = pre.used ? "/preconfig/\(resource)" + query(try pre.parameters())
                                : "/\(resource)" + query([("ConnectionName", try connection.required())])
            try Session(global).run("GET", path, table: org ? nil : TableSpec(list: "regionzone", RegionZoneCommand.columns))
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one region and its zones.",
            discussion: """
                Examples:
                  spctl regionzone get -c aws-ohio -n us-east-2
                  spctl regionzone get --preconfig --driver aws-driver01 \\
                    --credential aws-cred -n us-east-2
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var name: NameOption
        @OptionGroup var pre: PreConfig
        func run() throws {
            let region = segment(try name.required("region name"))
            let path = pre.used ? "/preconfig/regionzone/\(region)" + query(try pre.parameters())
                                : "/regionzone/\(region)" + query([("ConnectionName", try connection.required())])
            try Session(global).run("GET", path, table: TableSpec(RegionZoneCommand.columns + [("KEYS", "KeyValueList")]))
        }
    }

    struct OrgZone: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "orgzone", abstract: "The cloud's own zone list for the connection's region, unchanged.",
            discussion: "Example: spctl regionzone orgzone -c aws-ohio")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        func run() throws {
            try Session(global).run("GET", "/orgzone" + query([("ConnectionName", try connection.required())]))
        }
    }
}
