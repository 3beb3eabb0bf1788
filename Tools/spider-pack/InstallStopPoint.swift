import Foundation
import SpiderRegistry

/// SPIDER_INSTALL_STOP_AT=<step> makes `spider-pack install` stop itself (SIGSTOP) as it begins that
/// step ("downloading" once bytes arrive, or an InstallStep such as "unpacking" or "publishing"), so a
/// crash-consistency check can kill it at exactly that point and open the store after it.
struct InstallStopPoint {
    let step: String

    static let variable = "SPIDER_INSTALL_STOP_AT"

    /// Every step it can stop at, in the order an install reaches them.
    static let known = ["downloading"] + InstallStep.allCases.map(\.rawValue)

    static func fromEnvironment() -> InstallStopPoint? {
        guard let step = ProcessInfo.processInfo.environment[variable], !step.isEmpty else { return nil }
        return InstallStopPoint(step: step)
    }

    /// Stops the process the first time `step` is this one; the caller of the stop decides what follows.
    func reached(_ current: String) {
        guard current == step, !Self.stopped.swap() else { return }
        FileHandle.standardError.write(Data("\(Self.variable): stopping at \(current)\n".utf8))
        raise(SIGSTOP)
    }

    /// Set once: a step reached again (many download progress calls) does not stop twice.
    private final class Once: @unchecked Sendable {
        private var done = false
        private let lock = NSLock()
        func swap() -> Bool { lock.lock(); defer { lock.unlock() }; let was = done; done = true; return was }
    }
    private static let stopped = Once()
}
