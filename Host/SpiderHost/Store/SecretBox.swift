// Seals credential values at rest with AES-256-GCM (OpenSSL libcrypto). The key is generated on
// first start and kept in a file only the host's user can read — never a key written in source.
import CLibCrypto
import Foundation
import Glibc

struct SecretBox: Sendable {
    private let key: [UInt8]
    private static let keyLength = 32, nonceLength = 12, tagLength = 16

    /// Loads the key from `path`, creating it (mode 0600, exclusively) when it does not exist.
    init(keyFile path: String) throws {
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count == Self.keyLength else {
                throw HostError.startup("key file \(path) holds \(data.count) bytes, expected \(Self.keyLength)")
            }
            var info = stat()
            if stat(path, &info) == 0, info.st_mode & 0o077 != 0 {
                throw HostError.startup("key file \(path) is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))); chmod 600 it")
            }
            key = [UInt8](data)
            return
        }
        var fresh = [UInt8](repeating: 0, count: Self.keyLength)
        guard RAND_bytes(&fresh, Int32(Self.keyLength)) == 1 else { throw HostError.startup("no randomness for the key") }
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw HostError.startup("cannot create key file \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard write(fd, fresh, fresh.count) == fresh.count, fsync(fd) == 0 else {
            throw HostError.startup("cannot write key file \(path)")
        }
        key = fresh
    }

    /// nonce ‖ ciphertext ‖ tag. `context` (e.g. the credential's name) is bound as associated data,
    /// so a sealed value cannot be moved to another row.
    func seal(_ plaintext: Data, context: String) throws -> Data {
        var nonce = [UInt8](repeating: 0, count: Self.nonceLength)
        guard RAND_bytes(&nonce, Int32(Self.nonceLength)) == 1 else { throw HostError.internalError("no randomness") }
        let (cipher, tag) = try crypt(encrypt: true, Array(plaintext), nonce: nonce, aad: Array(context.utf8), tag: nil)
        return Data(nonce + cipher + tag!)
    }

    func open(_ sealed: Data, context: String) throws -> Data {
        let bytes = [UInt8](sealed)
        guard bytes.count >= Self.nonceLength + Self.tagLength else { throw HostError.internalError("sealed value too short") }
        let nonce = Array(bytes[0..<Self.nonceLength])
        let cipher = Array(bytes[Self.nonceLength..<(bytes.count - Self.tagLength)])
        let tag = Array(bytes[(bytes.count - Self.tagLength)...])
        let (plain, _) = try crypt(encrypt: false, cipher, nonce: nonce, aad: Array(context.utf8), tag: tag)
        return Data(plain)
    }

    private func crypt(encrypt: Bool, _ input: [UInt8], nonce: [UInt8], aad: [UInt8], tag: [UInt8]?) throws -> ([UInt8], [UInt8]?) {
        guard let ctx = EVP_CIPHER_CTX_new() else { throw HostError.internalError("EVP_CIPHER_CTX_new failed") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        let initOK = encrypt
            ? EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nil, key, nonce)
            : EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nil, key, nonce)
        guard initOK == 1 else { throw HostError.internalError("AES-GCM init failed") }
        var length: Int32 = 0
        if !aad.isEmpty {
            let ok = encrypt ? EVP_EncryptUpdate(ctx, nil, &length, aad, Int32(aad.count))
                             : EVP_DecryptUpdate(ctx, nil, &length, aad, Int32(aad.count))
            guard ok == 1 else { throw HostError.internalError("AES-GCM aad failed") }
        }
        var output = [UInt8](repeating: 0, count: input.count + 16)
        let ok = encrypt ? EVP_EncryptUpdate(ctx, &output, &length, input, Int32(input.count))
                         : EVP_DecryptUpdate(ctx, &output, &length, input, Int32(input.count))
        guard ok == 1 else { throw HostError.internalError("AES-GCM update failed") }
        var total = Int(length)
        if encrypt {
            var tail: Int32 = 0
            guard output.withUnsafeMutableBufferPointer({ EVP_EncryptFinal_ex(ctx, $0.baseAddress! + total, &tail) }) == 1 else {
                throw HostError.internalError("AES-GCM final failed")
            }
            total += Int(tail)
            var newTag = [UInt8](repeating: 0, count: Self.tagLength)
            guard EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, Int32(Self.tagLength), &newTag) == 1 else {
                throw HostError.internalError("AES-GCM tag failed")
            }
            return (Array(output[0..<total]), newTag)
        }
        var expected = tag!
        guard EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, Int32(Self.tagLength), &expected) == 1 else {
            throw HostError.internalError("AES-GCM tag failed")
        }
        var tail: Int32 = 0
        guard output.withUnsafeMutableBufferPointer({ EVP_DecryptFinal_ex(ctx, $0.baseAddress! + total, &tail) }) == 1 else {
            throw HostError.internalError("a sealed credential failed authentication: wrong key file or tampered database")
        }
        total += Int(tail)
        return (Array(output[0..<total]), nil)
    }
}
