// One spiderd per data folder: two hosts on one SQLite file, one Mock state and one install store
// would each believe they own them and lose each other's changes. The lock (flock on
// `<data>/spiderd.pid`) is held for the host's life and released by the kernel when it ends, even
// by kill -9; the file names the holder's pid for the refusal.
import Foundation
import Glibc

final class DataFolderLock: Sendable {
    private let fd: Int32

    init(dataDir: String) throws {
        let path = dataDir + "/spiderd.pid"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw HostError.startup("cannot open \(path): \(errnoText())") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
            close(fd)
            throw HostError.startup("another spiderd (pid \(holder)) uses the data folder \(dataDir); stop it, or give this one its own --data-dir")
        }
        _ = ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(fd, $0, strlen($0)) }
    }

    deinit { close(fd) }
}
