// SHA-256 and HMAC-SHA256 from OpenSSL's libcrypto (EVP_Digest, EVP_Q_mac), for SigV4.
import CLibCrypto
import SpiderDriverKit

enum LibCryptoDigest {
    static func sha256(_ bytes: [UInt8]) throws -> [UInt8] {
        ERR_clear_error()
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBytes { raw in
            EVP_Digest(raw.baseAddress, raw.count, &digest, &length, EVP_sha256(), nil)
        }
        guard ok == 1, length == 32 else { throw failure("EVP_Digest (SHA-256)") }
        return Array(digest.prefix(32))
    }

    static func hmacSHA256(key: [UInt8], _ data: [UInt8]) throws -> [UInt8] {
        ERR_clear_error()
        var out = [UInt8](repeating: 0, count: 32)
        var length = 0
        let result = key.withUnsafeBytes { k in
            data.withUnsafeBytes { d in
                EVP_Q_mac(nil, "HMAC", nil, "SHA256", nil, k.baseAddress, k.count, d.baseAddress, d.count,
                          &out, out.count, &length)
            }
        }
        guard result != nil, length == 32 else { throw failure("EVP_Q_mac (HMAC-SHA256)") }
        return out
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0x0f)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// INTERNAL naming the OpenSSL call and the errors OpenSSL queued (the queue is emptied).
    static func failure(_ call: String) -> DriverError {
        var messages: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(cString: buffer))
        }
        return .internal("aws: OpenSSL \(call) failed: " + (messages.isEmpty ? "no error queued" : messages.joined(separator: "; ")))
    }
}
