// A gate a test C driver's call stops at, for as long as the test needs a call in flight: armed by
// the test, taken by the first call that reaches it (which says so with a file), opened by the test.
// Nothing is timed: the call waits in a blocking read of a FIFO until the test opens its other end.
import Foundation
import Glibc

final class DriverGate: Sendable {
    /// The FIFO the call reads; `<path>.armed` and `<path>.arrived` beside it.
    let path: String

    init(in folder: TempFolder, name: String = "gate") throws {
        path = folder.file(name)
        guard mkfifo(path, 0o600) == 0 else { throw TestFailure("mkfifo \(path): \(String(cString: strerror(errno)))") }
    }

    /// The next call to reach the gate stops there (one call; later ones pass).
    func arm() throws {
        unlink(path + ".arrived")
        guard FileManager.default.createFile(atPath: path + ".armed", contents: nil) else { throw TestFailure("cannot arm \(path)") }
    }

    /// Waits until a call has stopped at the gate.
    func waitUntilTaken(boundSeconds: Double = 60) throws {
        let arrived = try FileWatch.wait(for: path + ".arrived", boundSeconds: boundSeconds) { _ in
            FileManager.default.fileExists(atPath: self.path + ".arrived") ? true : nil
        }
        guard arrived == true else { throw TestFailure("no call reached the gate \(path)") }
    }

    /// Lets the waiting call go on (opening the FIFO waits until the call is reading it).
    func open() {
        let fd = Glibc.open(path, O_WRONLY)
        if fd >= 0 { close(fd) }
    }

    /// C for a test driver: `pass_gate()` stops the call when the gate is armed (after the includes:
    /// fcntl.h and unistd.h are added here).
    func c() -> String {
        """

        #include <fcntl.h>
        #include <unistd.h>
        /* The test's gate: the one call that removes "<gate>.armed" says so in "<gate>.arrived" and
           waits until the test opens and closes the FIFO "<gate>". Unarmed, a call passes. */
        static void pass_gate(void)
        {
            if (unlink("\(path).armed") != 0) return;
            int said = open("\(path).arrived", O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
            if (said >= 0) close(said);
            int gate = open("\(path)", O_RDONLY | O_CLOEXEC);
            if (gate < 0) return;
            char buf[16];
            while (read(gate, buf, sizeof buf) > 0) {}
            close(gate);
        }

        """
    }

    /// For a driver built without a gate: `pass_gate()` does nothing.
    static let none = "\nstatic void pass_gate(void) {}\n"
}
