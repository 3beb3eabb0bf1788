// One progress line on stderr for long work (driver installs in bytes, destroys in steps). Drawn only
// when decorated (a terminal, no --no-color, no NO_COLOR); otherwise silent, so scripts see no noise.
import Foundation

final class ProgressLine {
    private let label: String
    private let enabled: Bool
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(_ label: String, enabled: Bool) {
        self.label = label
        self.enabled = enabled && Terminal.stderrIsTTY
    }

    /// `done` of `total` units; `unit` "bytes" shows sizes, anything else counts (e.g. "steps").
    func update(_ done: Int64, of total: Int64, unit: String = "bytes", note: String = "") {
        guard enabled, Date().timeIntervalSince(lastDraw) > 0.05 || done >= total else { return }
        lastDraw = Date()
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let amount = unit == "bytes" ? "\(Self.size(done))/\(Self.size(total))" : "\(done)/\(total) \(unit)"
        Terminal.err("\r\u{1B}[2K\(label) \(bar) \(Int(fraction * 100))% \(amount)\(note.isEmpty ? "" : "  " + note)")
        drawn = true
    }

    /// Clears the line (the command prints its result afterwards).
    func finish() {
        if drawn { Terminal.err("\r\u{1B}[2K") }
        drawn = false
    }

    static func size(_ bytes: Int64) -> String {
        let units = ["B", "KB", "MB", "GB"]
        var value = Double(bytes), i = 0
        while value >= 1000, i < units.count - 1 { value /= 1000; i += 1 }
        return i == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[i])
    }
}
