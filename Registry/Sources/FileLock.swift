import Foundation

/// An exclusive `flock` on a file, held until `unlock()` or deinit. flock locks belong to the open
/// file description, so two FileLocks on one path conflict within a process as well as across processes.
public final class FileLock {
    private var fd: Int32

    /// Blocks until the lock is held; `waiting` is called first when someone else holds it.
    public init(path: String, waiting: () -> Void = {}) throws {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw RegistryError.io("cannot open lock \(path): \(String(cString: strerror(errno)))") }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { return }
        waiting()
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            let message = String(cString: strerror(errno))
            close(fd)
            throw RegistryError.io("cannot lock \(path): \(message)")
        }
    }

    private init(fd: Int32) { self.fd = fd }

    /// The lock if it is free now, nil if someone else holds it.
    public static func attempt(path: String) -> FileLock? {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { close(fd); return nil }
        return FileLock(fd: fd)
    }

    public func unlock() {
        guard fd >= 0 else { return }
        close(fd)  // closing the last descriptor releases the flock
        fd = -1
    }

    deinit { unlock() }
}
