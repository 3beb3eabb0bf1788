import Foundation
import SpiderModels

/// The installed drivers, `<root>/<name>/<version>/` each, and the only code that writes there.
/// An install verifies the archive against its index entry, unpacks it into `<root>/.staging/`
/// (same file system, so the final step is one rename), and writes `receipt.json` last.
public final class InstallStore: Sendable {
    public let root: String
    /// The platform this host runs ("linux-x86_64"); entries for others are refused.
    public let platform: String
    /// Driver ABI versions this host can load.
    public let abiVersions: ClosedRange<UInt32>
    public let unpacker: BundleUnpacker

    public static let unsigned = "unsigned"
    /// In a version folder without a receipt: the folder came from an install that did not finish.
    static let incompleteMarker = ".spider-incomplete"
    public static var hostPlatform: String {
        var u = utsname()
        uname(&u)
        let machine = withUnsafeBytes(of: u.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return "linux-" + machine
    }

    /// Opens (creating) the store and removes what an interrupted install left behind.
    public init(root: String, platform: String = InstallStore.hostPlatform, abiVersions: ClosedRange<UInt32> = 1...1,
                limits: BundleUnpacker.Limits = .init()) throws {
        self.root = root
        self.platform = platform
        self.abiVersions = abiVersions
        self.unpacker = BundleUnpacker(limits: limits)
        for folder in [root, stagingFolder, locksFolder, downloadsFolder] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        cleanUpInterrupted()
    }

    var stagingFolder: String { root + "/.staging" }
    var locksFolder: String { root + "/.locks" }
    var downloadsFolder: String { root + "/.downloads" }

    /// A fresh path for downloading an archive into the store's file system (removed by the
    /// caller when done; the next open removes one a crash left behind).
    public func downloadPath(name: String, version: String) -> String {
        downloadsFolder + "/\(getpid())-\(name)@\(version)-\(UInt64.random(in: 0 ... .max)).tar.gz"
    }
    public var lockFilePath: String { root + "/spider.lock.json" }

    public func versionFolder(name: String, version: String) -> String { root + "/" + name + "/" + version }

    public func receipt(name: String, version: String) -> InstalledDriverReceipt? {
        let path = versionFolder(name: name, version: version) + "/receipt.json"
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(InstalledDriverReceipt.self, from: data)
    }

    /// Every installed version (those with a receipt), sorted by name and version.
    public func installed() -> [InstalledDriverReceipt] {
        let fm = FileManager.default
        var out: [InstalledDriverReceipt] = []
        for name in (try? fm.contentsOfDirectory(atPath: root)) ?? [] where Names.isDriverName(name) {
            for version in (try? fm.contentsOfDirectory(atPath: root + "/" + name)) ?? [] {
                if let r = receipt(name: name, version: version) { out.append(r) }
            }
        }
        return out.sorted { ($0.name, $0.version) < ($1.name, $1.version) }
    }

    /// Verifies `bundleAt` against `entry` and installs it. `signer` is the key id that signed the
    /// index (nil: unsigned, which the caller must have allowed explicitly). Installing a version that
    /// is already installed from the same archive returns its receipt; from another archive, an error.
    /// `digest` is the archive's SHA-256 and size when the caller computed them while writing it
    /// (a download into the store); otherwise the store reads the archive once more to hash it.
    /// `step` hears each step as it begins (InstallStep).
    public func install(bundleAt archive: String, entry: IndexEntry, signer: String?, source: String,
                        digest: (sha256: String, size: Int64)? = nil,
                        step: (InstallStep) -> Void = { _ in }) throws -> InstalledDriverReceipt {
        guard Names.isDriverName(entry.name), Names.isVersion(entry.version) else {
            throw RegistryError.invalidIndex("invalid driver name or version '\(entry.name)' '\(entry.version)'")
        }
        let what = "\(entry.name) \(entry.version)"
        guard entry.platform == platform else {
            throw RegistryError.bundleMismatch("\(what) is built for \(entry.platform); this host is \(platform)")
        }
        guard abiVersions.contains(entry.abi_version) else {
            throw RegistryError.bundleMismatch(
                "\(what) speaks driver ABI \(entry.abi_version); this host loads ABI \(abiVersions.lowerBound)...\(abiVersions.upperBound)")
        }

        let lock = try FileLock(path: locksFolder + "/" + entry.name + ".lock") { step(.waitingForLock) }
        defer { lock.unlock() }

        let final = versionFolder(name: entry.name, version: entry.version)
        if let existing = receipt(name: entry.name, version: entry.version) {
            guard existing.archive_sha256 == entry.sha256 else {
                throw RegistryError.alreadyInstalled(
                    "\(what) is already installed from another archive (sha256 \(existing.archive_sha256)); remove it first")
            }
            return existing
        }
        if FileManager.default.fileExists(atPath: final) {
            // Left by an interrupted install (it has the marker): never installed, nothing loads it.
            guard FileManager.default.fileExists(atPath: final + "/" + Self.incompleteMarker) else {
                throw RegistryError.alreadyInstalled("\(final) exists but was not installed by the store; move it away first")
            }
            try FileManager.default.removeItem(atPath: final)
        }

        step(.verifying)
        let (sha256, size) = try digest ?? SHA256Stream.file(at: archive)
        guard size == entry.size else {
            throw RegistryError.integrity("size mismatch for \(what): the index says \(entry.size) bytes, the archive has \(size)")
        }
        guard sha256 == entry.sha256 else {
            throw RegistryError.integrity("SHA-256 mismatch for \(what): the index says \(entry.sha256), the archive has \(sha256)")
        }
        try LockFile.read(lockFilePath).check(name: entry.name, version: entry.version, sha256: sha256)

        let staging = stagingFolder + "/\(entry.name)@\(entry.version).\(UInt64.random(in: 0 ... .max))"
        defer { try? FileManager.default.removeItem(atPath: staging) }
        step(.unpacking)
        let files = try unpacker.unpack(archive: archive, into: staging)
        // Marks the folder as the store's until the receipt exists, so cleanup never touches
        // a folder someone staged by hand.
        guard FileManager.default.createFile(atPath: staging + "/" + Self.incompleteMarker, contents: nil) else {
            throw RegistryError.io("cannot write \(staging)/\(Self.incompleteMarker)")
        }
        let manifest = try BundleCheck.manifest(in: staging, files: files, matching: entry)

        step(.syncing)
        var hashes: [String: String] = [:]
        for file in files {
            hashes[file] = try SHA256Stream.file(at: staging + "/" + file).sha256
            try DurableFile.syncFile(staging + "/" + file)
        }
        try syncFolders(under: staging, files: files)

        let driverFolder = root + "/" + entry.name
        try FileManager.default.createDirectory(atPath: driverFolder, withIntermediateDirectories: true)
        step(.publishing)
        guard rename(staging, final) == 0 else {
            throw RegistryError.io("cannot move \(staging) to \(final): \(String(cString: strerror(errno)))")
        }
        try DurableFile.syncFolder(driverFolder)

        let receipt = InstalledDriverReceipt(
            name: entry.name, version: entry.version, platform: entry.platform, provider: entry.provider,
            abi_version: entry.abi_version, library: manifest.library, source: source, signer: signer ?? Self.unsigned,
            archive_sha256: sha256, archive_size: size, files: hashes,
            installed_at: ISO8601DateFormatter().string(from: Date()))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        step(.writingReceipt)
        try DurableFile.write(try encoder.encode(receipt), to: final + "/receipt.json")
        // Installed from here on; the marker is housekeeping (a leftover one is removed on open).
        unlink(final + "/" + Self.incompleteMarker)
        step(.recording)
        try record(receipt)
        return receipt
    }

    /// Uninstalls a version. The receipt goes first, so a crash midway leaves a receipt-less folder
    /// that the next open removes. Whether the version is still in use is the caller's question.
    public func remove(name: String, version: String) throws {
        guard Names.isDriverName(name), Names.isVersion(version) else {
            throw RegistryError.notInstalled("invalid driver name or version '\(name)' '\(version)'")
        }
        let lock = try FileLock(path: locksFolder + "/" + name + ".lock")
        defer { lock.unlock() }
        let folder = versionFolder(name: name, version: version)
        guard receipt(name: name, version: version) != nil else {
            throw RegistryError.notInstalled("\(name) \(version) is not installed")
        }
        guard unlink(folder + "/receipt.json") == 0 else {
            throw RegistryError.io("cannot remove \(folder)/receipt.json: \(String(cString: strerror(errno)))")
        }
        try DurableFile.syncFolder(folder)
        try FileManager.default.removeItem(atPath: folder)
        try updateLockFile { $0.drivers[name]?[version] = nil; if $0.drivers[name]?.isEmpty == true { $0.drivers[name] = nil } }
    }

    /// Adds the install to spider.lock.json under a store-wide lock (one file, many drivers).
    private func record(_ r: InstalledDriverReceipt) throws {
        try updateLockFile {
            $0.drivers[r.name, default: [:]][r.version] = LockFile.Locked(
                platform: r.platform, source: r.source, signer: r.signer, archive_sha256: r.archive_sha256,
                archive_size: r.archive_size, files: r.files)
        }
    }

    private func updateLockFile(_ change: (inout LockFile) -> Void) throws {
        let lock = try FileLock(path: locksFolder + "/spider.lock.json.lock")
        defer { lock.unlock() }
        var file = try LockFile.read(lockFilePath)
        change(&file)
        try file.write(lockFilePath)
    }

    private func syncFolders(under staging: String, files: [String]) throws {
        var folders: Set<String> = [staging]
        for file in files {
            var parent = (file as NSString).deletingLastPathComponent
            while !parent.isEmpty { folders.insert(staging + "/" + parent); parent = (parent as NSString).deletingLastPathComponent }
        }
        for folder in folders { try DurableFile.syncFolder(folder) }
    }

    /// Removes staging folders and the version folders of installs that stopped before their receipt,
    /// when the driver's lock is free (a held lock means another installer, perhaps in another process,
    /// is still working on them). A receipt-less folder without the marker was staged by hand: kept.
    private func cleanUpInterrupted() {
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: stagingFolder)) ?? [] {
            let driver = String(name.prefix { $0 != "@" })
            guard let lock = FileLock.attempt(path: locksFolder + "/" + driver + ".lock") else { continue }
            try? fm.removeItem(atPath: stagingFolder + "/" + name)
            lock.unlock()
        }
        // Downloads run before the driver's lock is taken; they name the process that makes them.
        for name in (try? fm.contentsOfDirectory(atPath: downloadsFolder)) ?? [] {
            // "<pid>-<driver>@<version>-<random>.tar.gz", or the fetcher's ".<that>.part-XXXXXX".
            guard let pid = Int32(name.drop { $0 == "." }.prefix { $0 != "-" }), pid > 0,
                  kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? fm.removeItem(atPath: downloadsFolder + "/" + name)
        }
        for name in (try? fm.contentsOfDirectory(atPath: root)) ?? [] where Names.isDriverName(name) {
            let versions = (try? fm.contentsOfDirectory(atPath: root + "/" + name)) ?? []
            for version in versions {
                let folder = versionFolder(name: name, version: version)
                guard fm.fileExists(atPath: folder + "/" + Self.incompleteMarker),
                      let lock = FileLock.attempt(path: locksFolder + "/" + name + ".lock") else { continue }
                if fm.fileExists(atPath: folder + "/receipt.json") {
                    unlink(folder + "/" + Self.incompleteMarker)
                } else {
                    try? fm.removeItem(atPath: folder)
                }
                lock.unlock()
            }
        }
        // A crash after the receipt and before record() leaves an install the lock file lacks;
        // reinstalling returns the receipt early, so only this can add it.
        guard let locked = try? LockFile.read(lockFilePath) else { return }
        for r in installed() where locked.drivers[r.name]?[r.version] == nil {
            guard let lock = FileLock.attempt(path: locksFolder + "/" + r.name + ".lock") else { continue }
            if receipt(name: r.name, version: r.version) == r { try? record(r) }  // still there under the lock
            lock.unlock()
        }
    }
}
