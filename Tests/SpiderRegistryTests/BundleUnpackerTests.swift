import Foundation
import Testing
@testable import SpiderRegistry

@Suite struct BundleUnpackerTests {
    /// Builds an archive from `body`, unpacks it into `<tmp>/stage/bundle`, and returns the error text.
    /// Afterwards nothing may exist in the temp folder but the archive and the empty `stage` parent.
    func refusal(_ body: String, limits: BundleUnpacker.Limits = .init(), outside: String? = nil) throws -> String? {
        let dir = try TempDir(); defer { dir.cleanup() }
        try makeTarGz(dir.file("bundle.tar.gz"), body)
        try FileManager.default.createDirectory(atPath: dir.file("stage"), withIntermediateDirectories: true)
        let message = errorText { try BundleUnpacker(limits: limits).unpack(archive: dir.file("bundle.tar.gz"), into: dir.file("stage/bundle")) }
        #expect(dir.tree() == ["bundle.tar.gz", "stage"])
        if let outside { #expect(!FileManager.default.fileExists(atPath: outside)) }
        return message
    }

    @Test func unpacksRegularFilesAndFolders() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        try makeTarGz(dir.file("b.tar.gz"), """
        add("./", type=tarfile.DIRTYPE, mode=0o755)
        add("driver.json", b'{"name":"x"}')
        add("libx.so", b"\\x7fELF rest", mode=0o4755)
        add("docs", type=tarfile.DIRTYPE, mode=0o755)
        add("docs/README", b"read me")
        """)
        let files = try BundleUnpacker().unpack(archive: dir.file("b.tar.gz"), into: dir.file("out"))
        #expect(files == ["docs/README", "driver.json", "libx.so"])
        #expect(FileManager.default.contents(atPath: dir.file("out/docs/README")) == Data("read me".utf8))
        // Set-id bits from the archive are dropped; the executable bit is kept.
        let mode = try FileManager.default.attributesOfItem(atPath: dir.file("out/libx.so"))[.posixPermissions] as? Int
        #expect(mode == 0o755)
    }

    @Test func refusesPathTraversal() throws {
        let message = try refusal("""
        add("driver.json", b"{}")
        add("docs/../../escaped", b"x")
        """)
        #expect(message == "archive entry 'docs/../../escaped' has a '..' component (path traversal)")
    }

    @Test func refusesAbsolutePath() throws {
        let target = NSTemporaryDirectory() + "spider-absolute-" + UUID().uuidString
        let message = try refusal("add(\"\(target)\", b\"x\")", outside: target)
        #expect(message == "archive entry '\(target)' has an absolute path")
    }

    @Test func refusesSymlink() throws {
        let message = try refusal("""
        add("driver.json", b"{}")
        add("libx.so", type=tarfile.SYMTYPE, linkname="/etc/passwd")
        """)
        #expect(message == "archive entry 'libx.so' is a symbolic link to '/etc/passwd'; bundles may hold only regular files and folders")
    }

    @Test func refusesHardlink() throws {
        let message = try refusal("""
        add("driver.json", b"{}")
        add("libx.so", type=tarfile.LNKTYPE, linkname="../../outside")
        """)
        #expect(message?.hasPrefix("archive entry 'libx.so' is a hard link to '../../outside'") == true)
    }

    @Test func refusesDeviceAndFifo() throws {
        let device = try refusal("add(\"null\", type=tarfile.CHRTYPE, devmajor=1, devminor=3)")
        #expect(device == "archive entry 'null' is a character device; bundles may hold only regular files and folders")
        let fifo = try refusal("add(\"pipe\", type=tarfile.FIFOTYPE)")
        #expect(fifo == "archive entry 'pipe' is a FIFO; bundles may hold only regular files and folders")
    }

    @Test func refusesDecompressionBomb() throws {
        // 16 MiB of zeros compresses to ~16 KiB; the cap counts decompressed bytes.
        let message = try refusal("add(\"libx.so\", bytes(16 << 20))", limits: .init(maxTotalBytes: 1 << 20))
        #expect(message == "archive expands past the limit of 1048576 bytes at 'libx.so' (decompression bomb?)")
    }

    @Test func refusesTooManyEntries() throws {
        let message = try refusal("for i in range(11): add(f\"f{i}\", b\"x\")", limits: .init(maxEntries: 10))
        #expect(message == "archive has more than 10 entries")
    }

    @Test func refusesDuplicateEntries() throws {
        let message = try refusal("""
        add("libx.so", b"first")
        add("./libx.so", b"second")
        """)
        #expect(message == "archive entry './libx.so' appears twice")
    }

    @Test func refusesTruncatedArchive() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        // Random bytes do not compress, so cutting the archive in half cuts into the file's data.
        try makeTarGz(dir.file("whole.tar.gz"), "import os\nadd(\"driver.json\", b\"{}\")\nadd(\"libx.so\", os.urandom(200000))")
        let whole = try Data(contentsOf: URL(fileURLWithPath: dir.file("whole.tar.gz")))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: dir.file("cut.tar.gz")))
        let message = errorText { try BundleUnpacker().unpack(archive: dir.file("cut.tar.gz"), into: dir.file("out")) }
        #expect(message?.hasPrefix("corrupt or truncated archive \(dir.file("cut.tar.gz"))") == true)
        #expect(message?.lowercased().contains("truncated") == true)
        #expect(!FileManager.default.fileExists(atPath: dir.file("out")))
    }

    @Test func refusesAnExistingDestination() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        try makeTarGz(dir.file("b.tar.gz"), "add(\"driver.json\", b\"{}\")")
        try FileManager.default.createDirectory(atPath: dir.file("out"), withIntermediateDirectories: true)
        #expect(errorText { try BundleUnpacker().unpack(archive: dir.file("b.tar.gz"), into: dir.file("out")) }?.contains("File exists") == true)
    }
}
