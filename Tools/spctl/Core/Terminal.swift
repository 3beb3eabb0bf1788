// What spctl knows about where it writes: a terminal or not, and how to say things there.
import Foundation

enum Terminal {
    static var stdoutIsTTY: Bool { isatty(STDOUT_FILENO) == 1 }
    static var stderrIsTTY: Bool { isatty(STDERR_FILENO) == 1 }

    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func bold(_ text: String, _ on: Bool) -> String { on ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    static func red(_ text: String, _ on: Bool) -> String { on ? "\u{1B}[31m\(text)\u{1B}[0m" : text }
    static func green(_ text: String, _ on: Bool) -> String { on ? "\u{1B}[32m\(text)\u{1B}[0m" : text }
    static func yellow(_ text: String, _ on: Bool) -> String { on ? "\u{1B}[33m\(text)\u{1B}[0m" : text }
}
