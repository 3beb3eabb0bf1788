// Every call into a driver's code runs through CDriverGuard's shims: a crash there (a bad pointer,
// an abort, a Swift trap, a stack overflow) comes back as its signal instead of ending spiderd.
import Glibc

enum DriverCrashGuard {
    /// "SIGSEGV (a bad memory access)" and so on, for messages.
    static func describe(_ signal: Int32) -> String {
        switch signal {
        case SIGSEGV: "SIGSEGV (a bad memory access, or a stack overflow)"
        case SIGBUS: "SIGBUS (a bad memory access)"
        case SIGFPE: "SIGFPE (an arithmetic fault)"
        case SIGILL: "SIGILL (an illegal instruction, e.g. a Swift runtime trap)"
        case SIGTRAP: "SIGTRAP (a trap, e.g. a Swift runtime trap)"
        case SIGABRT: "SIGABRT (the driver called abort)"
        default: "signal \(signal)"
        }
    }
}
