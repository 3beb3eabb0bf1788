import Foundation
import Synchronization
import Testing
import TestEvents
@testable import SpiderRegistry

@Suite struct InstallStoreTests {
    /// Nothing of `name` is installed and no staging folder is left.
    func expectNothingInstalled(_ store: InstallStore, _ name: String = "demo") {
        #expect(!FileManager.default.fileExists(atPath: store.root + "/" + name + "/1.0.0"))
        #expect((try? FileManager.default.contentsOfDirectory(atPath: store.root + "/.staging")) == [])
        #expect(store.installed().isEmpty)
    }

    @Test func installsAVerifiedBundleWithReceiptAndLockFile() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let bundle = try BundleFixture.make(in: dir.path)
        let store = try InstallStore(root: dir.file("drivers"))
        let receipt = try store.install(bundleAt: bundle.archive, entry: bundle.entry, signer: "0123456789abcdef", source: "file:///registry")

        let folder = store.versionFolder(name: "demo", version: "1.0.0")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["README", "driver.json", "libdemo.so", "receipt.json"])
        #expect(receipt.signer == "0123456789abcdef")
        #expect(receipt.source == "file:///registry")
        #expect(receipt.library == "libdemo.so")
        #expect(receipt.archive_sha256 == bundle.entry.sha256)
        #expect(receipt.files["libdemo.so"] == (try SHA256Stream.file(at: folder + "/libdemo.so").sha256))
        #expect(store.installed() == [receipt])
        #expect(store.receipt(name: "demo", version: "1.0.0") == receipt)

        let lock = try LockFile.read(store.lockFilePath)
        #expect(lock.drivers["demo"]?["1.0.0"]?.archive_sha256 == bundle.entry.sha256)
        #expect(lock.drivers["demo"]?["1.0.0"]?.files == receipt.files)
        // Installing the same archive again is a no-op answering the existing receipt.
        #expect(try store.install(bundleAt: bundle.archive, entry: bundle.entry, signer: nil, source: "elsewhere") == receipt)
        #expect((try? FileManager.default.contentsOfDirectory(atPath: store.root + "/.staging")) == [])
    }

    @Test func unsignedInstallIsRecordedAsUnsigned() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let bundle = try BundleFixture.make(in: dir.path)
        let store = try InstallStore(root: dir.file("drivers"))
        let receipt = try store.install(bundleAt: bundle.archive, entry: bundle.entry, signer: nil, source: bundle.archive)
        #expect(receipt.signer == "unsigned")
        #expect(try LockFile.read(store.lockFilePath).drivers["demo"]?["1.0.0"]?.signer == "unsigned")
    }

    @Test func refusesSizeAndSha256Mismatch() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let bundle = try BundleFixture.make(in: dir.path)
        let store = try InstallStore(root: dir.file("drivers"))
        var wrongSha = bundle.entry
        wrongSha.sha256 = String(repeating: "0", count: 64)
        #expect(errorText { _ = try store.install(bundleAt: bundle.archive, entry: wrongSha, signer: nil, source: "t") }
                == "SHA-256 mismatch for demo 1.0.0: the index says \(wrongSha.sha256), the archive has \(bundle.entry.sha256)")
        var wrongSize = bundle.entry
        wrongSize.size += 1
        #expect(errorText { _ = try store.install(bundleAt: bundle.archive, entry: wrongSize, signer: nil, source: "t") }?
                    .hasPrefix("size mismatch for demo 1.0.0: the index says \(wrongSize.size) bytes") == true)
        expectNothingInstalled(store)
    }

    @Test func refusesManifestThatDiffersFromTheIndex() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let bundle = try BundleFixture.make(in: dir.path, manifest: ["version": "1.0.1", "provider": "OTHER"])
        let store = try InstallStore(root: dir.file("drivers"))
        #expect(errorText { _ = try store.install(bundleAt: bundle.archive, entry: bundle.entry, signer: nil, source: "t") }
                == "driver.json does not match the index entry: version is '1.0.1', the index says '1.0.0'; provider is 'OTHER', the index says 'DEMO'")
        expectNothingInstalled(store)
    }

    @Test func refusesALibraryThatIsNotELF() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let bundle = try BundleFixture.make(in: dir.path, library: Data("#!/bin/sh\necho not a library\n".utf8))
        let store = try InstallStore(root: dir.file("drivers"))
        #expect(errorText { _ = try store.install(bundleAt: bundle.archive, entry: bundle.entry, signer: nil, source: "t") }
                == "'libdemo.so' in demo 1.0.0 is not an ELF shared library")
        expectNothingInstalled(store)
    }

    @Test func refusesAnotherABIOrPlatform() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let bundle = try BundleFixture.make(in: dir.path, manifest: ["abi_version": 2])
        let store = try InstallStore(root: dir.file("drivers"))
        var abi2 = bundle.entry
        abi2.abi_version = 2
        #expect(errorText { _ = try store.install(bundleAt: bundle.archive, entry: abi2, signer: nil, source: "t") }
                == "demo 1.0.0 speaks driver ABI 2; this host loads ABI 1...1")
        var arm = bundle.entry
        arm.platform = InstallStore.hostPlatform == "linux-aarch64" ? "linux-x86_64" : "linux-aarch64"
        #expect(errorText { _ = try store.install(bundleAt: bundle.archive, entry: arm, signer: nil, source: "t") }?
                    .contains("is built for \(arm.platform); this host is \(InstallStore.hostPlatform)") == true)
        // The ABI check of the manifest itself: the index claims 1, the bundle says 2.
        #expect(errorText { _ = try store.install(bundleAt: bundle.archive, entry: bundle.entry, signer: nil, source: "t") }
                == "driver.json does not match the index entry: abi_version is '2', the index says '1'")
        expectNothingInstalled(store)
    }

    @Test func refusesMaliciousArchiveAndLeavesNothingInstalled() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        try makeTarGz(dir.file("evil.tar.gz"), "add(\"driver.json\", b\"{}\")\nadd(\"../../evil.so\", b\"x\")")
        let (sha, size) = try SHA256Stream.file(at: dir.file("evil.tar.gz"))
        let entry = IndexEntry(name: "demo", version: "1.0.0", platform: InstallStore.hostPlatform, archive: "e.tar.gz",
                               size: size, sha256: sha, abi_version: 1, provider: "DEMO")
        let store = try InstallStore(root: dir.file("drivers"))
        #expect(errorText { _ = try store.install(bundleAt: dir.file("evil.tar.gz"), entry: entry, signer: nil, source: "t") }
                == "archive entry '../../evil.so' has a '..' component (path traversal)")
        expectNothingInstalled(store)
        #expect(!FileManager.default.fileExists(atPath: dir.file("evil.so")))
    }

    @Test func neverOverwritesAnInstalledVersionAndChecksTheLockFile() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let first = try BundleFixture.make(in: dir.path, tag: "a")
        let second = try BundleFixture.make(in: dir.path, tag: "b")  // same name and version, other bytes
        #expect(first.entry.sha256 != second.entry.sha256)
        let store = try InstallStore(root: dir.file("drivers"))
        _ = try store.install(bundleAt: first.archive, entry: first.entry, signer: nil, source: "r1")
        let so = store.versionFolder(name: "demo", version: "1.0.0") + "/libdemo.so"
        let before = try Data(contentsOf: URL(fileURLWithPath: so))

        #expect(errorText { _ = try store.install(bundleAt: second.archive, entry: second.entry, signer: nil, source: "r2") }
                == "demo 1.0.0 is already installed from another archive (sha256 \(first.entry.sha256)); remove it first")
        #expect(try Data(contentsOf: URL(fileURLWithPath: so)) == before)

        // Even after the folder is gone, the lock file remembers which archive was accepted.
        try FileManager.default.removeItem(atPath: store.versionFolder(name: "demo", version: "1.0.0"))
        #expect(errorText { _ = try store.install(bundleAt: second.archive, entry: second.entry, signer: nil, source: "r2") }
                == "spider.lock.json records sha256 \(first.entry.sha256) for demo 1.0.0 (from r1); this archive has \(second.entry.sha256)")
        _ = try store.install(bundleAt: first.archive, entry: first.entry, signer: nil, source: "r1")
    }

    @Test func openingCleansUpInterruptedInstalls() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let root = dir.file("drivers")
        let fm = FileManager.default
        // What a killed installer leaves: a staging folder and a version folder without a receipt.
        try fm.createDirectory(atPath: root + "/.staging/demo@1.0.0.42", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/demo/1.0.0", withIntermediateDirectories: true)
        try Data([0x7f, 0x45, 0x4c, 0x46]).write(to: URL(fileURLWithPath: root + "/demo/1.0.0/libdemo.so"))
        _ = fm.createFile(atPath: root + "/demo/1.0.0/.spider-incomplete", contents: nil)
        // A folder staged by hand (no marker, no receipt) is not installed, but it is not ours to delete.
        try fm.createDirectory(atPath: root + "/other/2.0.0", withIntermediateDirectories: true)
        let store = try InstallStore(root: root)
        #expect(try fm.contentsOfDirectory(atPath: root + "/.staging") == [])
        #expect(!fm.fileExists(atPath: root + "/demo/1.0.0"))
        #expect(fm.fileExists(atPath: root + "/other/2.0.0"))
        #expect(store.installed().isEmpty)
        let other = try BundleFixture.make(in: dir.path, name: "other", version: "2.0.0")
        #expect(errorText { _ = try store.install(bundleAt: other.archive, entry: other.entry, signer: nil, source: "t") }
                == "\(root)/other/2.0.0 exists but was not installed by the store; move it away first")
        let bundle = try BundleFixture.make(in: dir.path)
        _ = try store.install(bundleAt: bundle.archive, entry: bundle.entry, signer: nil, source: "t")
        #expect(store.installed().map(\.version) == ["1.0.0"])
    }

    @Test func leavesAnotherProcessesInstallInProgressAlone() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let root = dir.file("drivers")
        _ = try InstallStore(root: root)
        try FileManager.default.createDirectory(atPath: root + "/.staging/demo@1.0.0.7", withIntermediateDirectories: true)
        // Another process (flock(1)) holds the driver's lock, as an installer does while it works.
        let holder = try FlockHolder(path: root + "/.locks/demo.lock")
        defer { holder.release() }
        _ = try InstallStore(root: root)
        #expect(FileManager.default.fileExists(atPath: root + "/.staging/demo@1.0.0.7"))
    }

    @Test func installerWaitsForAnotherProcessHoldingTheDriverLock() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let bundle = try BundleFixture.make(in: dir.path)
        let store = try InstallStore(root: dir.file("drivers"))
        let holder = try FlockHolder(path: store.root + "/.locks/demo.lock")
        defer { holder.release() }
        let waiting = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<InstalledDriverReceipt, any Error>?>(nil)
        let steps = Mutex<[InstallStep]>([])
        Thread.detachNewThread {
            let result = Result {
                try store.install(bundleAt: bundle.archive, entry: bundle.entry, signer: nil, source: "t") { step in
                    steps.withLock { $0.append(step) }
                    if step == .waitingForLock { waiting.signal() }
                }
            }
            outcome.withLock { $0 = result }
            done.signal()
        }
        // The installer says it waits, and it really does: it has not finished while the lock is held.
        try #require(waiting.wait(timeout: .now() + 60) == .success, "the installer never reported waiting for the lock")
        #expect(outcome.withLock { $0 } == nil, "the install went ahead while another process held the lock")
        #expect(store.receipt(name: "demo", version: "1.0.0") == nil)
        holder.release()
        try #require(done.wait(timeout: .now() + 60) == .success, "the install did not finish once the lock was free")
        let receipt = try #require(try outcome.withLock { $0 }?.get())
        #expect(receipt.archive_sha256 == bundle.entry.sha256)
        #expect(steps.withLock { $0 } == InstallStep.allCases, "every step, in order, the lock wait first")
    }

    @Test func concurrentInstallersEndWithOneGoodInstall() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let bundle = try BundleFixture.make(in: dir.path)
        let root = dir.file("drivers")
        let results = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            // A store per installer, as separate processes would have.
            let outcome: String
            do {
                let store = try InstallStore(root: root)
                outcome = try store.install(bundleAt: bundle.archive, entry: bundle.entry, signer: nil, source: "t").archive_sha256
            } catch { outcome = "\(error)" }
            results.withLock { $0.append(outcome) }
        }
        #expect(results.withLock { $0 } == Array(repeating: bundle.entry.sha256, count: 6))
        let store = try InstallStore(root: root)
        #expect(store.installed().count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/.staging") == [])
    }
}

/// Holds an exclusive flock on `path` from a separate `flock(1)` process until `release()`: the shell
/// under it says "held" once it owns the lock, then waits for its standard input to end.
final class FlockHolder {
    let process = Process()
    private let input = Pipe(), output = Pipe()
    private var released = false

    init(path: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        process.arguments = ["-x", path, "sh", "-c", "echo held; cat >/dev/null"]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        // Reading blocks until the child owns the lock and says so.
        let said = String(decoding: output.fileHandleForReading.readData(ofLength: 5), as: UTF8.self)
        guard said == "held\n" else { throw EventFailure("flock(1) did not take \(path): '\(said)'") }
    }

    /// Ends the holder's input, so it exits and lets go (killing flock(1) would leave its shell holding the lock).
    func release() {
        guard !released else { return }
        released = true
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
