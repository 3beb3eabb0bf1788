// Shell completion scripts: `spctl --generate-completion-script bash|zsh|fish` succeeds and knows
// the command groups (and their verbs), so installing it is worth something. No host needed.
import Foundation
import Testing

@Suite("spctl completion")
struct SpctlCompletionTests {
    @Test("bash, zsh and fish scripts name the groups and their verbs", arguments: ["bash", "zsh", "fish"])
    func script(_ shell: String) throws {
        let (code, out, err) = try run(["--generate-completion-script", shell])
        #expect(code == 0, "\(shell): exit \(code)\n\(err)")
        // Option names without their dashes: fish writes `-l 'connections'`.
        for word in ["vpc", "dashboard", "deploy", "destroy", "add-subnet", "connections", "save-keys", "slow-ms"] {
            #expect(out.contains(word), "\(shell) completion lacks '\(word)'")
        }
        #expect(out.count > 1000, "\(shell): a real script, not a message")
    }

    @Test("every command group's --help shows an example")
    func helpExamples() throws {
        for group in ["dashboard", "destroy", "deploy", "all-resource"] {
            let (code, out, _) = try run([group, "--help"])
            #expect(code == 0 && out.contains("Example"), "\(group) --help:\n\(out)")
        }
    }

    /// Runs the built spctl (beside spiderd) with no terminal; exit code, stdout, stderr.
    private func run(_ arguments: [String]) throws -> (Int32, String, String) {
        let folder = try TempFolder(prefix: "spctl-completion")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Spctl.binary)
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
