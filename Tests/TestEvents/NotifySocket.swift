// The supervisor's end of systemd's readiness protocol (sd_notify): a datagram socket whose path is
// given to a child as NOTIFY_SOCKET; the child sends "READY=1" once it serves. Tests start spiderd
// with one and wait for that message instead of polling the API.
import Glibc

public final class NotifySocket: EventSource {
    public let path: String
    public let eventDescriptor: Int32
    /// Every message received so far, in order.
    public private(set) var messages: [String] = []

    /// `path` is a file path, or "@name" for an abstract socket (no file).
    public init(path: String) throws {
        let abstract = path.hasPrefix("@")
        if !abstract { unlink(path) }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw EventFailure("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        if abstract { bytes[0] = 0 }
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw EventFailure("notify socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in raw.copyBytes(from: bytes) }
        // An abstract name is exactly its bytes long; a path ends at its NUL.
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw EventFailure("bind \(path): \(reason)")
        }
        self.path = path
        eventDescriptor = fd
    }

    public func drain() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(eventDescriptor, &buffer, buffer.count, 0)
            if n <= 0 { return }
            messages.append(String(decoding: buffer[0..<n], as: UTF8.self))
        }
    }

    /// True once a message held the line `assignment` (such as "READY=1").
    public func received(_ assignment: String) -> Bool {
        drain()
        return messages.contains { $0.split(separator: "\n").contains { $0 == assignment } }
    }

    deinit {
        close(eventDescriptor)
        if !path.hasPrefix("@") { unlink(path) }
    }
}
