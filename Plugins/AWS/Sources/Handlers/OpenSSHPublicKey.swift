// The OpenSSH public key (`ssh-rsa AAAA…`) of an RSA private key PEM, read with libcrypto:
// CreateKeyPair returns only the private key, and Spider's KeyPairInfo shows the public one.
import CLibCrypto
import Foundation
import SpiderDriverCrypto

enum OpenSSHPublicKey {
    static func fromPrivateKeyPEM(_ pem: String) throws -> String {
        ERR_clear_error()
        let bytes = Array(pem.utf8)
        let key: OpaquePointer? = bytes.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
        guard let key else { throw DriverCrypto.failure("PEM_read_bio_PrivateKey") }
        defer { EVP_PKEY_free(key) }
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA else {
            throw DriverCrypto.failure("reading the key: not an RSA key")
        }
        let e = try parameter(key, OSSL_PKEY_PARAM_RSA_E)
        let n = try parameter(key, OSSL_PKEY_PARAM_RSA_N)
        let blob = string(Array("ssh-rsa".utf8)) + mpint(e) + mpint(n)
        return "ssh-rsa " + Data(blob).base64EncodedString()
    }

    private static func parameter(_ key: OpaquePointer, _ name: String) throws -> [UInt8] {
        var number: OpaquePointer?
        defer { BN_free(number) }
        guard EVP_PKEY_get_bn_param(key, name, &number) == 1, let number else {
            throw DriverCrypto.failure("EVP_PKEY_get_bn_param (\(name))")
        }
        let count = (BN_num_bits(number) + 7) / 8
        var bytes = [UInt8](repeating: 0, count: Int(count))
        guard BN_bn2bin(number, &bytes) == count else { throw DriverCrypto.failure("BN_bn2bin (\(name))") }
        return bytes
    }

    // OpenSSH's wire encoding (RFC 4251 §5): length-prefixed strings, mpints without sign trouble.
    private static func string(_ bytes: [UInt8]) -> [UInt8] {
        let n = UInt32(bytes.count)
        return [UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)] + bytes
    }

    private static func mpint(_ magnitude: [UInt8]) -> [UInt8] {
        var bytes = Array(magnitude.drop { $0 == 0 })
        if let first = bytes.first, first & 0x80 != 0 { bytes.insert(0, at: 0) }
        return string(bytes)
    }
}
