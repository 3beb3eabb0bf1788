// spctl credential: a cloud account's keys. The host seals the values at rest and answers them
// masked, so nothing spctl prints holds a secret.
import ArgumentParser
import Foundation

struct CredentialCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credential", abstract: "Credentials: a cloud account's keys (values are never shown).",
        discussion: """
            Examples:
              spctl credential create --name aws-cred --provider AWS \\
                --key ClientId=AKIA... --key ClientSecret=...
              spctl credential list
            """,
        subcommands: [Create.self, List.self, Get.self, Delete.self])

    static let columns: [(String, String)] = [("NAME", "CredentialName"), ("PROVIDER", "ProviderName"), ("KEYS", "KeyValueInfoList")]

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a credential.",
            discussion: """
                Examples:
                  spctl credential create --name aws-cred --provider AWS \\
                    --key ClientId=AKIA... --key ClientSecret=...
                  spctl credential create -d '{"CredentialName":"mock-cred",
                    "ProviderName":"MOCK",
                    "KeyValueInfoList":[{"Key":"MockName","Value":"mock01"}]}'
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var data: DataOption
        @Option(name: [.customShort("n"), .customLong("name")], help: "The credential's name.") var name: String?
        @Option(help: "The provider (MOCK, AWS, ...).") var provider: String?
        @Option(help: ArgumentHelp("A key and its value; repeatable.", valueName: "key=value")) var key: [String] = []

        func run() throws {
            var body = try data.object() ?? [:]
            if let name { body["CredentialName"] = name }
            if let provider { body["ProviderName"] = provider }
            let pairs = try KeyValueFlags.list(key, flag: "--key", example: "ClientId=AKIA...")
            body["KeyValueInfoList"] = KeyValueFlags.merge(body["KeyValueInfoList"] as? [[String: Any]] ?? [], pairs)
            guard body["CredentialName"] != nil else { throw SpctlFailure(.usage, "a credential name is required: --name <CredentialName>") }
            guard body["ProviderName"] != nil else { throw SpctlFailure(.usage, "a provider is required: --provider <ProviderName>") }
            try Session(global).run("POST", "/credential", json: body, table: TableSpec(CredentialCommand.columns))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the credentials (values masked).", discussion: "Examples:\n  spctl credential list\n  spctl credential list --provider AWS")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this provider's.") var provider: String?
        func run() throws {
            try Session(global).run("GET", "/credential" + query([("provider", provider)]),
                                    table: TableSpec(list: "credential", CredentialCommand.columns))
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one credential (values masked).", discussion: "Example: spctl credential get -n aws-cred")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var name: NameOption
        func run() throws {
            try Session(global).run("GET", "/credential/\(segment(try name.required("credential name")))", table: TableSpec(CredentialCommand.columns))
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a credential (refused while a connection config names it).", discussion: "Example: spctl credential delete -n aws-cred")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var name: NameOption
        func run() throws {
            try Session(global).run("DELETE", "/credential/\(segment(try name.required("credential name")))")
        }
    }
}
