// Real OpenSSH public keys for import tests: made by ssh-keygen (or, where it is missing, by
// python3's cryptography), written to a test folder, returned as the `.pub` line.
import Foundation

enum SSHKeyGen {
    /// A fresh key of `type` ("ed25519" or "rsa"), its files `<folder>/<name>` and `<name>.pub`.
    /// Returns the public key line (trimmed) and the path of the `.pub` file.
    static func make(_ type: String, bits: Int? = nil, name: String, in folder: TempFolder) throws -> (line: String, path: String) {
        let path = folder.file(name)
        let (exit, output): (ChildProcess.Exit, String)
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/ssh-keygen") {
            (exit, output) = try ChildProcess.run("/usr/bin/ssh-keygen", ["-q", "-t", type] + (bits.map { ["-b", "\($0)"] } ?? [])
                                                  + ["-N", "", "-C", "\(name)@spider-test", "-f", path], in: folder)
        } else {
            let script = """
                import sys
                from cryptography.hazmat.primitives import serialization as s
                from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
                k = ed25519.Ed25519PrivateKey.generate() if sys.argv[1] == "ed25519" else rsa.generate_private_key(65537, int(sys.argv[2]))
                open(sys.argv[3], "wb").write(k.private_bytes(s.Encoding.PEM, s.PrivateFormat.OpenSSH, s.NoEncryption()))
                pub = k.public_key().public_bytes(s.Encoding.OpenSSH, s.PublicFormat.OpenSSH)
                open(sys.argv[3] + ".pub", "wb").write(pub + b" " + sys.argv[4].encode() + b"\\n")
                """
            (exit, output) = try ChildProcess.run("/usr/bin/env", ["python3", "-c", script, type, "\(bits ?? 2048)", path,
                                                                   "\(name)@spider-test"], in: folder)
        }
        guard exit == .code(0), let text = try? String(contentsOfFile: path + ".pub", encoding: .utf8) else {
            throw TestFailure("cannot make a \(type) key: \(exit) \(output)")
        }
        return (text.trimmingCharacters(in: .whitespacesAndNewlines), path + ".pub")
    }

    /// The base64 key part of an OpenSSH public key line.
    static func keyPart(_ line: String) -> String {
        let parts = line.split(separator: " ")
        return parts.count > 1 ? String(parts[1]) : ""
    }
}
