import Foundation
import Testing
import TestEvents
@testable import SpiderRegistry

/// `spider-pack install` as real child processes sharing one install store: installers racing each
/// other, and installers killed with SIGKILL part-way. The store's promise: after opening it, a
/// version is either completely installed or not there at all, and the next install works.
@Suite struct ConcurrentInstallTests {
    /// A started `spider-pack install`, its output going to files (no pipe to fill up).
    final class Installer {
        let process = Process()
        let outPath: String, errPath: String

        /// `stopAt`: the install step at which the installer stops itself (SPIDER_INSTALL_STOP_AT).
        init(store: String, registry: RegistryFixture, trust: String, logs: String, driver: String = "demo", stopAt: String? = nil) throws {
            outPath = logs + ".out"; errPath = logs + ".err"
            FileManager.default.createFile(atPath: outPath, contents: nil)
            FileManager.default.createFile(atPath: errPath, contents: nil)
            process.executableURL = URL(fileURLWithPath: SpiderPackTests.binary)
            process.arguments = ["install", "--store", store, "--registry", registry.folder, "--trust", trust, driver]
            if let stopAt { process.environment = ProcessInfo.processInfo.environment.merging(["SPIDER_INSTALL_STOP_AT": stopAt]) { $1 } }
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
            try process.run()
        }

        /// Exit status and both outputs.
        func finish() -> (status: Int32, out: String, err: String) {
            process.waitUntilExit()
            let read = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
            return (process.terminationStatus, read(outPath), read(errPath))
        }

        func kill9() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    struct Setup {
        let dir: TempDir
        let registry: RegistryFixture
        let trust: String
        let entry: IndexEntry
    }

    func setUp(libraryBytes: Int) throws -> Setup {
        let dir = try TempDir()
        let bundle = try BundleFixture.make(in: dir.path, library: try largeLibrary(in: dir.path, bytes: libraryBytes))
        let registry = try RegistryFixture.make(at: dir.file("registry"), bundles: [bundle])
        try registry.writeTrustFolder(dir.file("trust"))
        return Setup(dir: dir, registry: registry, trust: dir.file("trust"), entry: bundle.entry)
    }

    /// demo 1.0.0 is completely installed: receipt, exactly its files with their hashes, one lock-file entry.
    func expectComplete(_ store: InstallStore, _ entry: IndexEntry, _ context: String) throws {
        let folder = store.versionFolder(name: "demo", version: "1.0.0")
        let receipt = try #require(store.receipt(name: "demo", version: "1.0.0"), "\(context)")
        #expect(receipt.archive_sha256 == entry.sha256, "\(context)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.root + "/demo") == ["1.0.0"], "\(context)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == (receipt.files.keys + ["receipt.json"]).sorted(), "\(context)")
        for (file, sha) in receipt.files {
            #expect(try SHA256Stream.file(at: folder + "/" + file).sha256 == sha, "\(context): \(file)")
        }
        let lock = try LockFile.read(store.lockFilePath)
        #expect(lock.drivers.mapValues { Array($0.keys) } == ["demo": ["1.0.0"]], "\(context)")
        #expect(lock.drivers["demo"]?["1.0.0"]?.files == receipt.files, "\(context)")
        #expect(store.installed() == [receipt], "\(context)")
        #expect(leftovers(in: store) == [], "\(context)")
    }

    /// Nothing of demo 1.0.0: no version folder, no staging, no download.
    func expectNothing(_ store: InstallStore, _ context: String) {
        #expect(!FileManager.default.fileExists(atPath: store.versionFolder(name: "demo", version: "1.0.0")), "\(context)")
        #expect(store.installed().isEmpty, "\(context)")
        #expect(leftovers(in: store) == [], "\(context)")
    }

    @Test func twoProcessesInstallingTheSameDriverAtOnce() throws {
        let s = try setUp(libraryBytes: 6 << 20); defer { s.dir.cleanup() }
        for round in 0..<3 {
            let storePath = s.dir.file("store-\(round)")
            let installers = try (0..<2).map {
                try Installer(store: storePath, registry: s.registry, trust: s.trust, logs: s.dir.file("round\(round)-\($0)"))
            }
            for (i, result) in installers.map({ $0.finish() }).enumerated() {
                #expect(result.status == 0, "round \(round) installer \(i): \(result.err)")
                #expect(result.out.contains("installed demo 1.0.0 signer \(s.registry.keyID) source \(s.registry.folder)"), "\(result.out)")
            }
            try expectComplete(try InstallStore(root: storePath), s.entry, "round \(round)")
        }
    }

    /// Where the killed installer was: each step, what the store shows while it is stopped there, and
    /// what is left once the store has been opened after the kill.
    static let killPoints: [(step: String, frozen: Frozen, after: Outcome)] = [
        ("downloading", .downloadOnly, .nothing),
        ("verifying", .downloadOnly, .nothing),
        ("unpacking", .downloadOnly, .nothing),
        ("syncing", .staged, .nothing),
        ("publishing", .staged, .nothing),
        ("writing-receipt", .publishedWithoutReceipt, .nothing),
        ("recording", .receiptNotInLockFile, .complete),
    ]
    enum Frozen { case downloadOnly, staged, publishedWithoutReceipt, receiptNotInLockFile }
    enum Outcome { case nothing, complete }

    @Test("an installer killed at each step leaves all or nothing", arguments: killPoints.indices)
    func anInstallerKilledPartWayLeavesAllOrNothing(point: Int) throws {
        let (step, frozen, after) = Self.killPoints[point]
        let s = try setUp(libraryBytes: 4 << 20); defer { s.dir.cleanup() }
        let storePath = s.dir.file("store")
        let installer = try Installer(store: storePath, registry: s.registry, trust: s.trust, logs: s.dir.file("killed"), stopAt: step)
        let pid = installer.process.processIdentifier
        try #require(ChildProcess.waitUntilStopped(pid), "the installer never stopped at \(step): \(installer.finish())")
        // Frozen mid-install: the store shows exactly this step's state.
        let root = storePath, version = root + "/demo/1.0.0"
        let fm = FileManager.default
        let downloads = (try? fm.contentsOfDirectory(atPath: root + "/.downloads")) ?? []
        let staged = (try? fm.contentsOfDirectory(atPath: root + "/.staging")) ?? []
        let lock = try LockFile.read(root + "/spider.lock.json")
        switch frozen {
        case .downloadOnly:
            #expect(downloads.count == 1 && staged.isEmpty && !fm.fileExists(atPath: version), "\(step): \(downloads) \(staged)")
        case .staged:
            #expect(staged.count == 1 && !fm.fileExists(atPath: version), "\(step): \(staged)")
        case .publishedWithoutReceipt:
            #expect(fm.fileExists(atPath: version) && !fm.fileExists(atPath: version + "/receipt.json"), "\(step)")
        case .receiptNotInLockFile:
            #expect(fm.fileExists(atPath: version + "/receipt.json") && lock.drivers["demo"] == nil, "\(step)")
        }
        installer.kill9()

        let context = "killed at \(step)"
        let store = try InstallStore(root: storePath)   // opening cleans up after the dead installer
        switch after {
        case .nothing: expectNothing(store, context)
        case .complete: try expectComplete(store, s.entry, context)
        }
        let again = try Installer(store: storePath, registry: s.registry, trust: s.trust, logs: s.dir.file("again")).finish()
        #expect(again.status == 0, "\(context), then installing again: \(again.err)")
        try expectComplete(try InstallStore(root: storePath), s.entry, "\(context), then installed again")
    }

    @Test("SPIDER_INSTALL_STOP_AT names a step or is refused")
    func unknownStopPoint() throws {
        let s = try setUp(libraryBytes: 1 << 10); defer { s.dir.cleanup() }
        let result = try Installer(store: s.dir.file("store"), registry: s.registry, trust: s.trust, logs: s.dir.file("bad"), stopAt: "lunch").finish()
        #expect(result.status != 0 && result.err.contains("'lunch' is not a step") && result.err.contains("writing-receipt"), "\(result)")
    }
}
