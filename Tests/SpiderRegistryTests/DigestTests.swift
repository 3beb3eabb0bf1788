import Foundation
import Testing
@testable import SpiderRegistry

@Suite struct DigestTests {
    @Test func fileDigestMatchesSha256sum() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let path = dir.file("data.bin")
        // Larger than one 256 KiB read so several chunks are hashed.
        var bytes = [UInt8](repeating: 0, count: 700_001)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 31 &+ i >> 7) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let expected = String(try run("sha256sum", [path]).prefix(64))
        let got = try SHA256Stream.file(at: path)
        #expect(got.sha256 == expected)
        #expect(got.size == 700_001)
    }

    @Test func chunkedEqualsOneShot() throws {
        let data = Data("the quick brown fox jumps over the lazy dog".utf8)
        let stream = try SHA256Stream()
        stream.update(data.prefix(7))
        stream.update(data.dropFirst(7))
        #expect(stream.finalizeHex() == (try SHA256Stream.hex(of: data)))
        // Published SHA-256 of the empty string.
        #expect(try SHA256Stream.hex(of: Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}
