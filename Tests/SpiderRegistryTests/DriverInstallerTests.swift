import Foundation
import Testing
@testable import SpiderRegistry

/// DriverInstaller on real registries (folders and python's http.server on 127.0.0.1), real
/// bundles (gcc) and a real install store.
@Suite struct DriverInstallerTests {
    func bundles(_ dir: TempDir, _ versions: [String], tag: String = "a") throws -> [BundleFixture] {
        try versions.map { try BundleFixture.make(in: dir.path, version: $0, tag: tag) }
    }

    /// Progress callbacks as they arrived.
    final class ProgressLog: @unchecked Sendable {
        var events: [(phase: InstallPhase, bytes: Int64, total: Int64)] = []
        func record(_ phase: InstallPhase, _ bytes: Int64, _ total: Int64) { events.append((phase, bytes, total)) }
        /// The phases with repeats collapsed.
        var phases: [InstallPhase] { events.map(\.phase).reduce(into: []) { if $0.last != $1 { $0.append($1) } } }
    }

    // MARK: choosing a version

    @Test func resolvesTheNewestVersionThisHostLoads() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let b = try bundles(dir, ["1.0.0", "1.2.0", "1.10.0", "1.11.0-rc.1"])
        // 2.0.0 needs another driver ABI, 3.0.0 is for another platform: neither may be chosen.
        let listing = b.map(\.entry) + [b[0].entry.with(version: "2.0.0", abi: 2), b[0].entry.with(version: "3.0.0", platform: otherPlatform),
                                        b[0].entry.with(version: "nightly")]
        let registry = try RegistryFixture.make(at: dir.file("registry"), bundles: b, listing: listing)
        let installer = DriverInstaller(store: try InstallStore(root: dir.file("drivers")), registries: [registry.folder], trust: registry.trust)
        func pick(_ constraint: String) throws -> String {
            try installer.resolve(name: "demo", constraint: VersionConstraint(constraint)).entry.version
        }

        let newest = try installer.resolve(name: "demo")
        #expect(newest.entry.version == "1.10.0")
        #expect(newest.registry == registry.folder && newest.signer == registry.keyID)
        #expect(try pick("latest") == "1.10.0")
        #expect(try pick("1.2.0") == "1.2.0")
        #expect(try pick("^1.2") == "1.10.0")
        #expect(try pick("~1.2") == "1.2.0")
        #expect(try pick(">=1.0,<1.10") == "1.2.0")
        #expect(try pick("<1.2") == "1.0.0")
        #expect(try pick("1.11.0-rc.1") == "1.11.0-rc.1")
        #expect(errorText { _ = try pick("2.0.0") }
                == "no version of driver 'demo' matches '2.0.0' (offered: 1.0.0, 1.2.0, 1.10.0, 1.11.0-rc.1, nightly)")
        #expect(errorText { _ = try pick("^3") }?.hasPrefix("no version of driver 'demo' matches '^3'") == true)

        // Search lists what this platform is offered, whatever the ABI.
        let found = installer.search(matching: "DEM")
        #expect(found.problems.isEmpty)
        #expect(Set(found.offers.map(\.entry.version)) == ["1.0.0", "1.2.0", "1.10.0", "1.11.0-rc.1", "2.0.0", "nightly"])
        #expect(installer.search(matching: "aws").offers.isEmpty)
    }

    @Test func otherABIVersionsAreSkippedAndNamedWhenNothingFits() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let b = try bundles(dir, ["1.0.0"])
        let registry = try RegistryFixture.make(at: dir.file("registry"), bundles: b,
                                                listing: [b[0].entry.with(abi: 3), b[0].entry.with(version: "2.0.0", abi: 2)])
        let installer = DriverInstaller(store: try InstallStore(root: dir.file("drivers")), registries: [registry.folder], trust: registry.trust)
        #expect(errorText { _ = try installer.resolve(name: "demo") }
                == "driver 'demo' is offered only for driver ABI 2, 3; this host loads ABI 1...1")
        // A host that loads ABI 2 gets 2.0.0.
        let newer = DriverInstaller(store: try InstallStore(root: dir.file("drivers2"), abiVersions: 1...2),
                                    registries: [registry.folder], trust: registry.trust)
        #expect(try newer.resolve(name: "demo").entry.version == "2.0.0")
    }

    @Test func resolvesByProviderAndNamesWhatIsMissing() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let b = try bundles(dir, ["1.0.0", "1.1.0"])
        let registry = try RegistryFixture.make(at: dir.file("registry"), bundles: b)
        let installer = DriverInstaller(store: try InstallStore(root: dir.file("drivers")), registries: [registry.folder], trust: registry.trust)
        #expect(try installer.resolve(provider: "demo").entry.version == "1.1.0")
        #expect(try installer.resolve(provider: "DEMO", constraint: VersionConstraint("1.0")).entry.version == "1.0.0")
        let platform = InstallStore.hostPlatform
        #expect(errorText { _ = try installer.resolve(provider: "AWS") } == "no configured registry offers a driver for provider 'AWS' for \(platform)")
        #expect(errorText { _ = try installer.resolve(name: "aws") } == "no configured registry offers driver 'aws' for \(platform)")
        let none = DriverInstaller(store: installer.store, registries: [], trust: registry.trust)
        #expect(errorText { _ = try none.resolve(name: "demo") } == "no registry is configured to install driver 'demo' from")
    }

    @Test func registriesAreAskedInOrder() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        // Both offer 1.0.0 (different archives); only the second offers 1.1.0.
        let first = try RegistryFixture.make(at: dir.file("first"), bundles: try bundles(dir, ["1.0.0"], tag: "first"))
        let second = try RegistryFixture.make(at: dir.file("second"), bundles: try bundles(dir, ["1.0.0", "1.1.0"], tag: "second"))
        let trust = TrustStore(keys: try [first.key, second.key].map { try PublicKeyFile(publicKey: $0.publicKey) })
        let store = try InstallStore(root: dir.file("drivers"))
        let ordered = DriverInstaller(store: store, registries: [first.folder, second.folder], trust: trust)
        let reversed = DriverInstaller(store: store, registries: [second.folder, first.folder], trust: trust)

        let newest = try ordered.resolve(name: "demo")
        #expect(newest.entry.version == "1.1.0" && newest.registry == second.folder && newest.signer == second.keyID)
        let exact = try VersionConstraint("1.0.0")
        let fromFirst = try ordered.resolve(name: "demo", constraint: exact)
        #expect(fromFirst.registry == first.folder && fromFirst.signer == first.keyID)
        #expect(try reversed.resolve(name: "demo", constraint: exact).registry == second.folder)

        let receipt = try ordered.install(fromFirst)
        #expect(receipt.source == first.folder && receipt.signer == first.keyID)
        #expect(receipt.archive_sha256 == (try SHA256Stream.file(at: first.folder + "/" + fromFirst.entry.archive).sha256))
    }

    @Test func anUnreadableRegistryIsReportedAndTheOthersUsed() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let good = try RegistryFixture.make(at: dir.file("good"), bundles: try bundles(dir, ["1.0.0"]))
        let untrusted = try RegistryFixture.make(at: dir.file("untrusted"), bundles: try bundles(dir, ["2.0.0"], tag: "u"))
        let missing = dir.file("missing")
        let store = try InstallStore(root: dir.file("drivers"))
        let installer = DriverInstaller(store: store, registries: [missing, untrusted.folder, good.folder], trust: good.trust)

        let (offers, problems) = installer.search()
        #expect(offers.map(\.registry) == [good.folder])
        #expect(problems == ["\(missing) has no index.json", "\(untrusted.folder): index signed by an untrusted key \(untrusted.keyID)"])
        let offer = try installer.resolve(name: "demo")
        #expect(offer.entry.version == "1.0.0" && offer.registry == good.folder)

        let onlyBad = DriverInstaller(store: store, registries: [missing, untrusted.folder], trust: good.trust)
        #expect(errorText { _ = try onlyBad.resolve(name: "demo") }
                == "no configured registry offers driver 'demo' for \(InstallStore.hostPlatform) (unreadable: \(problems.joined(separator: "; ")))")
    }

    @Test func unsignedRegistriesNeedTheOptIn() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let registry = try RegistryFixture.make(at: dir.file("registry"), bundles: try bundles(dir, ["1.0.0"]))
        try FileManager.default.removeItem(atPath: registry.folder + "/index.json.sig")
        let installer = DriverInstaller(store: try InstallStore(root: dir.file("drivers")), registries: [registry.folder], trust: registry.trust)
        #expect(errorText { _ = try installer.resolve(name: "demo") }
                == "\(registry.folder): index has no signature (index.json.sig is missing)")
        let offer = try installer.resolve(name: "demo", allowUnsigned: true)
        #expect(offer.signer == InstallStore.unsigned)
        #expect(try installer.install(offer).signer == InstallStore.unsigned)
    }

    // MARK: installing

    /// The version folder holds exactly the receipt's files with the receipt's hashes.
    func expectInstalled(_ store: InstallStore, _ receipt: InstalledDriverReceipt) throws {
        let folder = store.versionFolder(name: receipt.name, version: receipt.version)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == (receipt.files.keys.sorted() + ["receipt.json"]).sorted())
        for (file, sha) in receipt.files { #expect(try SHA256Stream.file(at: folder + "/" + file).sha256 == sha, "\(file)") }
        #expect(store.installed() == [receipt])
        #expect(try LockFile.read(store.lockFilePath).drivers[receipt.name]?[receipt.version]?.archive_sha256 == receipt.archive_sha256)
        #expect(leftovers(in: store) == [])
    }

    @Test func installsFromAFolderRegistry() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let registry = try RegistryFixture.make(at: dir.file("registry"), bundles: try bundles(dir, ["1.0.0", "1.1.0"]))
        let store = try InstallStore(root: dir.file("drivers"))
        let installer = DriverInstaller(store: store, registries: [registry.folder + "/"], trust: registry.trust)
        let offer = try installer.resolve(name: "demo")
        let receipt = try installer.install(offer)
        #expect(receipt.version == "1.1.0" && receipt.source == registry.folder && receipt.signer == registry.keyID)
        #expect(receipt.archive_sha256 == offer.entry.sha256 && receipt.archive_size == offer.entry.size)
        try expectInstalled(store, receipt)

        // Again: answered from the receipt, without a download.
        let log = ProgressLog()
        #expect(try installer.install(offer, progress: log.record) == receipt)
        #expect(log.phases == [.done])
    }

    @Test func installsFromAnHTTPRegistryReportingProgress() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let library = try largeLibrary(in: dir.path, bytes: 3 << 20)
        let served = try FetcherTestFolder()
        let registry = try RegistryFixture.make(at: served.path, bundles: [try BundleFixture.make(in: dir.path, library: library)])
        let server = try FetcherTestServer.files(in: served)
        defer { server.stop() }
        let store = try InstallStore(root: dir.file("drivers"))
        let installer = DriverInstaller(store: store, registries: [server.url("")], trust: registry.trust)
        let offer = try installer.resolve(name: "demo")
        #expect(offer.registry == "http://127.0.0.1:\(server.port)")

        let log = ProgressLog()
        let receipt = try installer.install(offer, progress: log.record)
        #expect(receipt.source == offer.registry && receipt.signer == registry.keyID)
        try expectInstalled(store, receipt)
        #expect(server.requests(offer.entry.archive) == 1)

        let size = offer.entry.size
        #expect(log.phases == [.downloading, .installing, .done])
        #expect(log.events.allSatisfy { $0.total == size })
        let downloaded = log.events.filter { $0.phase == .downloading }.map(\.bytes)
        #expect(downloaded.first == 0 && downloaded.last == size)
        #expect(downloaded.count > 2, "\(downloaded)")
        #expect(zip(downloaded, downloaded.dropFirst()).allSatisfy { $0 <= $1 }, "\(downloaded)")
        #expect(log.events.last.map { $0.bytes == size } == true)
    }

    enum Damage: String, CaseIterable { case flippedByte, longer, shorter }

    @Test(arguments: [false, true], Damage.allCases)
    func aDamagedArchiveIsRefusedAndNothingIsLeft(overHTTP: Bool, damage: Damage) throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let served = try FetcherTestFolder()
        let registry = try RegistryFixture.make(at: served.path, bundles: try bundles(dir, ["1.0.0"]))
        let entry = try #require(try VerifiedIndex.read(folder: registry.folder, trust: registry.trust).index.entries.first)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: registry.archive(entry)))
        switch damage {
        case .flippedByte: bytes[bytes.count / 2] ^= 0x01
        case .longer: bytes.append(0)
        case .shorter: bytes.removeLast()
        }
        try bytes.write(to: URL(fileURLWithPath: registry.archive(entry)))
        let server = overHTTP ? try FetcherTestServer.files(in: served) : nil
        defer { server?.stop() }

        let store = try InstallStore(root: dir.file("drivers"))
        let installer = DriverInstaller(store: store, registries: [server?.url("") ?? registry.folder], trust: registry.trust)
        let log = ProgressLog()
        let message = try #require(errorText { _ = try installer.install(try installer.resolve(name: "demo"), progress: log.record) })
        switch damage {
        case .flippedByte:
            #expect(message.hasPrefix("SHA-256 mismatch for demo 1.0.0: the index says \(entry.sha256), the archive has "), "\(message)")
        case .longer:
            #expect(message == "size mismatch for demo 1.0.0: the index says \(entry.size) bytes, the archive is larger")
        case .shorter:
            #expect(message == "size mismatch for demo 1.0.0: the index says \(entry.size) bytes, the archive has \(entry.size - 1)")
        }
        #expect(!log.phases.contains(.done))
        #expect(!FileManager.default.fileExists(atPath: store.root + "/demo"))
        #expect(store.installed().isEmpty)
        #expect(try LockFile.read(store.lockFilePath).drivers.isEmpty)
        #expect(leftovers(in: store) == [])
    }

    // MARK: downloads a crash left behind

    @Test func openingTheStoreRemovesOnlyDownloadsOfDeadProcesses() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try InstallStore(root: dir.file("drivers"))
        let own = store.downloadPath(name: "demo", version: "1.0.0")
        #expect(own.hasPrefix(store.root + "/.downloads/\(getpid())-demo@1.0.0-") && own.hasSuffix(".tar.gz"))

        let dead = try Process.run(URL(fileURLWithPath: "/bin/true"), arguments: [])
        dead.waitUntilExit()   // reaped: its pid names no process now
        let alive = try Process.run(URL(fileURLWithPath: "/bin/sleep"), arguments: ["60"])
        defer { kill(alive.processIdentifier, SIGKILL); alive.waitUntilExit() }

        let deadFiles = ["\(dead.processIdentifier)-demo@1.0.0-17.tar.gz", ".\(dead.processIdentifier)-demo@1.0.0-18.tar.gz.part-Ab12Cd"]
        let liveFiles = [(own as NSString).lastPathComponent, ".\(getpid())-demo@1.0.0-19.tar.gz.part-Xy34Zw",
                         "\(alive.processIdentifier)-demo@2.0.0-20.tar.gz"]
        for name in deadFiles + liveFiles {
            #expect(FileManager.default.createFile(atPath: store.root + "/.downloads/" + name, contents: Data("partial".utf8)))
        }
        _ = try InstallStore(root: store.root)
        #expect(leftovers(in: store).sorted() == liveFiles.map { ".downloads/" + $0 }.sorted())
    }

    @Test func openingTheStoreRecordsAnInstallTheLockFileLacks() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let registry = try RegistryFixture.make(at: dir.file("registry"), bundles: try bundles(dir, ["1.0.0"]))
        let store = try InstallStore(root: dir.file("drivers"))
        let installer = DriverInstaller(store: store, registries: [registry.folder], trust: registry.trust)
        let receipt = try installer.install(try installer.resolve(name: "demo"))
        // What a crash between writing the receipt and recording it leaves.
        var lock = try LockFile.read(store.lockFilePath)
        lock.drivers = [:]
        try lock.write(store.lockFilePath)
        #expect(try installer.install(try installer.resolve(name: "demo")) == receipt)
        #expect(try LockFile.read(store.lockFilePath).drivers.isEmpty)   // the early return does not record it

        _ = try InstallStore(root: store.root)
        let locked = try #require(try LockFile.read(store.lockFilePath).drivers["demo"]?["1.0.0"])
        #expect(locked.archive_sha256 == receipt.archive_sha256 && locked.files == receipt.files && locked.signer == registry.keyID)
    }
}
