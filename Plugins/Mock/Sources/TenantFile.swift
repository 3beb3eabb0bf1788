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
        self.path = directory.isEmpty ? nil : directory + "/" + (try TenantFile.fileName(for: mockName))
    }

    /// `tenant-<readable part>-<hash>.json`: the readable part keeps letters, digits, `.`, `_` and `-`;
    /// the hash of the full name keeps two names that sanitize alike apart.
    /// The hash is libcrypto's SHA-256 of the name's UTF-8, in lower-case hex, cut to 12 digits.
    static func fileName(for mockName: String) throws -> String {
        let readable = String(mockName.unicodeScalars.prefix(48).map { scalar -> Character in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": Character(scalar)
            default: "_"
            }
        })
        let digest = DriverCrypto.hex(try DriverCrypto.sha256(Array(mockName.utf8))).prefix(12)
        return "tenant-\(readable)-\(digest).json"
    }

    /// The saved state, a fresh one when there is no file yet, or INTERNAL naming the file.
    func load() throws -> TenantState {
        guard let path else { return TenantState(mockName: mockName) }
        guard FileManager.default.fileExists(atPath: path) else { return TenantState(mockName: mockName) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw DriverError.internal("mock tenant '\(mockName)': cannot read its state file \(path): \(error.localizedDescription)")
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
            throw corrupt(path, "it belongs to MockName '\(state.mockName)'")
        }
        return state
    }

    private func corrupt(_ path: String, _ reason: String) -> DriverError {
        .internal("mock tenant '\(mockName)': its state file \(path) is corrupt (\(reason)); "
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
            throw DriverError.internal("mock tenant '\(mockName)': cannot encode its state: \(error)")
        }
        do {
            try AtomicFile.write(data, to: path)
        } catch {
            throw DriverError.internal("mock tenant '\(mockName)': cannot save its state file \(path): \(error)")
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
