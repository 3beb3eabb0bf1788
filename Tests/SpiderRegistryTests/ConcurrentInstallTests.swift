import Foundation
import Testing
@testable import SpiderRegistry

/// `spider-pack install` as real child processes sharing one install store: installers racing each
/// other, and installers killed with SIGKILL part-way. The store's promise: after opening it, a
/// version is either completely installed or not there at all, and the next install works.
@Suite struct ConcurrentInstallTests {
    /// A started `spider-pack install`, its output going to files (no pipe to fill up).
    final class Installer {
        let process = Process()
        let outPath: String, errPath: String

        init(store: String, registry: RegistryFixture, trust: String, logs: String, driver: String = "demo") throws {
            outPath = logs + ".out"; errPath = logs + ".err"
            FileManager.default.createFile(atPath: outPath, contents: nil)
            FileManager.default.createFile(atPath: errPath, contents: nil)
            process.executableURL = URL(fileURLWithPath: SpiderPackTests.binary)
            process.arguments = ["install", "--store", store, "--registry", registry.folder, "--trust", trust, driver]
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

    @Test func anInstallerKilledPartWayLeavesAllOrNothing() throws {
        let s = try setUp(libraryBytes: 20 << 20); defer { s.dir.cleanup() }
        var outcomes: [String] = []
        // Delays after the start, in ms: from before the download to well into unpacking and syncing.
        for (i, delay) in [0, 15, 40, 80, 130, 200, 300, 450].enumerated() {
            let storePath = s.dir.file("store-\(i)")
            let installer = try Installer(store: storePath, registry: s.registry, trust: s.trust, logs: s.dir.file("killed-\(i)"))
            usleep(useconds_t(delay * 1000))
            installer.kill9()
            let context = "killed after \(delay) ms"

            let store = try InstallStore(root: storePath)   // opening cleans up after the dead installer
            if store.receipt(name: "demo", version: "1.0.0") != nil {
                outcomes.append("complete")
                try expectComplete(store, s.entry, context)
            } else {
                outcomes.append("nothing")
                expectNothing(store, context)
            }

            let again = try Installer(store: storePath, registry: s.registry, trust: s.trust, logs: s.dir.file("again-\(i)")).finish()
            #expect(again.status == 0, "\(context), then installing again: \(again.err)")
            try expectComplete(try InstallStore(root: storePath), s.entry, "\(context), then installed again")
        }
        print("killed installs left: \(outcomes)")
    }
}
