// Prepares the Unix socket path safely: a private directory, one live host per path (a lock
// file held for the host's life), stale sockets from a crash replaced, mode 0660 from birth.
import Foundation
import Glibc

struct SocketListener {
    let path: String
    private(set) var lockFD: Int32 = -1

    init(path: String) {
        self.path = path
    }

    /// Checks and claims the path. Throws a sentence an operator can act on.
    mutating func claim() throws {
        guard path.utf8.count < 108 else {
            throw HostError.startup("socket path \(path) is \(path.utf8.count) bytes; Unix sockets allow at most 107")
        }
        let dir = (path as NSString).deletingLastPathComponent
        try ensurePrivateDirectory(dir)

        lockFD = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lockFD >= 0 else { throw HostError.startup("cannot open \(path).lock: \(errnoText())") }
        if flock(lockFD, LOCK_EX | LOCK_NB) != 0 {
            let owner = (try? String(contentsOfFile: path + ".lock", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
            throw HostError.startup("another spiderd (pid \(owner)) is serving \(path); stop it or pick another --socket")
        }
        _ = ftruncate(lockFD, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(lockFD, $0, strlen($0)) }

        var info = stat()
        if lstat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFSOCK else {
                throw HostError.startup("\(path) exists and is not a socket; refusing to replace it")
            }
            if isLive() {
                throw HostError.startup("another process is accepting connections on \(path); refusing to steal it")
            }
            unlink(path)  // a stale socket left by a crash
        }
    }

    /// Removes the socket and the lock when the host stops.
    func release() {
        unlink(path)
        if lockFD >= 0 {
            unlink(path + ".lock")
            close(lockFD)
        }
    }

    private func ensurePrivateDirectory(_ dir: String) throws {
        var info = stat()
        if stat(dir, &info) != 0 {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: nil)
            chmod(dir, 0o700)
            return
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { throw HostError.startup("\(dir) is not a directory") }
        guard info.st_uid == getuid() else {
            throw HostError.startup("socket directory \(dir) belongs to uid \(info.st_uid), not to this user (\(getuid())); use a directory only you can enter")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw HostError.startup("socket directory \(dir) has mode \(String(info.st_mode & 0o777, radix: 8)); others may enter it, so use a private directory (chmod 700) or another --socket")
        }
    }

    private func isLive() -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            _ = path.withCString { strncpy(raw.baseAddress!.assumingMemoryBound(to: CChar.self), $0, raw.count - 1) }
        }
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
            }
        }
    }
}

func errnoText() -> String { String(cString: strerror(errno)) }
