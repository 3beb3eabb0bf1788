// spctl myimage: machine images snapshotted from VMs (a VM starts from one with --image-type MyImage).
import ArgumentParser
import Foundation

struct MyImageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "myimage", abstract: "Machine images snapshotted from VMs.",
        subcommands: [Snapshot.self, List.self, Get.self, Delete.self,
                      ListAllCommand<Kind>.self, DeleteCSPCommand<Kind>.self, RegisterKindCommand<Kind>.self,
                      UnregisterKindCommand<Kind>.self])

    enum Kind: MappedKindSpec {
        static let pathName = "myimage", command = "myimage", noun = "MyImage", example = "myimage-01"
    }

    static let columns: [(String, String)] = [("NAME", "IId.NameId"), ("CSP ID", "IId.SystemId"), ("SOURCE VM", "SourceVM.NameId"),
                                              ("STATUS", "Status"), ("CREATED", "CreatedTime")]
    static let table = TableSpec(list: "myImage", columns)
    static let single = TableSpec(columns + [("TAGS", "TagList")])

    struct Snapshot: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Snapshot a VM into a MyImage.",
            discussion: """
                Examples:
                  spctl myimage snapshot -c aws-ohio --name myimage-01 --vm vm-01
                  spctl myimage create -d '{"ConnectionName":"aws-ohio",
                    "ReqInfo":{"Name":"myimage-01","SourceVM":"vm-01"}}'
                """,
            aliases: ["create"])
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var data: DataOption
        @Option(name: [.customShort("n"), .customLong("name")], help: "The image's name.") var name: String?
        @Option(help: "The VM to snapshot.") var vm: String?
        func run() throws {
            var body = try data.object() ?? [:]
            var info = body["ReqInfo"] as? [String: Any] ?? [:]
            if let name { info["Name"] = name }
            if let vm { info["SourceVM"] = vm }
            guard info["Name"] != nil else { throw SpctlFailure(.usage, "a name is required: --name <Name> (or ReqInfo.Name in -d)") }
            guard info["SourceVM"] != nil else { throw SpctlFailure(.usage, "the VM is required: --vm <VMName> (or ReqInfo.SourceVM in -d)") }
            body["ReqInfo"] = info
            body["ConnectionName"] = try connection.required(body)
            try Session(global).run("POST", "/myimage", json: body, table: MyImageCommand.single)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a connection's MyImages.", discussion: "Example: spctl myimage list -c aws-ohio")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        func run() throws {
            try Session(global).run("GET", "/myimage" + query([("ConnectionName", try connection.required())]), table: MyImageCommand.table)
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one MyImage.", discussion: "Example: spctl myimage get -c aws-ohio -n myimage-01")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var name: NameOption
        func run() throws {
            try Session(global).run("GET", "/myimage/\(segment(try name.required()))" + query([("ConnectionName", try connection.required())]),
                                    table: MyImageCommand.single)
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a MyImage.", discussion: "Example: spctl myimage delete -c aws-ohio -n myimage-01")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var name: NameOption
        @OptionGroup var force: ForceFlag
        func run() throws {
            let path = "/myimage/\(segment(try name.required()))" + query([("force", force.force ? "true" : nil)])
            try Session(global).run("DELETE", path, json: ["ConnectionName": try connection.required()])
        }
    }
}
