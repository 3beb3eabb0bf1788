// A driver in a process of its own (DriverProcess): the same calls as a loaded one, carried over a
// socket. When its process ends, the calls in flight fail naming how it ended, its connections open
// again on the next use, and a new process starts after a pause that doubles with each end in a row
// (--driver-restart-pause, 1 s, up to a minute); a driver whose process ended five times within ten
// minutes is disabled until spiderd restarts, with the reason in `GET /spider/driver/installed`.
import DriverWire
import Foundation
import SpiderDriverABI
import Synchronization

final class IsolatedDriver: DriverRuntime, Sendable {
    let installed: InstalledDriver
    let abiVersion: UInt32
    let isolation = DriverIsolation.process
    private let dataDir: String
    private let launch: DriverProcess.Launch
    private let life = Mutex(Life())

    static let maxEndsInWindow = 5
    static let window: UInt64 = 600 * 1_000_000_000
    static let maxPauseSeconds = 60.0
    /// How long an I/O thread waits for a try_call's answer before it sends the read to a worker.
    static let tryCallBoundNanos: UInt64 = 20_000_000

    private struct Life {
        var process: DriverProcess?
        var generation = 0
        var ends: [UInt64] = []        // monotonic times of recent ends
        var restarts = 0
        var lastProblem: String?
        var retryAt: UInt64?           // no new process before then
        var disabled: String?
    }

    /// Starts the driver's first process; a library that cannot be loaded there is refused here.
    init(installed: InstalledDriver, dataDir: String, launch: DriverProcess.Launch, note: String? = nil) throws(DriverProcess.StartFailure) {
        self.installed = installed
        self.dataDir = dataDir
        self.launch = launch
        let first = try DriverProcess.start(installed, dataDir: dataDir, generation: 1, launch: launch)
        abiVersion = first.abiVersion
        life.withLock { l in
            l.generation = 1
            l.process = first
            l.lastProblem = note
        }
        first.onEnd { [weak self] reason in self?.ended(first, reason) }
    }

    private static var now: UInt64 { DispatchTime.now().uptimeNanoseconds }

    private func ended(_ process: DriverProcess, _ reason: String) {
        life.withLock { l in
            guard l.process === process else { return }
            l.process = nil
            let now = Self.now
            l.ends = l.ends.filter { now &- $0 < Self.window } + [now]
            l.lastProblem = reason
            if l.ends.count >= Self.maxEndsInWindow {
                l.disabled = "its process ended \(l.ends.count) times within \(Self.window / 60_000_000_000) minutes (the last time: \(reason))"
            } else {
                let pause = min(Self.maxPauseSeconds, launch.restartPause * pow(2, Double(l.ends.count - 1)))
                l.retryAt = now + UInt64(pause * 1e9)
            }
        }
    }

    /// The running process, started anew when the last one ended and its pause is over.
    private func current() -> Result<DriverProcess, DriverFailure> {
        let decision = life.withLock { l -> Result<DriverProcess, DriverFailure>? in
            if let disabled = l.disabled {
                return .failure(Self.failure(.failed, "driver \(label) is disabled: \(disabled); restart spiderd to try it again"))
            }
            if let process = l.process {
                // Ended a moment ago; its owner is being told (ended(_:_:)) right now.
                if process.hasEnded {
                    return .failure(Self.failure(.retryable, "driver \(label)'s process just ended; it starts again", retryAfterMs: 1000))
                }
                return .success(process)
            }
            if let retryAt = l.retryAt, retryAt > Self.now {
                let ms = UInt32(clamping: (retryAt - Self.now) / 1_000_000)
                return .failure(Self.failure(.retryable, "driver \(label) is restarting: its process ended (\(l.lastProblem ?? "")); "
                                             + "a new one starts in \(ms / 1000 + 1) s", retryAfterMs: max(ms, 1)))
            }
            return nil
        }
        if let decision { return decision }
        // Start outside the lock (it takes a while); whoever starts first wins, the others use it.
        let generation = life.withLock { l in l.generation + 1 }
        let started: DriverProcess
        do {
            started = try DriverProcess.start(installed, dataDir: dataDir, generation: generation, launch: launch)
        } catch {
            life.withLock { l in
                l.lastProblem = error.reason
                l.retryAt = Self.now + 5_000_000_000
            }
            return .failure(Self.failure(.failed, "driver \(label) could not be started again: \(error.reason)"))
        }
        let winner = life.withLock { l -> DriverProcess in
            if let other = l.process { return other }
            l.generation = generation
            l.restarts += 1
            l.retryAt = nil
            l.process = started
            return started
        }
        if winner !== started { started.stop(); return .success(winner) }
        started.onEnd { [weak self] reason in self?.ended(started, reason) }
        return .success(started)
    }

    /// The process a handle belongs to, while it runs.
    private func process(of handle: DriverHandle) -> DriverProcess? {
        life.withLock { l in l.process.flatMap { $0.generation == handle.generation ? $0 : nil } }
    }

    func isLive(_ handle: DriverHandle) -> Bool { process(of: handle)?.hasEnded == false }

    // MARK: the ABI over the wire

    func connect(name: String, credentials: [(key: String, value: String)], region: [(key: String, value: String)])
        -> Result<DriverHandle, DriverFailure>
    {
        let process: DriverProcess
        switch current() {
        case .success(let p): process = p
        case .failure(let f): return .failure(f)
        }
        let fields = [Array(name.utf8)] + (credentials + region).flatMap { [Array($0.key.utf8), Array($0.value.utf8)] }
        let frame = WireFrame(kind: SPIDER_WIRE_CONNECT, a: Int64(credentials.count), b: Int64(region.count), fields: fields)
        switch process.request(frame) {
        case .failure(let ended):
            return .failure(Self.failure(.failed, "driver \(label)'s process ended while it connected: \(ended.reason)"))
        case .success(let answer):
            if let failure = Self.failure(of: answer) { return .failure(failure) }
            return .success(DriverHandle(raw: UInt64(bitPattern: answer.b), generation: process.generation))
        }
    }

    func disconnect(_ handle: DriverHandle) {
        guard let process = process(of: handle) else { return }   // it went with its process
        _ = process.request(WireFrame(kind: SPIDER_WIRE_DISCONNECT, a: Int64(bitPattern: handle.raw)))
    }

    func call(_ handle: DriverHandle, operation: String, request: [UInt8], state: CallState) -> DriverOutcome {
        guard let process = process(of: handle) else { return .failure(gone(operation)) }
        let frame = WireFrame(kind: SPIDER_WIRE_CALL, a: Int64(bitPattern: handle.raw), b: state.remainingMs,
                              fields: [Array(operation.utf8), request])
        switch process.request(frame, call: state) {
        case .failure(let ended):
            return .failure(Self.failure(.failed, "driver \(label) ran \(operation) in its own process, which ended: \(ended.reason); "
                                         + "spiderd and its other drivers go on, and the driver starts again"))
        case .success(let answer):
            return Self.failure(of: answer).map { .failure($0) } ?? .ok(Data(answer.fields.first ?? Array("{}".utf8)))
        }
    }

    func tryCall(_ handle: DriverHandle, operation: String, request: [UInt8]) -> DriverOutcome? {
        guard let process = process(of: handle), process.offersTryCall else { return nil }
        let frame = WireFrame(kind: SPIDER_WIRE_TRY_CALL, a: Int64(bitPattern: handle.raw), fields: [Array(operation.utf8), request])
        guard let answer = process.tryCall(frame, boundNanos: Self.tryCallBoundNanos),
              answer.a != Int64(SPIDER_WIRE_DECLINED) else { return nil }   // declined, late or gone: a worker calls
        return Self.failure(of: answer).map { .failure($0) } ?? .ok(Data(answer.fields.first ?? Array("{}".utf8)))
    }

    var status: DriverRuntimeStatus {
        life.withLock { l in
            let state = l.disabled != nil ? "disabled" : l.process != nil ? "running" : "restarting"
            let retry = l.retryAt.map { at in
                Date(timeIntervalSinceNow: Double(at > Self.now ? at - Self.now : 0) / 1e9)
            }
            return DriverRuntimeStatus(Isolation: isolation.rawValue, State: state, Pid: l.process?.pid, Restarts: l.restarts,
                                       LastProblem: l.disabled ?? l.lastProblem,
                                       RetryAt: l.process == nil ? retry.map { ISO8601DateFormatter().string(from: $0) } : nil)
        }
    }

    /// Ends the driver's process (spiderd is stopping).
    func stop() {
        life.withLock { l in
            l.disabled = l.disabled ?? "spiderd is stopping"
            return l.process
        }?.stop()
    }

    // MARK: answers

    private func gone(_ operation: String) -> DriverFailure {
        Self.failure(.cancelled, "\(operation): driver \(label)'s process that held this connection has ended; the connection opens again on the next call")
    }

    private static func failure(_ status: DriverStatusCode, _ message: String, retryAfterMs: UInt32 = 0) -> DriverFailure {
        DriverFailure(status: status.value, message: message, retryAfterMs: retryAfterMs)
    }

    /// A RESULT frame's failure, or nil for SPIDER_OK.
    private static func failure(of answer: WireFrame) -> DriverFailure? {
        let status = spider_status(truncatingIfNeeded: answer.a)
        guard status != spider_status(SPIDER_OK) else { return nil }
        let message = answer.text(1).flatMap { $0.isEmpty ? nil : $0 } ?? "driver gave no message"
        return DriverFailure(status: status, message: message, cloudError: answer.text(2).flatMap { $0.isEmpty ? nil : $0 },
                             retryAfterMs: UInt32(clamping: answer.b))
    }
}

/// The driver statuses the host itself gives, by name.
enum DriverStatusCode {
    case failed, retryable, cancelled
    var value: spider_status {
        switch self {
        case .failed: spider_status(SPIDER_INTERNAL)
        case .retryable: spider_status(SPIDER_RETRYABLE)
        case .cancelled: spider_status(SPIDER_CANCELLED)
        }
    }
}
