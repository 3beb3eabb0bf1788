// Every resource command's --help shows an example (the groups are walked through their own help,
// so a new verb without one is caught).
import Foundation
import Testing

@Suite("spctl resource help")
struct SpctlResourceHelpTests {
    /// The subcommand names a group's --help lists (first name of each line under SUBCOMMANDS).
    static func subcommands(_ help: String) -> [String] {
        guard let start = help.range(of: "SUBCOMMANDS:") else { return [] }
        var names: [String] = []
        for line in help[start.upperBound...].split(separator: "\n") {
            if line.contains("See '") { break }  // the footer
            guard line.hasPrefix("  "), let first = line.dropFirst(2).first, first.isLowercase, let word = line.split(separator: " ").first
            else { continue }
            names.append(String(word).trimmingCharacters(in: CharacterSet(charactersIn: ",")))
        }
        return names
    }

    @Test("every verb of securitygroup, keypair, vm, disk, myimage, nlb, cluster, nodegroup, register, unregister has an example")
    func examples() throws {
        let host = try HostProcess()
        var missing: [String] = []
        func walk(_ path: [String]) throws {
            let help = try Spctl.must(host, path + ["--help"]).stdout
            let subs = Self.subcommands(help)
            if subs.isEmpty, !help.contains("Example") { missing.append(path.joined(separator: " ")) }
            #expect(path.count < 4, "unexpectedly deep: \(path)")
            guard path.count < 4 else { return }
            for sub in subs where sub != "help" { try walk(path + [sub]) }
        }
        for group in ["securitygroup", "keypair", "vm", "disk", "myimage", "nlb", "cluster", "nodegroup", "register", "unregister"] {
            try walk([group])
        }
        #expect(missing.isEmpty, "without an example: \(missing)")
        #expect(Self.subcommands(try Spctl.must(host, ["sg", "--help"]).stdout).contains("add-rules"))
    }
}
