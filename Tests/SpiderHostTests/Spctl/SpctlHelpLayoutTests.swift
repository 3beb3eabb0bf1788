// `spctl ... --help` off a terminal is wrapped at 80 columns; an example command line that is too long
// gets its tail moved to column 0, where it no longer reads (or pastes) as part of the command.
// Every command's help is walked from the root's SUBCOMMANDS, so a new verb is checked too.
import Foundation
import Testing

@Suite("spctl help layout")
struct SpctlHelpLayoutTests {
    /// The widest an example line may be: two columns short of the wrap, so it stays clear of it.
    static let widest = 78

    /// Problems in the help's text before `USAGE:`: an example line (`  spctl ...`, `Example: spctl ...`)
    /// or its continuation (indented, after it: a `\` line break or a multi-line quoted -d) followed by a
    /// line at column 0 (the wrap), or an example line wider than `widest`.
    static func layoutProblems(_ help: String) -> [String] {
        var problems: [String] = []
        var afterExample = false
        for line in help.components(separatedBy: "\n") {
            if line.hasPrefix("USAGE:") { break }
            let startsExample = line.hasPrefix("  spctl") || line.hasPrefix("Example: spctl") || line.hasPrefix("Examples: spctl")
            let continues = afterExample && line.hasPrefix("    ")
            if afterExample, !line.isEmpty, line.first != " " { problems.append("wrapped to column 0: \(line)") }
            if (startsExample || continues), line.count > widest { problems.append("wider than \(widest): \(line)") }
            afterExample = startsExample || continues
        }
        return problems
    }

    /// `spctl <path> --help` with COLUMNS=80 (not a terminal), its stdout.
    static func help(_ path: [String], in folder: TempFolder) throws -> String {
        let output = folder.file("help-\(UUID().uuidString.prefix(8)).out")
        var env = ProcessInfo.processInfo.environment
        env["COLUMNS"] = "80"
        let pid = try ChildProcess.spawn(Spctl.binary, path + ["--help"], outputPath: output, environment: env)
        let exit = ChildProcess.wait(pid, seconds: 60) ?? ChildProcess.kill9(pid)
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        try #require(exit == .code(0), "spctl \((path + ["--help"]).joined(separator: " ")) → \(exit)\n\(text)")
        return text
    }

    @Test("the detector sees a wrapped example, a wrapped continuation and a too-wide line, and passes a good help")
    func detector() {
        let wrapped = "Examples:\n  spctl vm start -c aws-ohio --name vm-01 --image ami-0abc --spec t3.micro\n--vpc vpc-01\n\nUSAGE: x\n"
        #expect(Self.layoutProblems(wrapped) == ["wrapped to column 0: --vpc vpc-01"])
        let continuation = "Examples:\n  spctl vpc create -d '{\"ConnectionName\":\"aws-ohio\",\n    \"ReqInfo\":{\"Name\":\"vpc-01\",\n\"IPv4_CIDR\":\"10.0.0.0/16\"}}'\n"
        #expect(Self.layoutProblems(continuation).count == 1)
        let inline = "Example: spctl nlb set-healthchecker -c aws-ohio -n nlb-01 --health-checker\nTCP:9090:10:5:3\n"
        #expect(Self.layoutProblems(inline).count == 1)
        let wide = "Examples:\n  spctl register vm -c aws-ohio --name vm-imported --csp-id i-0123456789abcdef0\n"
        #expect(Self.layoutProblems(wide).count == 1)
        let good = "Examples:\n  spctl vm start -c aws-ohio --name vm-01 \\\n    --vpc vpc-01\n\nProse at column 0 after a blank line.\nUSAGE: spctl vm start <options>\n--long-option-lines-after-usage-are-not-examples\n"
        #expect(Self.layoutProblems(good).isEmpty)
    }

    @Test("every command's examples fit 80 columns: none wrapped, none wider than 78")
    func everyCommand() throws {
        let folder = try TempFolder(prefix: "spctl-help")
        var problems: [String] = []
        var visited: [String] = []
        func walk(_ path: [String]) throws {
            let help = try Self.help(path, in: folder)
            visited.append(path.joined(separator: " "))
            for problem in Self.layoutProblems(help) { problems.append("spctl \(path.joined(separator: " ")) --help: \(problem)") }
            #expect(path.count < 4, "unexpectedly deep: \(path)")
            guard path.count < 4 else { return }
            for sub in SpctlResourceHelpTests.subcommands(help) where sub != "help" { try walk(path + [sub]) }
        }
        try walk([])
        // The walk must really reach the groups and their verbs (a help format change must not empty it).
        for command in ["vm start", "vpc create", "credential create", "cluster nodegroup add", "register", "deploy"] {
            #expect(visited.contains(command), "not reached: spctl \(command)")
        }
        #expect(visited.count > 100, "only \(visited.count) commands reached")
        if !problems.isEmpty {
            Issue.record("\(problems.count) example lines break at 80 columns:\n\(problems.joined(separator: "\n"))")
        }
    }
}
