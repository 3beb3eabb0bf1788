import Foundation

/// `<store>/spider.lock.json`: every installed driver version with its source and hashes, so a
/// reinstall (or an install from a mirror) must bring the same archive that was accepted before.
public struct LockFile: Codable, Sendable, Equatable {
    public struct Locked: Codable, Sendable, Equatable {
        public var platform: String
        public var source: String
        public var signer: String
        public var archive_sha256: String
        public var archive_size: Int64
        /// SHA-256 of each extracted file, by path relative to the version folder.
        public var files: [String: String]
    }

    public var format: Int = 1
    /// name → version → record.
    public var drivers: [String: [String: Locked]] = [:]

    public init() {}

    public static func read(_ path: String) throws -> LockFile {
        guard let data = FileManager.default.contents(atPath: path) else { return LockFile() }
        do { return try JSONDecoder().decode(LockFile.self, from: data) }
        catch { throw RegistryError.io("\(path) is unreadable: \(error)") }
    }

    public func write(_ path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try DurableFile.write(try encoder.encode(self), to: path)
    }

    /// Refuses an archive whose hash differs from the one recorded for the same name and version.
    public func check(name: String, version: String, sha256: String) throws {
        guard let locked = drivers[name]?[version], locked.archive_sha256 != sha256 else { return }
        throw RegistryError.integrity(
            "spider.lock.json records sha256 \(locked.archive_sha256) for \(name) \(version) (from \(locked.source)); this archive has \(sha256)")
    }
}
