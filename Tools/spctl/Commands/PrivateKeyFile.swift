// A file for a private key: created with mode 0600 (never wider, at no moment), claimed before the
// key exists so a failure to write it is known before the cloud makes the key, and never replacing
// an existing file unless asked to (then replaced in one rename, so the old file is never half written).
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

final class PrivateKeyFile {
    let path: String
    /// Where the key is written: the file itself, or (when replacing) a new file beside it renamed over it.
    private let writePath: String
    private var fd: Int32

    init(path: String, overwrite: Bool) throws {
        self.path = path
        var info = stat()
        let exists = lstat(path, &info) == 0
        if exists, !overwrite { throw SpctlFailure(.conflict, "\(path) exists; --overwrite replaces it") }
        if exists, (info.st_mode & S_IFMT) == S_IFDIR { throw SpctlFailure(.usage, "\(path) is a directory") }
        if exists {
            let folder = (path as NSString).deletingLastPathComponent
            let base = (path as NSString).lastPathComponent
            writePath = (folder.isEmpty ? "" : folder + "/") + ".\(base).spctl-\(UUID().uuidString.prefix(8))"
        } else {
            writePath = path
        }
        // O_EXCL: made here, by us, now; O_NOFOLLOW: never through a link someone placed.
        fd = open(writePath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            if errno == EEXIST { throw SpctlFailure(.conflict, "\(path) exists; --overwrite replaces it") }
            throw SpctlFailure(.usage, "cannot create \(writePath): \(reason)")
        }
        fchmod(fd, 0o600)  // the umask may only have narrowed it; make it exactly 0600
    }

    /// Writes the key and puts the file in place.
    func commit(_ text: String) throws {
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                let reason = String(cString: strerror(errno))
                abandon()
                throw SpctlFailure(.serverFailure, "cannot write the private key to \(writePath): \(reason)")
            }
            written += n
        }
        fsync(fd)
        close(fd)
        fd = -1
        if writePath != path, rename(writePath, path) != 0 {
            let reason = String(cString: strerror(errno))
            throw SpctlFailure(.serverFailure, "cannot replace \(path): \(reason); the private key is in \(writePath)")
        }
    }

    /// Removes the claimed file (the key was not made).
    func abandon() {
        if fd >= 0 { close(fd); fd = -1 }
        unlink(writePath)
    }
}
