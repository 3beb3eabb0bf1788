import CLibCrypto
import Foundation

/// Ed25519 over libcrypto's EVP API: raw 32-byte keys, 64-byte signatures, no pre-hash (RFC 8032 "pure" Ed25519).
public enum Ed25519 {
    public struct KeyPair: Sendable, Equatable {
        /// The 32-byte private seed.
        public var privateKey: [UInt8]
        public var publicKey: [UInt8]
    }

    public static func generateKeyPair() throws -> KeyPair {
        guard let ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nil) else { throw RegistryError.crypto("EVP_PKEY_CTX_new_id failed") }
        defer { EVP_PKEY_CTX_free(ctx) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(ctx) == 1, EVP_PKEY_keygen(ctx, &key) == 1, let key else {
            throw RegistryError.crypto("Ed25519 key generation failed: \(opensslError())")
        }
        defer { EVP_PKEY_free(key) }
        return KeyPair(privateKey: try raw(key, private: true), publicKey: try raw(key, private: false))
    }

    /// The public half of a private seed.
    public static func publicKey(forPrivate seed: [UInt8]) throws -> [UInt8] {
        let key = try privateKey(seed)
        defer { EVP_PKEY_free(key) }
        return try raw(key, private: false)
    }

    public static func sign(_ message: Data, privateKey seed: [UInt8]) throws -> [UInt8] {
        let key = try privateKey(seed)
        defer { EVP_PKEY_free(key) }
        guard let md = EVP_MD_CTX_new() else { throw RegistryError.crypto("EVP_MD_CTX_new failed") }
        defer { EVP_MD_CTX_free(md) }
        // Ed25519 takes no digest: the EVP API wants NULL here and a one-shot DigestSign.
        guard EVP_DigestSignInit(md, nil, nil, nil, key) == 1 else {
            throw RegistryError.crypto("EVP_DigestSignInit failed: \(opensslError())")
        }
        var signature = [UInt8](repeating: 0, count: 64)
        var length = 64
        let ok = message.withUnsafeBytes { m in
            EVP_DigestSign(md, &signature, &length, m.bindMemory(to: UInt8.self).baseAddress, m.count)
        }
        guard ok == 1, length == 64 else { throw RegistryError.crypto("Ed25519 signing failed: \(opensslError())") }
        return signature
    }

    public static func verify(_ message: Data, signature: [UInt8], publicKey: [UInt8]) -> Bool {
        guard signature.count == 64, publicKey.count == 32,
              let key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, publicKey, 32) else { return false }
        defer { EVP_PKEY_free(key) }
        guard let md = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(md) }
        guard EVP_DigestVerifyInit(md, nil, nil, nil, key) == 1 else { return false }
        let ok = message.withUnsafeBytes { m in
            EVP_DigestVerify(md, signature, 64, m.bindMemory(to: UInt8.self).baseAddress, m.count)
        }
        ERR_clear_error()
        return ok == 1
    }

    /// A short, stable name for a public key: the first 16 hex digits of its SHA-256.
    public static func keyID(publicKey: [UInt8]) throws -> String {
        String(try SHA256Stream.hex(of: Data(publicKey)).prefix(16))
    }

    private static func privateKey(_ seed: [UInt8]) throws -> OpaquePointer {
        guard seed.count == 32, let key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, seed, 32) else {
            throw RegistryError.crypto("invalid Ed25519 private key (need 32 bytes, got \(seed.count))")
        }
        return key
    }

    private static func raw(_ key: OpaquePointer, private isPrivate: Bool) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 32)
        var length = 32
        let ok = isPrivate ? EVP_PKEY_get_raw_private_key(key, &bytes, &length)
                           : EVP_PKEY_get_raw_public_key(key, &bytes, &length)
        guard ok == 1, length == 32 else { throw RegistryError.crypto("cannot read raw Ed25519 key: \(opensslError())") }
        return bytes
    }
}

func opensslError() -> String {
    let code = ERR_get_error()
    ERR_clear_error()
    guard code != 0 else { return "no OpenSSL error queued" }
    var buffer = [CChar](repeating: 0, count: 256)
    ERR_error_string_n(code, &buffer, buffer.count)
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
