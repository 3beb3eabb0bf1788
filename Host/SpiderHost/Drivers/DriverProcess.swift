// One running `spider-driver-host` with one driver in it: started with a clean slate (its socket on
// fd 3, nothing else open, an empty signal mask, its own process group, a memory limit), then
// requests go to it and answers come back matched by id, any number at once. Its log lines and
// whatever it prints reach spiderd's log. When it ends — a crash, exit(), the memory limit, a kill —
// every request still waiting fails with how it ended and its last words.
import DriverWire
import Foundation
import Glibc
import Logging
import NIOConcurrencyHelpers
import SpiderDriverABI
import Synchronization

final class DriverProcess: Sendable {
    /// How to start one: the helper program and what it gets.
    struct Launch: Sendable {
        var helperPath: String
        var memoryLimitMB: Int
        /// Try channels to open (driver_wire.h): one per I/O thread, the threads that call try_call.
        var tryChannels: Int
        /// Seconds before the first restart after the process ended; doubles with each end in a row.
        var restartPause: Double
        var logger: Logger
    }

    let pid: pid_t
    let generation: Int
    let abiVersion: UInt32
    let offersTryCall: Bool
    private let fd: Int32
    private let tryChannels: TryChannels
    private let label: String
    private let logger: Logger
    /// Held while a frame is written; true once the socket is closed (its number may be reused).
    /// A pthread lock, not a Mutex: a writer is often preempted inside send() by the process it
    /// wakes, and Mutex's spinning then burns the CPU that process needs (measured: 11% of it).
    private let writing = NIOLockedValueBox(false)
    private let state = Mutex(State())
    private let lastWords = Mutex<[String]>([])
    private let stderrDone = DispatchSemaphore(value: 0)
    /// What to do when the process ends; nil once it has run.
    private let endHandler = Mutex<(@Sendable (String) -> Void)?>(nil)
    /// Set when spiderd ends the process on purpose (it is stopping): its end is no news then.
    private let stopping = Atomic<Bool>(false)
    /// Why the watchdog ended it (it stopped answering), for the reason its calls fail with.
    private let killedBecause = Mutex<String?>(nil)
    /// A PING sent because a call is long past its deadline: when (monotonic ns), until its PONG.
    private let pingSent = Mutex<UInt64?>(nil)

    private struct State {
        var nextID: UInt64 = 1
        var waiting: [UInt64: Waiter] = [:]
        var ended: String?
    }

    /// One request waiting for its answer.
    private final class Waiter: Sendable {
        let done = DispatchSemaphore(value: 0)
        let answer = Mutex<Result<WireFrame, Ended>?>(nil)
        let call: CallState?
        init(call: CallState?) { self.call = call }
        func finish(_ result: Result<WireFrame, Ended>) {
            answer.withLock { $0 = $0 ?? result }
            done.signal()
        }
    }

    /// The process ended (the text says how, with its last words).
    struct Ended: Error, Sendable { let reason: String }

    /// Why starting failed: the driver could not be loaded in the helper, or the helper not started.
    struct StartFailure: Error { let reason: String }

    /// Starts the helper, hands it the driver, and waits for its READY.
    static func start(_ driver: InstalledDriver, dataDir: String, generation: Int, launch: Launch) throws(StartFailure) -> DriverProcess {
        guard FileManager.default.isExecutableFile(atPath: launch.helperPath) else {
            throw StartFailure(reason: "its helper program \(launch.helperPath) is missing (build it: swift build --product spider-driver-host)")
        }
        var pair: [Int32] = [-1, -1], output: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            throw StartFailure(reason: "socketpair: \(String(cString: strerror(errno)))")
        }
        guard spider_wire_pipe(&output) == 0 else {
            close(pair[0]); close(pair[1])
            throw StartFailure(reason: "pipe2: \(String(cString: strerror(errno)))")
        }
        var channels: [[Int32]] = []   // [ours, the helper's] for each try channel
        for _ in 0..<max(0, launch.tryChannels) {
            var channel: [Int32] = [-1, -1]
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &channel) == 0 else { break }
            channels.append(channel)
        }
        let pid: pid_t
        do {
            pid = try spawn(launch, socket: pair[1], tryChannels: channels.map { $0[1] }, output: output[1])
        } catch {
            (pair + output + channels.flatMap { $0 }).forEach { close($0) }
            throw error
        }
        close(pair[1])
        close(output[1])
        channels.forEach { close($0[1]) }
        let tryChannels = TryChannels(fds: channels.map { $0[0] })
        let hello = WireFrame(kind: SPIDER_WIRE_HELLO, id: UInt64(SPIDER_WIRE_VERSION), a: Int64(DriverLoader.hostABIRange.lowerBound),
                              b: Int64(DriverLoader.hostABIRange.upperBound),
                              fields: [Array(driver.libraryPath.utf8), Array(dataDir.utf8), Array(driver.label.utf8)])
        let reply: WireFrame
        do {
            guard hello.write(to: pair[0]) else { throw WireFrame.ReadError.ended }
            reply = try Self.firstReply(pair[0], seconds: 60)
        } catch {
            kill(pid, SIGKILL)
            let ended = Self.reap(pid)
            let words = Self.drain(output[0])
            close(pair[0])
            tryChannels.close()
            throw StartFailure(reason: "its process ended while it started (\(ended))\(words.isEmpty ? "" : "; it said: " + words.joined(separator: " / "))")
        }
        let name = reply.text(0) ?? "", version = reply.text(1) ?? ""
        let refusal = reply.kind != SPIDER_WIRE_READY ? reply.text(0) ?? "its process could not load it"
            : name != driver.manifest.name || version != driver.manifest.version
            ? "the library says it is \(name) \(version) but its manifest says \(driver.manifest.name) \(driver.manifest.version)" : nil
        if let refusal {
            kill(pid, SIGKILL)
            _ = Self.reap(pid)
            close(pair[0]); close(output[0])
            tryChannels.close()
            throw StartFailure(reason: refusal)
        }
        let process = DriverProcess(pid: pid, generation: generation, abiVersion: UInt32(clamping: reply.a), offersTryCall: reply.b == 1,
                                    fd: pair[0], tryChannels: tryChannels, label: driver.label, logger: launch.logger)
        Watchdog.shared.watch(process)
        let printed = output[0]
        Thread.detachNewThread { process.forwardOutput(printed) }
        Thread.detachNewThread { process.readAnswers() }
        return process
    }

    private init(pid: pid_t, generation: Int, abiVersion: UInt32, offersTryCall: Bool, fd: Int32, tryChannels: TryChannels,
                 label: String, logger: Logger) {
        self.pid = pid
        self.tryChannels = tryChannels
        self.generation = generation
        self.abiVersion = abiVersion
        self.offersTryCall = offersTryCall
        self.fd = fd
        self.label = label
        var tagged = logger
        tagged[metadataKey: "driver"] = .string(label)
        tagged[metadataKey: "pid"] = .string(String(pid))
        self.logger = tagged
    }

    var hasEnded: Bool { state.withLock { $0.ended != nil } }

    /// `handler` runs once when the process ends (at once when it has), after every waiting request failed.
    func onEnd(_ handler: @escaping @Sendable (String) -> Void) {
        let reason = state.withLock { s -> String? in
            if s.ended == nil { endHandler.withLock { $0 = handler } }
            return s.ended
        }
        if let reason { handler(reason) }
    }

    // MARK: requests

    /// Sends `frame` (its id is set here) and waits for the answer, or for the process's end.
    /// A `call` that is cancelled meanwhile (client gone, host stopping) is cancelled in the driver.
    func request(_ frame: WireFrame, call: CallState? = nil) -> Result<WireFrame, Ended> {
        let (id, waiter) = register(call: call)
        guard let waiter else { return .failure(Ended(reason: endedReason)) }
        send(frame, id: id)
        call?.whenCancelled { [weak self] in self?.sendCancel(id) }
        waiter.done.wait()
        return waiter.answer.withLock { $0 } ?? .failure(Ended(reason: endedReason))
    }

    /// A TRY_CALL on a try channel, for an I/O thread: its RESULT within `boundNanos`, or nil (no
    /// channel free, too late, the process ending): then a worker calls instead.
    func tryCall(_ frame: WireFrame, boundNanos: UInt64) -> WireFrame? {
        guard offersTryCall, !hasEnded else { return nil }
        return tryChannels.request(frame, boundNanos: boundNanos)
    }

    /// Sends a frame that needs no answer.
    func post(_ frame: WireFrame) {
        _ = write(frame)
    }

    private func write(_ frame: WireFrame) -> Bool {
        writing.withLockedValue { closed in !closed && frame.write(to: fd) }
    }

    private func register(call: CallState?) -> (UInt64, Waiter?) {
        state.withLock { s in
            guard s.ended == nil else { return (0, nil) }
            let id = s.nextID
            s.nextID += 1
            let waiter = Waiter(call: call)
            s.waiting[id] = waiter
            return (id, waiter)
        }
    }

    private func send(_ frame: WireFrame, id: UInt64) {
        var frame = frame
        frame.id = id
        // A failed write means the socket broke: the reader thread sees the end, reaps the process
        // and fails every registered waiter, this one too, with how it ended (a signal, its last
        // words). Failing it here would answer before that is known. (Registration saw the process
        // not ended, so the reader's list of waiters includes this one.)
        _ = write(frame)
    }

    private func sendCancel(_ id: UInt64) {
        post(WireFrame(kind: SPIDER_WIRE_CANCEL, id: id))
    }

    private var endedReason: String {
        state.withLock { $0.ended } ?? "its process is gone"
    }

    /// Ends the process (SIGKILL; its reader thread reaps it and reports the end).
    func stop() {
        stopping.store(true, ordering: .relaxed)
        kill(pid, SIGKILL)
    }

    // MARK: is it still answering?

    /// Seconds past a call's deadline before the watchdog asks the process whether it still answers,
    /// and how long the answer (PONG) may take before the process is ended as hung.
    static let pingAfter: Double = 5
    static let pongWithin: Double = 5

    /// Seconds a try_call may stay unanswered (the ABI forbids it to block) before the process is ended.
    static var tryCallHungAfter: Double { pingAfter + pongWithin }

    /// One watchdog look (Watchdog): a call long past its deadline means the driver ignores
    /// cancellation (its share of threads bounds that) or the process no longer reads at all (its
    /// reading thread stuck): a PING tells which. No PONG in time ends it. So does a try_call that
    /// blocks: its channel's answer owed for long.
    func checkAnswering(now: UInt64) {
        guard !hasEnded else { return }
        if let asked = tryChannels.oldestLateRequest(), now &- asked > UInt64(Self.tryCallHungAfter * 1e9) {
            endAsHung("a try_call got no answer within \(Int(Self.tryCallHungAfter)) s (try_call must never block)")
            return
        }
        if let sent = pingSent.withLock({ $0 }) {
            guard now &- sent > UInt64(Self.pongWithin * 1e9) else { return }
            endAsHung("a call was \(Int(Self.pingAfter)) s past its deadline and a ping got no answer within \(Int(Self.pongWithin)) s")
            return
        }
        let overdue = state.withLock { s in
            s.waiting.values.contains { waiter in
                guard let call = waiter.call else { return false }
                return now > call.deadlineNanos &+ UInt64(Self.pingAfter * 1e9)
            }
        }
        guard overdue else { return }
        pingSent.withLock { $0 = now }
        Thread.detachNewThread { [self] in
            if case .success = request(WireFrame(kind: SPIDER_WIRE_PING)) { pingSent.withLock { $0 = nil } }
        }
    }

    private func endAsHung(_ detail: String) {
        let why = "it stopped answering: " + detail
        killedBecause.withLock { $0 = $0 ?? why }
        logger.error("the driver's process \(pid): \(why); ending it")
        kill(pid, SIGKILL)
    }

    // MARK: the process's side

    private func readAnswers() {
        var problem: String?
        while true {
            let frame: WireFrame
            do {
                frame = try WireFrame.read(from: fd)
            } catch .ended {
                break
            } catch .malformed(let what) {
                problem = "it sent \(what)"
                break
            } catch {
                break
            }
            switch frame.kind {
            case SPIDER_WIRE_RESULT, SPIDER_WIRE_PONG:
                state.withLock { $0.waiting.removeValue(forKey: frame.id) }?.finish(.success(frame))
            case SPIDER_WIRE_LOG:
                let text = frame.text(0) ?? ""
                switch Int32(frame.a) {
                case Int32(SPIDER_LOG_DEBUG): logger.debug("\(text)")
                case Int32(SPIDER_LOG_WARN): logger.warning("\(text)")
                case Int32(SPIDER_LOG_ERROR): logger.error("\(text)")
                default: logger.info("\(text)")
                }
            case SPIDER_WIRE_PROGRESS:
                state.withLock { $0.waiting[frame.id] }?.call?.recordProgress(UInt64(bitPattern: frame.a))
            default:
                problem = "it sent a frame of unknown kind \(frame.kind)"
            }
            if problem != nil { break }
        }
        kill(pid, SIGKILL)   // it may still run (a malformed frame); reaping below waits for the end either way
        shutdown(fd, Int32(SHUT_RDWR))
        let ended = Self.reap(pid)
        var reason = problem.map { "spiderd ended it: \($0)" } ?? killedBecause.withLock { $0 }.map { "spiderd ended it: \($0)" } ?? ended
        _ = stderrDone.wait(timeout: .now() + 2)   // its last lines, if it printed any before it died
        let words = lastWords.withLock { $0 }
        if !words.isEmpty { reason += "; its last words: " + words.joined(separator: " / ") }
        let (waiting, handler) = state.withLock { s -> ([Waiter], (@Sendable (String) -> Void)?) in
            s.ended = reason
            defer { s.waiting = [:] }
            return (Array(s.waiting.values), endHandler.withLock { h in defer { h = nil }; return h })
        }
        writing.withLockedValue { closed in closed = true; close(fd) }
        tryChannels.close()
        if stopping.load(ordering: .relaxed) {
            logger.debug("the driver's process \(pid) was stopped")
        } else {
            logger.warning("the driver's process \(pid) ended: \(reason)")
        }
        // The owner learns of the end before any waiting caller: a caller's next request must
        // already find the driver restarting (or disabled), not this process.
        handler?(reason)
        waiting.forEach { $0.finish(.failure(Ended(reason: reason))) }
    }

    /// What the process prints goes to spiderd's log; its last lines are kept for the reason it ended.
    private func forwardOutput(_ pipe: Int32) {
        defer { close(pipe); stderrDone.signal() }
        var pending = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(pipe, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            pending.append(contentsOf: chunk[0..<n])
            while let newline = pending.firstIndex(of: 10) {
                emit(String(decoding: pending[..<newline], as: UTF8.self))
                pending.removeSubrange(...newline)
            }
        }
        if !pending.isEmpty { emit(String(decoding: pending, as: UTF8.self)) }
    }

    private func emit(_ line: String) {
        let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return }
        logger.warning("output: \(text)")
        // Stack frames ("12  libc.so.6  0x00007f…") and their headings say where, not what: the
        // last words keep the sentences (glibc's "double free detected", Swift's "Fatal error: …").
        guard !Self.isStackTraceLine(text) else { return }
        lastWords.withLock { words in
            words.append(String(text.prefix(300)))
            if words.count > 3 { words.removeFirst(words.count - 3) }
        }
    }

    static func isStackTraceLine(_ text: String) -> Bool {
        if text.hasPrefix("Current stack trace") || text.hasPrefix("Stack dump") || text.hasPrefix("*** ") { return true }
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        return words.count >= 3 && Int(words[0]) != nil && words.dropFirst().contains { $0.hasPrefix("0x") }
    }

    // MARK: starting and ending

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let closeFrom: CloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map { unsafeBitCast($0, to: CloseFrom.self) }

    /// posix_spawn of the helper: the socket becomes its fd 3, its output the pipe, stdin /dev/null,
    /// nothing else open; an empty signal mask, default dispositions, a process group of its own.
    private static func spawn(_ launch: Launch, socket: Int32, tryChannels: [Int32], output: Int32) throws(StartFailure) -> pid_t {
        // fd 3 must be the socket and 4… the try channels: copies above that range first, so no dup2
        // overwrites a descriptor still to be moved (and none is dup2'd onto itself, which would keep
        // close-on-exec).
        let past = Int32(4 + tryChannels.count)
        let sources = ([socket] + tryChannels).map { fcntl($0, F_DUPFD_CLOEXEC, past) }
        defer { sources.filter { $0 >= 0 }.forEach { close($0) } }
        guard !sources.contains(-1) else { throw StartFailure(reason: "fcntl(F_DUPFD): \(String(cString: strerror(errno)))") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        for (target, source) in sources.enumerated() { posix_spawn_file_actions_adddup2(&actions, source, Int32(3 + target)) }
        guard let closeFrom, closeFrom(&actions, past) == 0 else {
            throw StartFailure(reason: "this C library cannot close a child's other descriptors (posix_spawn_file_actions_addclosefrom_np, glibc 2.34)")
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        let arguments = [launch.helperPath, "--parent", String(getpid())]
            + (tryChannels.isEmpty ? [] : ["--try-channels", String(tryChannels.count)])
            + (launch.memoryLimitMB > 0 ? ["--memory-limit-mb", String(launch.memoryLimitMB)] : [])
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // spiderd's environment (proxies, locale), minus what was meant for spiderd alone. Swift's
        // backtracer stays off unless the operator asked for it: a crashed driver's process should end
        // at once, and its last words be the driver's, not a backtrace.
        var environment = ProcessInfo.processInfo.environment
        for name in ["LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "NOTIFY_SOCKET"] { environment[name] = nil }
        if environment["SWIFT_BACKTRACE"] == nil { environment["SWIFT_BACKTRACE"] = "enable=no" }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        // The helper dies with the thread that spawned it (PR_SET_PDEATHSIG): one thread that lives as
        // long as spiderd spawns them all.
        let (rc, pid) = Spawner.shared.run { () -> (Int32, pid_t) in
            var pid: pid_t = 0
            let rc = posix_spawn(&pid, launch.helperPath, &actions, &attributes, argv, envp)
            return (rc, pid)
        }
        guard rc == 0 else { throw StartFailure(reason: "cannot start \(launch.helperPath): \(String(cString: strerror(rc)))") }
        return pid
    }

    /// The helper's first frame (READY or FAILED), waited for at most `seconds`.
    private static func firstReply(_ fd: Int32, seconds: Int32) throws -> WireFrame {
        var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&ready, 1, seconds * 1000) == 1 else { throw WireFrame.ReadError.malformed("no answer within \(seconds) s") }
        return try WireFrame.read(from: fd)
    }

    /// Waits for the process to end; how it ended, in words.
    private static func reap(_ pid: pid_t) -> String {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return "it ended (its exit status is unknown: \(String(cString: strerror(errno))))" }
        }
        let signal = status & 0x7f
        if signal == 0 { return "it exited with status \((status >> 8) & 0xff)" }
        return "it was killed by \(DriverCrashGuard.describe(signal))"
    }

    /// Whatever the helper printed before it ended (while starting).
    private static func drain(_ pipe: Int32) -> [String] {
        defer { close(pipe) }
        var bytes = [UInt8](), chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(pipe, $0.baseAddress!, $0.count) }
            guard n > 0 else { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").suffix(3).map { String($0.prefix(300)) }
    }
}

/// One thread that looks at every driver process every second (DriverProcess.checkAnswering).
final class Watchdog: Sendable {
    static let shared = Watchdog()
    private let processes = Mutex<[Weak]>([])

    private struct Weak: @unchecked Sendable { weak var process: DriverProcess? }

    private init() {
        Thread.detachNewThread { [self] in
            while true {
                Thread.sleep(forTimeInterval: 1)   // a watchdog's tick, not a wait for an event
                let now = DispatchTime.now().uptimeNanoseconds
                let live = processes.withLock { list -> [DriverProcess] in
                    list.removeAll { $0.process == nil || $0.process!.hasEnded }
                    return list.compactMap(\.process)
                }
                live.forEach { $0.checkAnswering(now: now) }
            }
        }
    }

    func watch(_ process: DriverProcess) {
        processes.withLock { $0.append(Weak(process: process)) }
    }
}
