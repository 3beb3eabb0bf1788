// A block of status lines on stderr, one per task (e.g. one per connection in a deploy), redrawn in
// place while the work runs. On a terminal it moves the cursor back up over its own lines and
// rewrites them; otherwise (a pipe, a log file, --no-color) each change is one plain line, so logs
// read as a history. Safe to update from many threads.
import Foundation

final class MultiLineDisplay: @unchecked Sendable {
    private let lock = NSLock()
    private let live: Bool
    private let labels: [String]
    private let labelWidth: Int
    private var lines: [String]
    private var drawnCount = 0
    private var dirty = false

    /// `labels` name the lines (in order); `live` redraws in place, else plain lines as things change.
    init(labels: [String], live: Bool) {
        self.labels = labels
        self.live = live && Terminal.stderrIsTTY
        labelWidth = labels.map(\.count).max() ?? 0
        lines = labels.map { _ in "waiting" }
    }

    /// Sets line `index`'s text. Live: drawn at the next `redraw()`; plain: written now.
    func set(_ index: Int, _ text: String) {
        lock.lock()
        defer { lock.unlock() }
        guard lines[index] != text else { return }
        lines[index] = text
        if live {
            dirty = true
        } else {
            Terminal.err("\(labels[index]): \(text)\n")
        }
    }

    /// Redraws every line in place (live only; cheap when nothing changed).
    func redraw(force: Bool = false) {
        lock.lock()
        defer { lock.unlock() }
        guard live, dirty || force || drawnCount == 0 else { return }
        var out = drawnCount > 0 ? "\u{1B}[\(drawnCount)A" : ""
        let columns = Self.terminalColumns()
        for (label, text) in zip(labels, lines) {
            var line = label.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + "  " + text
            // A line longer than the terminal would wrap and break the cursor arithmetic.
            if line.count >= columns { line = String(line.prefix(max(0, columns - 2))) + "…" }
            out += "\r\u{1B}[2K" + line + "\n"
        }
        Terminal.err(out)
        drawnCount = labels.count
        dirty = false
    }

    /// Draws the final state and leaves it on screen (the summary follows below it).
    func finish() {
        redraw(force: true)
    }

    private static func terminalColumns() -> Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 100
    }
}
