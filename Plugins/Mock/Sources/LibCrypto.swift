// The Mock's use of OpenSSL's libcrypto: SHA-256, and OpenSSL failures as INTERNAL errors that
// carry OpenSSL's own error text.
import CLibCrypto
import SpiderDriverKit

enum LibCrypto {
    /// SHA-256 of `bytes`.
    static func sha256(_ bytes: [UInt8]) throws -> [UInt8] {
        ERR_clear_error()
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBytes { raw in
            EVP_Digest(raw.baseAddress, raw.count, &digest, &length, EVP_sha256(), nil)
        }
        guard ok == 1, length == 32 else { throw failure("EVP_Digest (SHA-256)") }
        return Array(digest.prefix(Int(length)))
    }

    /// SHA-256 of `bytes` in lower-case hex.
    static func sha256Hex(_ bytes: [UInt8]) throws -> String {
        try sha256(bytes).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// INTERNAL naming the OpenSSL call that failed and the errors OpenSSL queued for this thread
    /// (oldest first). Empties the queue, so the next call starts clean.
    static func failure(_ call: String) -> DriverError {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            let text = buffer.withUnsafeMutableBufferPointer { buffer -> String in
                ERR_error_string_n(code, buffer.baseAddress, buffer.count)
                return String(cString: buffer.baseAddress!)
            }
            messages.append(text)
        }
        let detail = messages.isEmpty ? "OpenSSL queued no error" : messages.joined(separator: "; ")
        return .internal("mock: OpenSSL \(call) failed: \(detail)")
    }
}
