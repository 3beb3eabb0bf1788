// Starts a program with posix_spawn (stdin from /dev/null, stdout and stderr to one file),
// and waits for its end (a pidfd, then waitpid). Only processes started here are ever signalled.
import Foundation
import Glibc
import Synchronization

public enum ChildProcess {
    /// glibc's posix_spawn_file_actions_addclosefrom_np (2.34+), looked up at run time: the child
    /// must not inherit the test runner's sockets.
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let closeFrom: CloseFrom? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()

    /// Spawns `program` with `arguments`, appending its output to `outputPath`. Returns the pid.
    /// With `blockingStopSignals`, the child starts with SIGTERM and SIGINT blocked, as some supervisors
    /// start their children; with `notifySocket`, it gets that NOTIFY_SOCKET (sd_notify) and no other.
    public static func spawn(_ program: String, _ arguments: [String], outputPath: String,
                      environment: [String: String]? = nil, blockingStopSignals: Bool = false,
                      notifySocket: String? = nil) throws -> pid_t {
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
        env["NOTIFY_SOCKET"] = notifySocket
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, program, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw EventFailure("cannot start \(program): \(String(cString: strerror(rc)))") }
        return pid
    }

    /// How a child ended.
    public enum Exit: Equatable, Sendable, CustomStringConvertible {
        case code(Int32)
        case signal(Int32)
        public var description: String {
            switch self {
            case .code(let c): "exit code \(c)"
            case .signal(let s): "signal \(s)"
            }
        }
    }

    /// Reaps the child if it has ended; nil while it still runs.
    public static func poll(_ pid: pid_t) -> Exit? {
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        guard r == pid else { return nil }
        return decode(status)
    }

    /// Waits for the child to end (its pidfd) for at most `seconds`; nil when it still runs then.
    public static func wait(_ pid: pid_t, seconds: Double) -> Exit? {
        guard let watch = try? ProcessWatch(pid) else { return poll(pid) }
        return EventWait.until([watch], boundSeconds: seconds) { poll(pid) }
    }

    /// Waits until the child has stopped (SIGSTOP, raised by itself) without reaping it; false when it
    /// ended instead or the bound passed. waitid blocks on its own thread so the bound holds.
    public static func waitUntilStopped(_ pid: pid_t, boundSeconds: Double = 60) -> Bool {
        let outcome = Atomic<Int32>(0)   // 0 none yet, 1 stopped, 2 ended or failed
        let seen = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var info = siginfo_t()
            let rc = waitid(P_PID, id_t(pid), &info, WSTOPPED | WEXITED | WNOWAIT)
            outcome.store(rc == 0 && info.si_code == CLD_STOPPED ? 1 : 2, ordering: .sequentiallyConsistent)
            seen.signal()
        }
        _ = seen.wait(timeout: .now() + boundSeconds)
        return outcome.load(ordering: .sequentiallyConsistent) == 1
    }

    /// SIGKILL and reap: the last resort for a child that does not stop.
    public static func kill9(_ pid: pid_t) -> Exit {
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
    public static func run(_ program: String, _ arguments: [String], logIn folder: String, seconds: Double = 120) throws -> (Exit, String) {
        let output = folder + "/run-\(UUID().uuidString.prefix(8)).log"
        let pid = try spawn(program, arguments, outputPath: output)
        let exit = wait(pid, seconds: seconds) ?? kill9(pid)
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        return (exit, text)
    }
}
