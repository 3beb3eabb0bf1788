// Starts a program with posix_spawn (stdin from /dev/null, stdout and stderr to one file),
// and waits for it with waitpid. Only processes started here are ever signalled.
import Foundation
import Glibc

enum ChildProcess {
    /// glibc's posix_spawn_file_actions_addclosefrom_np (2.34+), looked up at run time: the child
    /// must not inherit the test runner's sockets.
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let closeFrom: CloseFrom? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()

    /// Spawns `program` with `arguments`, appending its output to `outputPath`. Returns the pid.
    /// With `blockingStopSignals`, the child starts with SIGTERM and SIGINT blocked, as some supervisors
    /// start their children.
    static func spawn(_ program: String, _ arguments: [String], outputPath: String,
                      environment: [String: String]? = nil, blockingStopSignals: Bool = false) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        if let closeFrom { _ = closeFrom(&actions, 3) }
        // Start as from a shell: no blocked signals (the test runner's threads block some, and a
        // child would inherit that mask and never see SIGTERM) and default actions.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), defaults = sigset_t()
        sigemptyset(&none)
        sigemptyset(&defaults)
        if blockingStopSignals { sigaddset(&none, SIGTERM); sigaddset(&none, SIGINT) }
        for sig in [SIGTERM, SIGINT, SIGPIPE] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var env = environment ?? ProcessInfo.processInfo.environment
        env["LISTEN_PID"] = nil   // never let the child think systemd handed it a socket
        env["LISTEN_FDS"] = nil
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, program, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw TestFailure("cannot start \(program): \(String(cString: strerror(rc)))") }
        return pid
    }

    /// How a child ended.
    enum Exit: Equatable, CustomStringConvertible {
        case code(Int32)
        case signal(Int32)
        var description: String {
            switch self {
            case .code(let c): "exit code \(c)"
            case .signal(let s): "signal \(s)"
            }
        }
    }

    /// Reaps the child if it has ended; nil while it still runs.
    static func poll(_ pid: pid_t) -> Exit? {
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        guard r == pid else { return nil }
        return decode(status)
    }

    /// Waits up to `seconds` (polling); nil when the child is still running after that.
    static func wait(_ pid: pid_t, seconds: Double) -> Exit? {
        let steps = Int(seconds * 100)
        for _ in 0...steps {
            if let exit = poll(pid) { return exit }
            usleep(10_000)
        }
        return nil
    }

    /// SIGKILL and reap: the last resort for a child that does not stop.
    static func kill9(_ pid: pid_t) -> Exit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return decode(status)
    }

    private static func decode(_ status: Int32) -> Exit {
        let signal = status & 0x7f
        return signal == 0 ? .code((status >> 8) & 0xff) : .signal(signal)
    }

    /// Runs a program to completion (bounded) and returns its exit and output.
    static func run(_ program: String, _ arguments: [String], in folder: TempFolder, seconds: Double = 120) throws -> (Exit, String) {
        let output = folder.file("run-\(UUID().uuidString.prefix(8)).log")
        let pid = try spawn(program, arguments, outputPath: output)
        let exit = wait(pid, seconds: seconds) ?? kill9(pid)
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        return (exit, text)
    }
}
