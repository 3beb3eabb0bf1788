import Foundation

/// `index.json`: drivers → versions → platforms, each platform naming its archive (see Registry/README.md).
public struct RegistryIndex: Codable, Sendable, Equatable {
    public static let formatVersion = 1
    public static let knownPlatforms: Set<String> = ["linux-x86_64", "linux-aarch64"]

    public var format: Int
    public var drivers: [String: Driver]

    public struct Driver: Codable, Sendable, Equatable {
        public var versions: [String: Version]
        public init(versions: [String: Version]) { self.versions = versions }
    }

    public struct Version: Codable, Sendable, Equatable {
        public var platforms: [String: Platform]
        public init(platforms: [String: Platform]) { self.platforms = platforms }
    }

    public struct Platform: Codable, Sendable, Equatable {
        /// Path of the bundle relative to the folder holding index.json, with `/` separators.
        public var archive: String
        public var size: Int64
        public var sha256: String
        public var abi_version: UInt32
        public var provider: String
        public init(archive: String, size: Int64, sha256: String, abi_version: UInt32, provider: String) {
            self.archive = archive; self.size = size; self.sha256 = sha256
            self.abi_version = abi_version; self.provider = provider
        }
    }

    public init(drivers: [String: Driver] = [:]) {
        self.format = Self.formatVersion
        self.drivers = drivers
    }

    /// Every platform entry, flattened and sorted by name, version, platform.
    public var entries: [IndexEntry] {
        drivers.flatMap { name, driver in
            driver.versions.flatMap { version, v in
                v.platforms.map { platform, p in
                    IndexEntry(name: name, version: version, platform: platform, archive: p.archive,
                               size: p.size, sha256: p.sha256, abi_version: p.abi_version, provider: p.provider)
                }
            }
        }.sorted { ($0.name, $0.version, $0.platform) < ($1.name, $1.version, $1.platform) }
    }

    public func entry(name: String, version: String, platform: String) -> IndexEntry? {
        entries.first { $0.name == name && $0.version == version && $0.platform == platform }
    }

    public mutating func add(_ e: IndexEntry) {
        let p = Platform(archive: e.archive, size: e.size, sha256: e.sha256, abi_version: e.abi_version, provider: e.provider)
        drivers[e.name, default: Driver(versions: [:])].versions[e.version, default: Version(platforms: [:])]
            .platforms[e.platform] = p
    }

    /// Decodes and validates index bytes; every failure names the field or entry at fault.
    public static func decode(_ data: Data) throws -> RegistryIndex {
        let index: RegistryIndex
        do {
            index = try JSONDecoder().decode(RegistryIndex.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw RegistryError.invalidIndex("index.json: missing field '\(key.stringValue)' at \(path(context.codingPath))")
        } catch let DecodingError.typeMismatch(_, context) {
            throw RegistryError.invalidIndex("index.json: wrong type at \(path(context.codingPath)): \(context.debugDescription)")
        } catch let DecodingError.valueNotFound(_, context) {
            throw RegistryError.invalidIndex("index.json: null value at \(path(context.codingPath))")
        } catch {
            throw RegistryError.invalidIndex("index.json is not valid JSON: \(error)")
        }
        try index.validate()
        return index
    }

    /// Deterministic bytes (sorted keys), so signing the same index twice signs the same bytes.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    public func validate() throws {
        guard format == Self.formatVersion else {
            throw RegistryError.invalidIndex("index.json: unsupported format \(format) (this host reads format \(Self.formatVersion))")
        }
        for e in entries {
            let at = "\(e.name) \(e.version) \(e.platform)"
            guard Names.isDriverName(e.name) else {
                throw RegistryError.invalidIndex("index.json: invalid driver name '\(e.name)' (lower-case letters, digits, '-' and '_')")
            }
            guard Names.isVersion(e.version) else {
                throw RegistryError.invalidIndex("index.json: invalid version '\(e.version)' for \(e.name)")
            }
            guard Self.knownPlatforms.contains(e.platform) else {
                throw RegistryError.invalidIndex(
                    "index.json: unknown platform '\(e.platform)' for \(e.name) \(e.version) (known: \(Self.knownPlatforms.sorted().joined(separator: ", ")))")
            }
            guard Hex.isSHA256(e.sha256) else {
                throw RegistryError.invalidIndex("index.json: sha256 of \(at) is not 64 lower-case hex digits")
            }
            guard e.size > 0 else { throw RegistryError.invalidIndex("index.json: size of \(at) must be positive") }
            guard Names.isRelativeArchivePath(e.archive) else {
                throw RegistryError.invalidIndex("index.json: archive path '\(e.archive)' of \(at) must be relative, without '..'")
            }
            guard !e.provider.isEmpty else { throw RegistryError.invalidIndex("index.json: empty provider for \(at)") }
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "top level" : keys.map(\.stringValue).joined(separator: ".")
    }
}

/// One driver version on one platform, as the index lists it.
public struct IndexEntry: Codable, Sendable, Equatable {
    public var name: String
    public var version: String
    public var platform: String
    public var archive: String
    public var size: Int64
    public var sha256: String
    public var abi_version: UInt32
    public var provider: String

    public init(name: String, version: String, platform: String, archive: String, size: Int64, sha256: String,
                abi_version: UInt32, provider: String) {
        self.name = name; self.version = version; self.platform = platform; self.archive = archive
        self.size = size; self.sha256 = sha256; self.abi_version = abi_version; self.provider = provider
    }
}

/// Names that become path components in the store must not be able to leave it.
enum Names {
    static func isDriverName(_ s: String) -> Bool {
        guard let first = s.utf8.first, s.utf8.count <= 64 else { return false }
        let ok: (UInt8) -> Bool = { (97...122).contains($0) || (48...57).contains($0) || $0 == 45 || $0 == 95 }
        return ((97...122).contains(first) || (48...57).contains(first)) && s.utf8.allSatisfy(ok)
    }

    static func isVersion(_ s: String) -> Bool {
        guard let first = s.utf8.first, s.utf8.count <= 64, first != 46 else { return false }
        let ok: (UInt8) -> Bool = { (97...122).contains($0) || (65...90).contains($0) || (48...57).contains($0) || $0 == 46 || $0 == 45 || $0 == 43 }
        return s.utf8.allSatisfy(ok) && !s.contains("..")
    }

    static func isRelativeArchivePath(_ s: String) -> Bool {
        !s.isEmpty && !s.hasPrefix("/") && !s.contains("\\") && !s.contains("://")
            && !s.split(separator: "/", omittingEmptySubsequences: false).contains { $0 == ".." || $0.isEmpty }
    }
}
