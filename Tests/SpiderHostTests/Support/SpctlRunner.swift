// Runs the built spctl (beside spiderd) against a test's host, as a user would from a shell (not a
// terminal, so JSON output unless -o says otherwise), keeping stdout, stderr and the exit code apart.
import Foundation
import Testing

struct SpctlResult: CustomStringConvertible {
    var exit: ChildProcess.Exit
    var stdout: String
    var stderr: String
    var code: Int32? { if case .code(let c) = exit { c } else { nil } }
    /// stdout parsed as a JSON object (empty when it is not one).
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any] ?? [:] }
    var description: String { "\(exit)\n--- stdout ---\n\(stdout)\n--- stderr ---\n\(stderr)" }
}

enum Spctl {
    static var binary: String { (TestPaths.spiderd as NSString).deletingLastPathComponent + "/spctl" }

    /// `spctl <arguments>` with SPIDER_SOCKET set to the host's socket; `stdin` is fed to it when given.
    /// With `asNobody` (the test must run as root) spctl runs as uid/gid 65534 through setpriv.
    static func run(_ host: HostProcess, _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
                    asNobody: Bool = false, seconds: Double = 120) throws -> SpctlResult {
        let folder = host.folder
        let tag = UUID().uuidString.prefix(8)
        let out = folder.file("spctl-\(tag).out"), err = folder.file("spctl-\(tag).err"), input = folder.file("spctl-\(tag).in")
        try (stdin ?? "").write(toFile: input, atomically: true, encoding: .utf8)
        var env = ProcessInfo.processInfo.environment
        env["SPIDER_SOCKET"] = host.socketPath
        env["NO_COLOR"] = nil
        for (k, v) in environment { env[k] = v }
        // sh does the redirections: three separate streams, no terminal.
        let command = "exec \"$0\" \"$@\" <\"\(input)\" >\"\(out)\" 2>\"\(err)\""
        let program = asNobody ? ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", binary] : [binary]
        let pid = try ChildProcess.spawn("/bin/sh", ["-c", command] + program + arguments, outputPath: folder.file("spctl-\(tag).sh.log"),
                                         environment: env)
        let exit = ChildProcess.wait(pid, seconds: seconds) ?? ChildProcess.kill9(pid)
        return SpctlResult(exit: exit, stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                           stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }

    /// Runs and requires exit code `code` (0 by default).
    @discardableResult
    static func must(_ host: HostProcess, _ arguments: [String], code: Int32 = 0, stdin: String? = nil,
                     sourceLocation: SourceLocation = #_sourceLocation) throws -> SpctlResult {
        let r = try run(host, arguments, stdin: stdin)
        try #require(r.code == code, "spctl \(arguments.joined(separator: " ")) → \(r)\n\(host.logTail(1500))", sourceLocation: sourceLocation)
        return r
    }
}
