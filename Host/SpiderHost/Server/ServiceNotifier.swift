// systemd's readiness protocol (sd_notify): under `Type=notify` (or any supervisor that sets
// NOTIFY_SOCKET) spiderd says READY=1 once its socket serves and its data is open, and STOPPING=1
// when it begins to stop, so whatever starts after it never races its start-up.
import Glibc

struct ServiceNotifier: Sendable {
    private let path: String?

    /// Takes NOTIFY_SOCKET from the environment (and removes it there, so the processes drivers
    /// start do not talk to the supervisor in spiderd's name).
    static func fromEnvironment() -> ServiceNotifier {
        guard let raw = getenv("NOTIFY_SOCKET") else { return ServiceNotifier(path: nil) }
        let path = String(cString: raw)
        unsetenv("NOTIFY_SOCKET")
        return ServiceNotifier(path: path.isEmpty ? nil : path)
    }

    /// Sends one message ("READY=1\nSTATUS=…"); a supervisor that is gone is not spiderd's problem.
    func notify(_ message: String) {
        guard let path else { return }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        // "@name" is an abstract socket: a NUL byte, then the name.
        var bytes = Array(path.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (bytes.first == 0 ? 0 : 1))
        let payload = Array(message.utf8)
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, payload, payload.count, Int32(MSG_NOSIGNAL), $0, length) }
        }
    }
}
