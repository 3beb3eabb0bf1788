// Key material that looks like a 2048-bit RSA key pair. It is not a working key: the numbers are
// random. But it is self-consistent: the PEM's DER holds the same modulus and exponent as the
// OpenSSH public key, and the fingerprint is the OpenSSH SHA256 fingerprint of that public key.
import Foundation

struct KeyMaterial {
    let privateKeyPEM: String
    let publicKey: String
    let fingerprint: String

    static func generate() -> KeyMaterial {
        var generator = SystemRandomNumberGenerator()
        func random(_ count: Int, topBit: Bool = false) -> [UInt8] {
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if topBit { bytes[0] |= 0x80 }
            bytes[count - 1] |= 0x01   // odd, like a product of odd primes
            return bytes
        }
        let modulus = random(256, topBit: true)
        let exponent: [UInt8] = [0x01, 0x00, 0x01]   // 65537

        // RSAPrivateKey ::= SEQUENCE { version, n, e, d, p, q, dp, dq, qinv }
        let fields = [[0], modulus, exponent, random(256), random(128, topBit: true), random(128, topBit: true),
                      random(128), random(128), random(128)]
        let der = DER.sequence(fields.map(DER.integer))
        let body = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        let pem = "-----BEGIN RSA PRIVATE KEY-----\n\(body)\n-----END RSA PRIVATE KEY-----\n"

        // OpenSSH wire format: string "ssh-rsa", mpint e, mpint n.
        let blob = SSHWire.string(Array("ssh-rsa".utf8)) + SSHWire.mpint(exponent) + SSHWire.mpint(modulus)
        let publicKey = "ssh-rsa " + Data(blob).base64EncodedString()
        let digest = Data(SHA256.hash(blob)).base64EncodedString().replacingOccurrences(of: "=", with: "")
        return KeyMaterial(privateKeyPEM: pem, publicKey: publicKey, fingerprint: "SHA256:" + digest)
    }
}

private enum DER {
    static func length(_ count: Int) -> [UInt8] {
        if count < 0x80 { return [UInt8(count)] }
        var bytes: [UInt8] = []
        var n = count
        while n > 0 { bytes.insert(UInt8(n & 0xff), at: 0); n >>= 8 }
        return [0x80 | UInt8(bytes.count)] + bytes
    }

    /// A non-negative INTEGER from big-endian bytes.
    static func integer(_ magnitude: [UInt8]) -> [UInt8] {
        var bytes = Array(magnitude.drop { $0 == 0 })
        if bytes.isEmpty { bytes = [0] }
        if bytes[0] & 0x80 != 0 { bytes.insert(0, at: 0) }
        return [0x02] + length(bytes.count) + bytes
    }

    static func sequence(_ items: [[UInt8]]) -> [UInt8] {
        let content = items.flatMap { $0 }
        return [0x30] + length(content.count) + content
    }
}

private enum SSHWire {
    static func string(_ bytes: [UInt8]) -> [UInt8] {
        let n = UInt32(bytes.count)
        return [UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)] + bytes
    }

    static func mpint(_ magnitude: [UInt8]) -> [UInt8] {
        var bytes = Array(magnitude.drop { $0 == 0 })
        if let first = bytes.first, first & 0x80 != 0 { bytes.insert(0, at: 0) }
        return string(bytes)
    }
}
