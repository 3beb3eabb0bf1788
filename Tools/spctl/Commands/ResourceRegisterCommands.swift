// spctl register <kind> / spctl unregister <kind>: bring an existing cloud resource under a name, or
// forget a name (the cloud keeps the resource), for every mapped kind — the same as
// `spctl <kind> register|unregister`, with the kind as an argument (and subnets, which need their VPC).
import ArgumentParser
import Foundation

enum MappedKindName {
    static let all = ["vpc", "subnet", "securitygroup", "keypair", "vm", "disk", "myimage", "nlb", "cluster"]
    static let aliases = ["sg": "securitygroup", "security": "securitygroup"]

    static func path(_ kind: String) throws -> String {
        let k = aliases[kind.lowercased()] ?? kind.lowercased()
        guard all.contains(k) else { throw SpctlFailure(.usage, "unknown kind '\(kind)'; one of \(all.joined(separator: ", "))") }
        return k
    }
}

struct ResourceRegisterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register", abstract: "Bring an existing cloud resource under a name (the cloud is asked first).",
        discussion: """
            Kinds: \(MappedKindName.all.joined(separator: ", ")). A subnet also needs --vpc.
            Examples:
              spctl register vm -c aws-ohio --name vm-imported \\
                --csp-id i-0123456789abcdef0
              spctl register subnet -c aws-ohio --vpc vpc-01 --name subnet-09 \\
                --csp-id subnet-0abc
              spctl register keypair -d '{"ConnectionName":"aws-ohio",
                "ReqInfo":{"Name":"kp-old","CSPId":"kp-0abc"}}'
            """)
    @OptionGroup var global: GlobalOptions
    @OptionGroup var connection: ConnectionOption
    @Argument(help: "The kind of resource.") var kind: String
    @OptionGroup var register: RegisterOptions
    func run() throws { try register.run(try MappedKindName.path(kind), global: global, connection: connection) }
}

struct ResourceUnregisterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unregister", abstract: "Forget a resource's name; the cloud keeps the resource.",
        discussion: """
            Kinds: \(MappedKindName.all.joined(separator: ", ")). A subnet's VPC is found when only one maps that name; else --vpc.
            Examples:
              spctl unregister vm -c aws-ohio -n vm-imported
              spctl unregister subnet -c aws-ohio --vpc vpc-01 -n subnet-09
            """)
    @OptionGroup var global: GlobalOptions
    @OptionGroup var connection: ConnectionOption
    @Argument(help: "The kind of resource.") var kind: String
    @OptionGroup var name: NameOption
    @Option(name: .customLong("vpc"), help: "The subnet's VPC.") var vpc: String?
    func run() throws {
        let path = "/reg\(try MappedKindName.path(kind))/\(segment(try name.required()))" + query([("VPCName", vpc)])
        try Session(global).run("DELETE", path, json: ["ConnectionName": try connection.required()])
    }
}
