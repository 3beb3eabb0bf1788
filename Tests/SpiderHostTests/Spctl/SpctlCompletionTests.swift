// Shell completion scripts: `spctl --generate-completion-script bash|zsh|fish` succeeds and knows
// the command groups (and their verbs), so installing it is worth something. No host needed.
import Foundation
import Testing

@Suite("spctl completion")
struct SpctlCompletionTests {
    @Test("bash, zsh and fish scripts name every command group and their verbs", arguments: ["bash", "zsh", "fish"])
    func script(_ shell: String) throws {
        let (code, out, err) = try run(["--generate-completion-script", shell])
        #expect(code == 0, "\(shell): exit \(code)\n\(err)")
        let groups = try commandGroups()
        #expect(groups.contains("vpc") && groups.contains("deploy") && groups.count > 20, "\(groups)")
        // Option names without their dashes: fish writes `-l 'connections'`.
        for word in groups + ["add-subnet", "connections", "save-keys", "slow-ms"] {
            #expect(out.contains(word), "\(shell) completion lacks '\(word)'")
        }
    }

    /// The bash script really completes: a group's verbs and options, `dep` to `deploy`.
    @Test("bash completes every group's options, verbs and the group names")
    func bashCompletes() throws {
        guard FileManager.default.isExecutableFile(atPath: "/bin/bash") else { return }
        let folder = try TempFolder(prefix: "spctl-bash")
        let (_, script, _) = try run(["--generate-completion-script", "bash"])
        try script.write(toFile: folder.file("spctl.bash"), atomically: true, encoding: .utf8)
        let groups = try commandGroups()
        // `spctl <group> -<TAB>` for every group, then `spctl dep<TAB>` and `spctl vpc add-<TAB>`.
        let probe = """
            source \(folder.file("spctl.bash"))
            complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
              _spctl spctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"; echo "$1 $2: ${COMPREPLY[*]}"; }
            for g in \(groups.joined(separator: " ")); do complete_words spctl "$g" -; done
            complete_words spctl dep
            complete_words spctl vpc add-
            """
        try probe.write(toFile: folder.file("probe.sh"), atomically: true, encoding: .utf8)
        let (code, out, err) = try run([folder.file("probe.sh")], executable: "/bin/bash")
        #expect(code == 0, "\(err)")
        let lines = out.split(separator: "\n").map(String.init)
        for g in groups {
            #expect(lines.contains { $0.hasPrefix("spctl \(g): ") && $0.contains("--help") }, "spctl \(g) -<TAB>: \(out)")
        }
        #expect(lines.contains("spctl dep: deploy"), "\(out)")
        #expect(lines.contains("spctl vpc: add-subnet"), "\(out)")
    }

    /// The groups `spctl --help` lists (first name of each).
    private func commandGroups() throws -> [String] {
        let (_, help, _) = try run(["--help"])
        guard let start = help.range(of: "SUBCOMMANDS:") else { return [] }
        return help[start.upperBound...].split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  "), let first = line.dropFirst(2).first, first.isLowercase else { return nil }
            return line.split(separator: " ").first.map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: ",")) }
        }
    }

    @Test("every command group's --help shows an example")
    func helpExamples() throws {
        for group in ["dashboard", "destroy", "deploy", "all-resource"] {
            let (code, out, _) = try run([group, "--help"])
            #expect(code == 0 && out.contains("Example"), "\(group) --help:\n\(out)")
        }
    }

    /// Runs the built spctl (beside spiderd), or `executable`, with no terminal; exit code, stdout, stderr.
    private func run(_ arguments: [String], executable: String = Spctl.binary) throws -> (Int32, String, String) {
        let folder = try TempFolder(prefix: "spctl-completion")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = folder.file("out"), err = folder.file("err")
        FileManager.default.createFile(atPath: out, contents: nil)
        FileManager.default.createFile(atPath: err, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }
}
