// The verbs every mapped kind shares beyond create/list/get/delete, as CB-Spider's spctl names them:
// `listall` (GET /all<kind>), `deletecsp --id` (DELETE /csp<kind>/{Id}), `register` (POST /reg<kind>)
// and `unregister` (DELETE /reg<kind>/{Name}). Written once, generic over the kind.
import ArgumentParser
import Foundation

/// One mapped kind as these commands need it.
protocol MappedKindSpec {
    /// The REST path segment: "securitygroup", "vm", …
    static var pathName: String { get }
    /// The group's command name in examples: "securitygroup", "vm", …
    static var command: String { get }
    /// "security group", "VM", …
    static var noun: String { get }
    /// An example resource name: "sg-01".
    static var example: String { get }
}

/// `/all<kind>` as a table: one row per resource, with where it lives (both, only the host's map, only the cloud).
enum AllListTable {
    static let spec = TableSpec(list: "rows", [("NAME", "NameId"), ("CSP ID", "SystemId"), ("WHERE", "Where")])

    static func rows(_ value: Any) -> Any {
        let all = (value as? [String: Any])?["AllList"] as? [String: Any] ?? [:]
        var rows: [[String: Any]] = []
        for (key, label) in [("MappedList", "mapped"), ("OnlySpiderList", "only spider (gone from the cloud)"),
                             ("OnlyCSPList", "only cloud (not registered)")] {
            for case var iid as [String: Any] in all[key] as? [Any] ?? [] {
                iid["Where"] = label
                rows.append(iid)
            }
        }
        return ["rows": rows]
    }
}

struct ListAllCommand<Kind: MappedKindSpec>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "listall",
            abstract: "Every \(Kind.noun) of the connection: registered here, only here (gone from the cloud), or only in the cloud.",
            discussion: "Example: spctl \(Kind.command) listall -c aws-ohio")
    }
    @OptionGroup var global: GlobalOptions
    @OptionGroup var connection: ConnectionOption
    func run() throws {
        try Session(global).run("GET", "/all\(Kind.pathName)" + query([("ConnectionName", try connection.required())]),
                                table: AllListTable.spec, reshape: AllListTable.rows)
    }
}

struct DeleteCSPCommand<Kind: MappedKindSpec>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "deletecsp",
            abstract: "Delete a \(Kind.noun) in the cloud by its cloud ID (registered or not).",
            discussion: "Example: spctl \(Kind.command) deletecsp -c aws-ohio --id <CSP ID>")
    }
    @OptionGroup var global: GlobalOptions
    @OptionGroup var connection: ConnectionOption
    @Option(name: .customLong("id"), help: "The cloud's ID of the \(Kind.noun).") var id: String
    func run() throws {
        try Session(global).run("DELETE", "/csp\(Kind.pathName)/\(segment(id))", json: ["ConnectionName": try connection.required()])
    }
}

struct RegisterKindCommand<Kind: MappedKindSpec>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "register",
            abstract: "Bring an existing cloud \(Kind.noun) under a name (the cloud is asked first).",
            discussion: """
                Examples:
                  spctl \(Kind.command) register -c aws-ohio --name \(Kind.example) --csp-id <CSP ID>
                  spctl \(Kind.command) register -d '{"ConnectionName":"aws-ohio",
                    "ReqInfo":{"Name":"\(Kind.example)","CSPId":"<CSP ID>"}}'
                """)
    }
    @OptionGroup var global: GlobalOptions
    @OptionGroup var connection: ConnectionOption
    @OptionGroup var register: RegisterOptions
    func run() throws { try register.run(Kind.pathName, global: global, connection: connection) }
}

struct UnregisterKindCommand<Kind: MappedKindSpec>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "unregister",
            abstract: "Forget a \(Kind.noun)'s name; the cloud keeps the resource.",
            discussion: "Example: spctl \(Kind.command) unregister -c aws-ohio -n \(Kind.example)")
    }
    @OptionGroup var global: GlobalOptions
    @OptionGroup var connection: ConnectionOption
    @OptionGroup var name: NameOption
    func run() throws {
        try Session(global).run("DELETE", "/reg\(Kind.pathName)/\(segment(try name.required()))",
                                json: ["ConnectionName": try connection.required()])
    }
}

/// What `register` takes, with -d or flags (shared by `spctl <kind> register` and `spctl register <kind>`).
struct RegisterOptions: ParsableArguments {
    @OptionGroup var data: DataOption
    @Option(name: [.customShort("n"), .customLong("name")], help: "The name to give it.") var name: String?
    @Option(name: .customLong("csp-id"), help: "The cloud's ID of the existing resource.") var cspID: String?
    @Option(name: .customLong("vpc"), help: "The VPC it belongs to (subnets).") var vpc: String?

    func run(_ pathName: String, global: GlobalOptions, connection: ConnectionOption) throws {
        var body = try data.object() ?? [:]
        var info = body["ReqInfo"] as? [String: Any] ?? [:]
        if let name { info["Name"] = name }
        if let cspID { info["CSPId"] = cspID }
        if let vpc { info["VPCName"] = vpc }
        guard info["Name"] != nil else { throw SpctlFailure(.usage, "a name is required: --name <Name> (or ReqInfo.Name in -d)") }
        guard info["CSPId"] != nil else { throw SpctlFailure(.usage, "the cloud's ID is required: --csp-id <ID> (or ReqInfo.CSPId in -d)") }
        body["ReqInfo"] = info
        body["ConnectionName"] = try connection.required(body)
        try Session(global).run("POST", "/reg\(pathName)", json: body)
    }
}
