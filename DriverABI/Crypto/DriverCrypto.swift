// What Swift drivers take from OpenSSL's libcrypto most: SHA-256, HMAC-SHA256, lower-case hex, and
// an OpenSSL failure as an INTERNAL error carrying OpenSSL's own error text. A driver that needs
// more of libcrypto (keys, signatures) imports CLibCrypto beside this and reports with `failure`.
import CLibCrypto
import SpiderDriverKit

public enum DriverCrypto {
    /// SHA-256 of `bytes`.
    public static func sha256(_ bytes: [UInt8]) throws -> [UInt8] {
        ERR_clear_error()
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBytes { raw in
            EVP_Digest(raw.baseAddress, raw.count, &digest, &length, EVP_sha256(), nil)
        }
        guard ok == 1, length == 32 else { throw failure("EVP_Digest (SHA-256)") }
        return Array(digest.prefix(32))
    }

    /// HMAC-SHA256 of `data` under `key`.
    public static func hmacSHA256(key: [UInt8], _ data: [UInt8]) throws -> [UInt8] {
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

    /// `bytes` in lower-case hex.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0x0f)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// INTERNAL naming the OpenSSL call that failed and the errors OpenSSL queued for this thread
    /// (oldest first). Empties the queue, so the next call starts clean.
    public static func failure(_ call: String) -> DriverError {
        var messages: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            let text = buffer.withUnsafeMutableBufferPointer { buffer -> String in
                ERR_error_string_n(code, buffer.baseAddress, buffer.count)
                return String(cString: buffer.baseAddress!)
            }
            messages.append(text)
        }
        return .internal("OpenSSL \(call) failed: " + (messages.isEmpty ? "OpenSSL queued no error" : messages.joined(separator: "; ")))
    }
}
