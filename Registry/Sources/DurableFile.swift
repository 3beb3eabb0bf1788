import Foundation

/// Writes that survive a crash: temp file in the same folder, fsync, rename, fsync the folder.
enum DurableFile {
    static func write(_ data: Data, to path: String) throws {
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RegistryError.io("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        let ok = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) == $0.count } && fsync(fd) == 0
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw RegistryError.io("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        try syncFolder((path as NSString).deletingLastPathComponent)
    }

    static func syncFile(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw RegistryError.io("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw RegistryError.io("cannot fsync \(path): \(String(cString: strerror(errno)))") }
    }

    static func syncFolder(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw RegistryError.io("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw RegistryError.io("cannot fsync \(path): \(String(cString: strerror(errno)))") }
    }
}
