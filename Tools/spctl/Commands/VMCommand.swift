// spctl vm: start, list, get, status, suspend/resume/reboot (and CB-Spider's `control --action`), terminate.
import ArgumentParser
import Foundation

struct VMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vm", abstract: "Virtual machines.",
        subcommands: [Start.self, List.self, Get.self, Status.self, ListStatus.self, GetStatus.self,
                      Suspend.self, Resume.self, Reboot.self, Control.self, Terminate.self,
                      ListAllCommand<Kind>.self, DeleteCSPCommand<Kind>.self, RegisterKindCommand<Kind>.self,
                      UnregisterKindCommand<Kind>.self])

    enum Kind: MappedKindSpec {
        static let pathName = "vm", command = "vm", noun = "VM", example = "vm-01"
    }

    static let columns: [(String, String)] = [
        ("NAME", "IId.NameId"), ("STATUS", "Status"), ("ZONE", "Region.Zone"), ("PUBLIC IP", "PublicIP"), ("PRIVATE IP", "PrivateIP"),
        ("SPEC", "VMSpecName"), ("IMAGE", "ImageIId.NameId"), ("VPC", "VpcIID.NameId"), ("SUBNET", "SubnetIID.NameId"),
        ("SECURITY GROUPS", "SecurityGroupIIds"), ("KEY PAIR", "KeyPairIId.NameId"),
    ]
    static let table = TableSpec(list: "vm", columns)
    static let single = TableSpec(columns + [("CSP ID", "IId.SystemId"), ("REGION", "Region.Region"), ("IMAGE TYPE", "ImageType"),
                                             ("ROOT DISK", "RootDisk"), ("DATA DISKS", "DataDiskIIDs"), ("USER", "VMUserId"),
                                             ("SSH", "SSHAccessPoint"), ("PLATFORM", "Platform"), ("STARTED", "StartTime"),
                                             ("TAGS", "TagList")])

    /// A VM record has no status; for a table, each row gets its status from /vmstatus.
    static func withStatus(_ session: Session, _ connection: String, one name: String? = nil) -> (Any) throws -> Any {
        { value in
            var statuses: [String: String] = [:]
            if let name {
                let r = try? session.send("GET", "/vmstatus/\(segment(name))" + query([("ConnectionName", connection)]))
                statuses[name] = r.flatMap { (try? JSONSerialization.jsonObject(with: $0.body)) as? [String: Any] }.map { Render.scalar($0["Status"]) }
            } else if let r = try? session.send("GET", "/vmstatus" + query([("ConnectionName", connection)])),
                      let list = ((try? JSONSerialization.jsonObject(with: r.body)) as? [String: Any])?["vmstatus"] as? [[String: Any]] {
                for s in list { statuses[Render.text(at: "IId.NameId", in: s)] = Render.scalar(s["VmStatus"]) }
            }
            return eachRow("vm") { row in
                row["Status"] = statuses[Render.text(at: "IId.NameId", in: row)] ?? ""
                let type = Render.scalar(row["RootDiskType"]), size = Render.scalar(row["RootDiskSize"])
                row["RootDisk"] = [type, size.isEmpty ? "" : size + " GB"].filter { !$0.isEmpty }.joined(separator: " ")
            }(value)
        }
    }

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start (create) a VM.",
            discussion: """
                Examples:
                  spctl vm start -c aws-ohio --name vm-01 --image ami-0abc --spec t3.micro \\
                    --vpc vpc-01 --subnet subnet-01 --sg sg-01 --keypair keypair-01
                  spctl vm start -c aws-ohio --name vm-02 --image my-image-01 \\
                    --image-type MyImage --spec t3.micro --vpc vpc-01 --subnet subnet-01 \\
                    --sg sg-01 --keypair keypair-01 --disk-type gp3 --disk-size 50
                  spctl vm start -d '{"ConnectionName":"aws-ohio","ReqInfo":{"Name":"vm-01",
                    "ImageName":"ami-0abc","VMSpecName":"t3.micro","VPCName":"vpc-01",
                    "SubnetName":"subnet-01","SecurityGroupNames":["sg-01"],
                    "KeyPairName":"keypair-01"}}'
                """,
            aliases: ["create"])
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var data: DataOption
        @Option(name: [.customShort("n"), .customLong("name")], help: "The VM's name.") var name: String?
        @Option(help: "The image: a public image's cloud name, or a MyImage's name with --image-type MyImage.") var image: String?
        @Option(name: .customLong("image-type"), help: "PublicImage (default) or MyImage.") var imageType: String?
        @Option(help: "The VM spec (e.g. t3.micro).") var spec: String?
        @Option(help: "The VPC.") var vpc: String?
        @Option(help: "The subnet (in the VPC).") var subnet: String?
        @Option(name: .customLong("sg"), help: "A security group; repeatable.") var securityGroups: [String] = []
        @Option(help: "The key pair.") var keypair: String?
        @Option(name: .customLong("disk-type"), help: "The root disk's type.") var diskType: String?
        @Option(name: .customLong("disk-size"), help: "The root disk's size in GB.") var diskSize: String?
        @Option(name: .customLong("data-disk"), help: "A data disk to attach at start; repeatable.") var dataDisks: [String] = []
        @Option(name: .customLong("vm-user"), help: "The VM user (clouds that take one).") var user: String?
        @Option(name: .customLong("vm-password"), help: "The VM user's password (clouds that take one).") var password: String?

        func run() throws {
            var body = try data.object() ?? [:]
            var info = body["ReqInfo"] as? [String: Any] ?? [:]
            let flags: [(String, String?)] = [("Name", name), ("ImageName", image), ("ImageType", imageType), ("VMSpecName", spec),
                                             ("VPCName", vpc), ("SubnetName", subnet), ("KeyPairName", keypair), ("RootDiskType", diskType),
                                             ("RootDiskSize", diskSize), ("VMUserId", user), ("VMUserPasswd", password)]
            for case let (key, value?) in flags { info[key] = value }
            if !securityGroups.isEmpty { info["SecurityGroupNames"] = securityGroups }
            if !dataDisks.isEmpty { info["DataDiskNames"] = dataDisks }
            guard info["Name"] != nil else { throw SpctlFailure(.usage, "a name is required: --name <Name> (or ReqInfo.Name in -d)") }
            let missing = [("ImageName", "--image"), ("VMSpecName", "--spec"), ("VPCName", "--vpc"), ("SubnetName", "--subnet"),
                           ("KeyPairName", "--keypair")].filter { info[$0.0] == nil }
            if !missing.isEmpty {
                throw SpctlFailure(.usage, "missing: " + missing.map { "\($0.1) (ReqInfo.\($0.0))" }.joined(separator: ", "))
            }
            body["ReqInfo"] = info
            let connection = try connection.required(body)
            body["ConnectionName"] = connection
            let session = Session(global)
            try session.run("POST", "/vm", json: body, table: VMCommand.single,
                            reshape: VMCommand.withStatus(session, connection, one: info["Name"] as? String))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a connection's VMs (with their status in a table).",
                                                        discussion: "Example: spctl vm list -c aws-ohio")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        func run() throws {
            let connection = try connection.required()
            let session = Session(global)
            try session.run("GET", "/vm" + query([("ConnectionName", connection)]), table: VMCommand.table,
                            reshape: VMCommand.withStatus(session, connection))
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one VM.", discussion: "Example: spctl vm get -c aws-ohio -n vm-01")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var name: NameOption
        func run() throws {
            let connection = try connection.required(), name = try name.required()
            let session = Session(global)
            try session.run("GET", "/vm/\(segment(name))" + query([("ConnectionName", connection)]), table: VMCommand.single,
                            reshape: VMCommand.withStatus(session, connection, one: name))
        }
    }

    static let statusTable = TableSpec(list: "vmstatus", [("NAME", "IId.NameId"), ("CSP ID", "IId.SystemId"), ("STATUS", "VmStatus")])

    /// One VM's status (`-n`), or every VM's.
    static func printStatus(_ global: GlobalOptions, _ connection: ConnectionOption, _ name: String?) throws {
        let c = try connection.required()
        if let name, !name.isEmpty {
            try Session(global).run("GET", "/vmstatus/\(segment(name))" + query([("ConnectionName", c)]), table: TableSpec([("STATUS", "Status")]))
        } else {
            try Session(global).run("GET", "/vmstatus" + query([("ConnectionName", c)]), table: statusTable)
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The status of one VM (-n) or of all.",
            discussion: """
                Examples:
                  spctl vm status -c aws-ohio -n vm-01
                  spctl vm status -c aws-ohio
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var name: NameOption
        func run() throws { try VMCommand.printStatus(global, connection, name.name) }
    }

    struct ListStatus: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "liststatus", abstract: "Every VM's status (CB-Spider's name).",
                                                        discussion: "Example: spctl vm liststatus -c aws-ohio")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        func run() throws { try VMCommand.printStatus(global, connection, nil) }
    }

    struct GetStatus: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "getstatus", abstract: "One VM's status (CB-Spider's name).",
                                                        discussion: "Example: spctl vm getstatus -c aws-ohio -n vm-01")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var name: NameOption
        func run() throws { try VMCommand.printStatus(global, connection, try name.required()) }
    }

    /// PUT /controlvm/{Name}?action=<action>; answers {"Status": …}.
    static func control(_ global: GlobalOptions, _ connection: String, _ name: String, _ action: String) throws {
        let action = action.lowercased()
        guard ["suspend", "resume", "reboot"].contains(action) else {
            throw SpctlFailure(.usage, "--action must be suspend, resume or reboot (got '\(action)')")
        }
        try Session(global).run("PUT", "/controlvm/\(segment(name))" + query([("action", action)]),
                                json: ["ConnectionName": connection], table: TableSpec([("STATUS", "Status")]))
    }

    struct Suspend: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suspend a VM.", discussion: "Example: spctl --cname aws-ohio vm suspend -n vm-01")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var name: NameOption
        func run() throws { try VMCommand.control(global, try connection.required(), try name.required(), "suspend") }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a suspended VM.", discussion: "Example: spctl --cname aws-ohio vm resume -n vm-01")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var name: NameOption
        func run() throws { try VMCommand.control(global, try connection.required(), try name.required(), "resume") }
    }

    struct Reboot: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reboot a VM.", discussion: "Example: spctl --cname aws-ohio vm reboot -n vm-01")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var name: NameOption
        func run() throws { try VMCommand.control(global, try connection.required(), try name.required(), "reboot") }
    }

    struct Control: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Suspend, resume or reboot a VM (CB-Spider's form).",
            discussion: """
                Examples:
                  spctl vm control -c aws-ohio -n vm-01 --action suspend
                  spctl vm control -n vm-01 -a reboot -d '{"ConnectionName":"aws-ohio"}'
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var data: DataOption
        @OptionGroup var name: NameOption
        @Option(name: [.customShort("a"), .customLong("action")], help: "suspend, resume or reboot.") var action: String
        func run() throws {
            try VMCommand.control(global, try connection.required(try data.object()), try name.required(), action)
        }
    }

    struct Terminate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Terminate (delete) a VM.", discussion: "Example: spctl vm terminate -c aws-ohio -n vm-01",
            aliases: ["delete"])
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var name: NameOption
        @OptionGroup var force: ForceFlag
        func run() throws {
            let path = "/vm/\(segment(try name.required()))" + query([("force", force.force ? "true" : nil)])
            try Session(global).run("DELETE", path, json: ["ConnectionName": try connection.required()], table: TableSpec([("STATUS", "Status")]))
        }
    }
}
