// spctl disk: data disks — create, list, get, delete, resize, attach to and detach from a VM.
import ArgumentParser
import Foundation

struct DiskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disk", abstract: "Data disks.",
        subcommands: [Create.self, List.self, Get.self, Delete.self, Resize.self, Attach.self, Detach.self,
                      ListAllCommand<Kind>.self, DeleteCSPCommand<Kind>.self, RegisterKindCommand<Kind>.self,
                      UnregisterKindCommand<Kind>.self])

    enum Kind: MappedKindSpec {
        static let pathName = "disk", command = "disk", noun = "disk", example = "disk-01"
    }

    static let columns: [(String, String)] = [
        ("NAME", "IId.NameId"), ("CSP ID", "IId.SystemId"), ("ZONE", "Zone"), ("TYPE", "DiskType"), ("SIZE (GB)", "DiskSize"),
        ("STATUS", "Status"), ("VM", "OwnerVM.NameId"), ("CREATED", "CreatedTime"),
    ]
    static let table = TableSpec(list: "disk", columns)
    static let single = TableSpec(columns + [("TAGS", "TagList")])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a disk.",
            discussion: """
                Examples:
                  spctl disk create -c aws-ohio --name disk-01 --type gp3 --size 100
                  spctl disk create -d '{"ConnectionName":"aws-ohio",
                    "ReqInfo":{"Name":"disk-01","DiskType":"gp3","DiskSize":"100"}}'
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var data: DataOption
        @Option(name: [.customShort("n"), .customLong("name")], help: "The disk's name.") var name: String?
        @Option(help: "The disk type (the cloud's default when left out).") var type: String?
        @Option(help: "The size in GB (the cloud's default when left out).") var size: String?
        @Option(help: "The zone (the connection's when left out).") var zone: String?
        func run() throws {
            var body = try data.object() ?? [:]
            var info = body["ReqInfo"] as? [String: Any] ?? [:]
            for case let (key, value?) in [("Name", name), ("DiskType", type), ("DiskSize", size), ("Zone", zone)] { info[key] = value }
            guard info["Name"] != nil else { throw SpctlFailure(.usage, "a name is required: --name <Name> (or ReqInfo.Name in -d)") }
            body["ReqInfo"] = info
            body["ConnectionName"] = try connection.required(body)
            try Session(global).run("POST", "/disk", json: body, table: DiskCommand.single)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a connection's disks.", discussion: "Example: spctl disk list -c aws-ohio")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        func run() throws {
            try Session(global).run("GET", "/disk" + query([("ConnectionName", try connection.required())]), table: DiskCommand.table)
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one disk.", discussion: "Example: spctl disk get -c aws-ohio -n disk-01")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var name: NameOption
        func run() throws {
            try Session(global).run("GET", "/disk/\(segment(try name.required()))" + query([("ConnectionName", try connection.required())]),
                                    table: DiskCommand.single)
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a disk.", discussion: "Example: spctl disk delete -c aws-ohio -n disk-01")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var name: NameOption
        @OptionGroup var force: ForceFlag
        func run() throws {
            let path = "/disk/\(segment(try name.required()))" + query([("force", force.force ? "true" : nil)])
            try Session(global).run("DELETE", path, json: ["ConnectionName": try connection.required()])
        }
    }

    struct Resize: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Grow a disk to a new size in GB.",
            discussion: """
                Examples:
                  spctl disk resize -c aws-ohio -n disk-01 --size 200
                  spctl disk resize -n disk-01 \\
                    -d '{"ConnectionName":"aws-ohio","ReqInfo":{"Size":"200"}}'
                """,
            aliases: ["change-size"])
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var data: DataOption
        @OptionGroup var name: NameOption
        @Option(help: "The new size in GB.") var size: String?
        func run() throws {
            var body = try data.object() ?? [:]
            var info = body["ReqInfo"] as? [String: Any] ?? [:]
            if let size { info["Size"] = size }
            guard info["Size"] != nil else { throw SpctlFailure(.usage, "the new size is required: --size <GB>") }
            body["ReqInfo"] = info
            body["ConnectionName"] = try connection.required(body)
            try Session(global).run("PUT", "/disk/\(segment(try name.required()))/size", json: body)
        }
    }

    /// attach and detach: PUT /disk/{Name}/<action> with ReqInfo.VMName.
    struct VMOptions: ParsableArguments {
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var data: DataOption
        @OptionGroup var name: NameOption
        @Option(help: "The VM.") var vm: String?

        func send(_ action: String, _ global: GlobalOptions) throws {
            var body = try data.object() ?? [:]
            var info = body["ReqInfo"] as? [String: Any] ?? [:]
            if let vm { info["VMName"] = vm }
            guard info["VMName"] != nil else { throw SpctlFailure(.usage, "the VM is required: --vm <VMName>") }
            body["ReqInfo"] = info
            body["ConnectionName"] = try connection.required(body)
            try Session(global).run("PUT", "/disk/\(segment(try name.required()))/\(action)", json: body,
                                    table: action == "attach" ? DiskCommand.single : nil)  // detach answers {"Result": "true"}
        }
    }

    struct Attach: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Attach a disk to a VM.",
            discussion: """
                Examples:
                  spctl disk attach -c aws-ohio -n disk-01 --vm vm-01
                  spctl disk attach -n disk-01 \\
                    -d '{"ConnectionName":"aws-ohio","ReqInfo":{"VMName":"vm-01"}}'
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: VMOptions
        func run() throws { try options.send("attach", global) }
    }

    struct Detach: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Detach a disk from its VM.",
                                                        discussion: "Example: spctl disk detach -c aws-ohio -n disk-01 --vm vm-01")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: VMOptions
        func run() throws { try options.send("detach", global) }
    }
}
