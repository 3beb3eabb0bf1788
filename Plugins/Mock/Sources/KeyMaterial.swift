// A real RSA 2048 key pair from OpenSSL's libcrypto, in the shapes a cloud returns: the private
// key as traditional PKCS#1 PEM (`-----BEGIN RSA PRIVATE KEY-----`, as AWS returns it), the public
// key in OpenSSH format (`ssh-rsa AAAA…`), and OpenSSH's `SHA256:` fingerprint of that public key.
import CLibCrypto
import Foundation
import SpiderDriverCrypto

struct KeyMaterial {
    static let bits: Int32 = 2048

    let privateKeyPEM: String
    let publicKey: String
    let fingerprint: String

    /// A fresh key pair, or INTERNAL with OpenSSL's error text.
    static func generate() throws -> KeyMaterial {
        ERR_clear_error()
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nil) else {
            throw DriverCrypto.failure("EVP_PKEY_CTX_new_id (RSA)")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1 else { throw DriverCrypto.failure("EVP_PKEY_keygen_init") }
        guard EVP_PKEY_CTX_set_rsa_keygen_bits(context, bits) == 1 else {
            throw DriverCrypto.failure("EVP_PKEY_CTX_set_rsa_keygen_bits (\(bits))")
        }
        var generated: OpaquePointer?
        defer { EVP_PKEY_free(generated) }   // accepts nil
        guard EVP_PKEY_keygen(context, &generated) == 1, let key = generated else {
            throw DriverCrypto.failure("EVP_PKEY_keygen (RSA \(bits))")
        }

        let pem = try privateKeyPEM(key)
        // OpenSSH wire format: string "ssh-rsa", mpint e, mpint n.
        let e = try parameter(key, OSSL_PKEY_PARAM_RSA_E)
        let n = try parameter(key, OSSL_PKEY_PARAM_RSA_N)
        let blob = SSHWire.string(Array("ssh-rsa".utf8)) + SSHWire.mpint(e) + SSHWire.mpint(n)
        let publicKey = "ssh-rsa " + Data(blob).base64EncodedString()
        return KeyMaterial(privateKeyPEM: pem, publicKey: publicKey, fingerprint: try fingerprint(ofBlob: blob))
    }

    /// OpenSSH's fingerprint of a public key's wire blob: `SHA256:` + unpadded base64 of its SHA-256.
    static func fingerprint(ofBlob blob: [UInt8]) throws -> String {
        "SHA256:" + Data(try DriverCrypto.sha256(blob)).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    /// The key's traditional (PKCS#1) PEM, unencrypted.
    private static func privateKeyPEM(_ key: OpaquePointer) throws -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw DriverCrypto.failure("BIO_new (memory)") }
        defer { BIO_free(bio) }
        guard PEM_write_bio_PrivateKey_traditional(bio, key, nil, nil, 0, nil, nil) == 1 else {
            throw DriverCrypto.failure("PEM_write_bio_PrivateKey_traditional")
        }
        let pending = BIO_ctrl_pending(bio)
        guard pending > 0, pending <= Int(Int32.max) else { throw DriverCrypto.failure("BIO_ctrl_pending (\(pending) bytes)") }
        var bytes = [UInt8](repeating: 0, count: pending)
        guard BIO_read(bio, &bytes, Int32(pending)) == Int32(pending) else { throw DriverCrypto.failure("BIO_read") }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A public RSA number (`n` or `e`) as big-endian bytes without leading zeros.
    private static func parameter(_ key: OpaquePointer, _ name: String) throws -> [UInt8] {
        var number: OpaquePointer?
        defer { BN_free(number) }   // accepts nil
        guard EVP_PKEY_get_bn_param(key, name, &number) == 1, let number else {
            throw DriverCrypto.failure("EVP_PKEY_get_bn_param (\(name))")
        }
        let count = (BN_num_bits(number) + 7) / 8
        var bytes = [UInt8](repeating: 0, count: Int(count))
        guard BN_bn2bin(number, &bytes) == count else { throw DriverCrypto.failure("BN_bn2bin (\(name))") }
        return bytes
    }
}

/// OpenSSH's wire encoding (RFC 4251 §5).
private enum SSHWire {
    static func string(_ bytes: [UInt8]) -> [UInt8] {
        let n = UInt32(bytes.count)
        return [UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)] + bytes
    }

    /// A non-negative mpint from big-endian bytes: no leading zeros, plus one zero byte when the
    /// top bit is set so the number does not read as negative; zero is the empty string.
    static func mpint(_ magnitude: [UInt8]) -> [UInt8] {
        var bytes = Array(magnitude.drop { $0 == 0 })
        if let first = bytes.first, first & 0x80 != 0 { bytes.insert(0, at: 0) }
        return string(bytes)
    }
}
