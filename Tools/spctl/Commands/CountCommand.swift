// spctl count <kind>: how many resources of a kind the host maps, on one connection or on all
// (from the host's map, no cloud call).
import ArgumentParser
import Foundation

struct CountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "count", abstract: "How many resources of a kind the host maps (one connection or all).",
        discussion: """
            Kinds: \(kinds.joined(separator: ", ")) (sg and key also do).
            Examples:
              spctl count vpc
              spctl count vm -c aws-ohio
            """)

    static let kinds = ["vpc", "subnet", "securitygroup", "keypair", "vm", "disk", "myimage", "nlb", "cluster"]
    static let aliases = ["sg": "securitygroup", "key": "keypair"]

    @OptionGroup var global: GlobalOptions
    @OptionGroup var connection: ConnectionOption
    @Argument(help: "The kind of resource.") var kind: String

    func run() throws {
        let lowered = kind.lowercased()
        let path = Self.aliases[lowered] ?? lowered
        guard Self.kinds.contains(path) else {
            throw SpctlFailure(.usage, "'\(kind)' is not a kind the host counts; kinds: \(Self.kinds.joined(separator: ", "))")
        }
        let suffix = connection.connection.map { "/" + segment($0) } ?? ""
        try Session(global).run("GET", "/count\(path)\(suffix)", table: TableSpec([("COUNT", "count")]))
    }
}
