// spctl connection (CB-Spider's spctl name; its cbadm says connect-infos): a connection config
// ties a driver, a credential and a region together under the name every resource command takes.
import ArgumentParser
import Foundation

struct ConnectionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connection", abstract: "Connection configs: driver + credential + region, the name -c takes.",
        discussion: """
            Examples:
              spctl connection create --name aws-ohio --driver aws-driver01 \\
                --credential aws-cred --region aws-ohio
              spctl connection list
            """,
        subcommands: [Create.self, List.self, Get.self, Delete.self],
        aliases: ["connect-infos", "connectionconfig"])

    static let columns: [(String, String)] = [("NAME", "ConfigName"), ("PROVIDER", "ProviderName"), ("DRIVER", "DriverName"),
                                              ("CREDENTIAL", "CredentialName"), ("REGION", "RegionName")]

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a connection config (the provider defaults to the driver's).",
            discussion: """
                Examples:
                  spctl connection create --name aws-ohio --driver aws-driver01 \\
                    --credential aws-cred --region aws-ohio
                  spctl connection create -d '{"ConfigName":"mock-config01",
                    "ProviderName":"MOCK","DriverName":"mock-driver01",
                    "CredentialName":"mock-cred","RegionName":"mock-region"}'
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var data: DataOption
        @Option(name: [.customShort("n"), .customLong("name")], help: "The connection config's name.") var name: String?
        @Option(help: "The provider (default: the driver's).") var provider: String?
        @Option(help: "A registered driver's name.") var driver: String?
        @Option(help: "A credential's name.") var credential: String?
        @Option(help: "A region's name.") var region: String?

        func run() throws {
            var body = try data.object() ?? [:]
            if let name { body["ConfigName"] = name }
            if let provider { body["ProviderName"] = provider }
            if let driver { body["DriverName"] = driver }
            if let credential { body["CredentialName"] = credential }
            if let region { body["RegionName"] = region }
            for (field, flag) in [("ConfigName", "--name"), ("DriverName", "--driver"), ("CredentialName", "--credential"), ("RegionName", "--region")]
            where (body[field] as? String)?.isEmpty ?? true {
                throw SpctlFailure(.usage, "\(field) is required: \(flag) <\(field)> (or \(field) in -d)")
            }
            let session = Session(global)
            if body["ProviderName"] == nil, let driverName = body["DriverName"] as? String {
                body["ProviderName"] = try session.send("GET", "/driver/\(segment(driverName))").json["ProviderName"]
            }
            try session.run("POST", "/connectionconfig", json: body, table: TableSpec(ConnectionCommand.columns))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the connection configs.", discussion: "Examples:\n  spctl connection list\n  spctl connection list --provider MOCK")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this provider's.") var provider: String?
        func run() throws {
            try Session(global).run("GET", "/connectionconfig" + query([("provider", provider)]),
                                    table: TableSpec(list: "connectionconfig", ConnectionCommand.columns))
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one connection config.", discussion: "Example: spctl connection get -n aws-ohio")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var name: NameOption
        func run() throws {
            try Session(global).run("GET", "/connectionconfig/\(segment(try name.required("connection name")))",
                                    table: TableSpec(ConnectionCommand.columns))
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a connection config (refused while resources are mapped on it, unless --force).",
            discussion: "Examples:\n  spctl connection delete -n aws-ohio\n  spctl connection delete -n aws-ohio --force")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var name: NameOption
        @OptionGroup var force: ForceFlag
        func run() throws {
            try Session(global).run("DELETE", "/connectionconfig/\(segment(try name.required("connection name")))"
                                    + query([("force", force.force ? "true" : nil)]))
        }
    }
}
