// One tenant's state file in the driver's data folder: read once, rewritten atomically
// (temp file, fsync, rename, fsync of the folder) after every change.
import Foundation
import SpiderDriverKit
import SpiderModels
import SpiderDriverCrypto

struct TenantFile: Sendable {
    let mockName: String
    /// nil when the host gave no data folder: the tenant then lives in memory only.
    let path: String?

    init(mockName: String, directory: String) throws {
        self.mockName = mockName
        guard !directory.isEmpty else {
            path = nil
            return
        }
        let path = directory + "/" + (try TenantFile.fileName(for: mockName))
        self.path = path
        // Earlier versions put the readable name in the file name: keep that state under the new name.
        let earlier = directory + "/" + (try TenantFile.earlierFileName(for: mockName))
        if !FileManager.default.fileExists(atPath: path), FileManager.default.fileExists(atPath: earlier) {
            guard rename(earlier, path) == 0 else {
                throw DriverError.internal("mock \(try TenantFile.label(for: mockName)): cannot rename \(earlier) to \(path): \(String(cString: strerror(errno)))")
            }
        }
        AtomicFile.removeLeftovers(of: path)
    }

    /// `tenant-<hash>.json`: MockName is a credential value, so neither the file name nor a log line
    /// carries it; the hash (libcrypto's SHA-256 of the name's UTF-8, 16 lower-case hex digits)
    /// tells tenants apart.
    static func fileName(for mockName: String) throws -> String {
        "tenant-\(try digest(mockName, digits: 16)).json"
    }

    /// How log lines and errors name a tenant: "tenant <hash>".
    static func label(for mockName: String) throws -> String {
        "tenant \(try digest(mockName, digits: 16))"
    }

    /// The name earlier versions used: `tenant-<readable part>-<12-digit hash>.json`.
    static func earlierFileName(for mockName: String) throws -> String {
        let readable = String(mockName.unicodeScalars.prefix(48).map { scalar -> Character in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": Character(scalar)
            default: "_"
            }
        })
        return "tenant-\(readable)-\(try digest(mockName, digits: 12)).json"
    }

    private static func digest(_ mockName: String, digits: Int) throws -> String {
        String(DriverCrypto.hex(try DriverCrypto.sha256(Array(mockName.utf8))).prefix(digits))
    }

    /// How messages name this tenant.
    var label: String { (try? TenantFile.label(for: mockName)) ?? "tenant ?" }

    /// The saved state, a fresh one when there is no file yet, or INTERNAL naming the file.
    func load() throws -> TenantState {
        guard let path else { return TenantState(mockName: mockName) }
        guard FileManager.default.fileExists(atPath: path) else { return TenantState(mockName: mockName) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw DriverError.internal("mock \(label): cannot read its state file \(path): \(error.localizedDescription)")
        }
        let state: TenantState
        do {
            state = try JSONDecoder().decode(TenantState.self, from: data)
        } catch let error as DecodingError {
            throw corrupt(path, DecodingErrorText.describe(error))
        } catch {
            throw corrupt(path, "\(error)")
        }
        guard state.format == TenantState.currentFormat else {
            throw corrupt(path, "format \(state.format) is not the supported format \(TenantState.currentFormat)")
        }
        guard state.mockName == mockName else {
            throw corrupt(path, "it belongs to another MockName")
        }
        return state
    }

    private func corrupt(_ path: String, _ reason: String) -> DriverError {
        .internal("mock \(label): its state file \(path) is corrupt (\(reason)); "
                  + "repair the file or move it away to start this tenant empty")
    }

    func save(_ state: TenantState) throws {
        guard let path else { return }
        let data: Data
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            data = try encoder.encode(state)
        } catch {
            throw DriverError.internal("mock \(label): cannot encode its state: \(error)")
        }
        do {
            try AtomicFile.write(data, to: path)
        } catch {
            throw DriverError.internal("mock \(label): cannot save its state file \(path): \(error)")
        }
    }
}

/// Writes a file so that a reader (or a restarted host) sees either the old or the new content.
enum AtomicFile {
    struct Failure: Error, CustomStringConvertible {
        let step: String
        let code: Int32
        var description: String { "\(step) failed: \(String(cString: strerror(code)))" }
    }

    /// Removes the temporary files of writes to `path` whose process has ended (a crash between the
    /// write and its rename leaves one; a live process may still be writing its own).
    static func removeLeftovers(of path: String) {
        let folder = (path as NSString).deletingLastPathComponent, prefix = (path as NSString).lastPathComponent + ".tmp-"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(prefix) {
            let pid = name.dropFirst(prefix.count).split(separator: "-").first.flatMap { Int32($0) } ?? 0
            if pid > 0, kill(pid, 0) == 0 || errno == EPERM { continue }
            unlink(folder + "/" + name)
        }
    }

    static func write(_ data: Data, to path: String) throws {
        let temp = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(step: "open \(temp)", code: errno) }
        var closed = false
        defer {
            if !closed { close(fd) }
        }
        do {
            try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                var offset = 0
                while offset < raw.count {
                    let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw Failure(step: "write", code: errno)
                    }
                    offset += n
                }
            }
            guard fsync(fd) == 0 else { throw Failure(step: "fsync", code: errno) }
            closed = true
            guard close(fd) == 0 else { throw Failure(step: "close", code: errno) }
            guard rename(temp, path) == 0 else { throw Failure(step: "rename", code: errno) }
        } catch {
            unlink(temp)
            throw error
        }
        // Make the rename itself durable.
        let directory = (path as NSString).deletingLastPathComponent
        let dirfd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 {
            _ = fsync(dirfd)
            close(dirfd)
        }
    }
}
