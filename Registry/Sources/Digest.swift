import CLibCrypto
import Foundation

/// Streaming SHA-256 over chunks (libcrypto EVP), so an archive is hashed while it is read or downloaded.
public final class SHA256Stream {
    private let ctx: OpaquePointer

    public init() throws {
        guard let ctx = EVP_MD_CTX_new() else { throw RegistryError.crypto("EVP_MD_CTX_new failed") }
        guard EVP_DigestInit_ex(ctx, EVP_sha256(), nil) == 1 else {
            EVP_MD_CTX_free(ctx)
            throw RegistryError.crypto("EVP_DigestInit_ex(SHA-256) failed")
        }
        self.ctx = ctx
    }

    deinit { EVP_MD_CTX_free(ctx) }

    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        EVP_DigestUpdate(ctx, base, bytes.count)
    }

    public func update(_ data: Data) {
        data.withUnsafeBytes { update($0) }
    }

    /// The digest as 64 lower-case hex digits; the stream must not be used afterwards.
    public func finalizeHex() -> String {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(ctx, &out, &length)
        return Hex.encode(out[0..<Int(length)])
    }

    /// SHA-256 and size of a file, read in 256 KiB chunks.
    public static func file(at path: String) throws -> (sha256: String, size: Int64) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw RegistryError.io("cannot open \(path)") }
        defer { try? handle.close() }
        let stream = try SHA256Stream()
        var size: Int64 = 0
        while true {
            let chunk = try handle.read(upToCount: 256 * 1024) ?? Data()
            if chunk.isEmpty { break }
            stream.update(chunk)
            size += Int64(chunk.count)
        }
        return (stream.finalizeHex(), size)
    }

    public static func hex(of data: Data) throws -> String {
        let stream = try SHA256Stream()
        stream.update(data)
        return stream.finalizeHex()
    }
}

enum Hex {
    static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    static func isSHA256(_ s: String) -> Bool {
        s.utf8.count == 64 && s.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
