// Key pairs. The private key is returned once, by create, and never stored by the host. With
// `ReqInfo.PublicKey` the key is imported instead: its form is checked here, before the driver.
import Foundation
import SpiderModels

enum KeyPairRoutes {
    static func add(to r: inout Router) {
        r.add(.POST, "/spider/keypair") { app, req in
            let info = try req.decode(ConnectionRequest<KeyPairCreateInfo>.self, what: "key pair create request").ReqInfo
            try validateName(info.Name, field: "ReqInfo.Name")
            let publicKey = try info.PublicKey.map { try checkedPublicKey($0, field: "ReqInfo.PublicKey") }
            let gw = try kind.gateway(app, req)
            let request = KeyPairReqInfo(IId: IID(NameId: info.Name), TagList: info.TagList, PublicKey: publicKey)
            var key = try gw.create(gw.key(.keypair, info.Name), { try gw.run("keypair.create", request, as: KeyPairInfo.self) },
                                    systemID: { $0.IId.SystemId })
            key.IId = gw.userIID(key.IId, .keypair)
            return try .json(key)
        }
        kind.addListAndGet(to: &r)
        kind.addDelete(to: &r)
    }

    /// The key types Spider imports, with how many SSH wire strings their key blob holds (type,
    /// then rsa: e, n; ed25519: the key; ecdsa: curve, point).
    static let publicKeyTypes: [String: Int] = ["ssh-rsa": 3, "ssh-ed25519": 2, "ecdsa-sha2-nistp256": 3,
                                                "ecdsa-sha2-nistp384": 3, "ecdsa-sha2-nistp521": 3]

    /// An OpenSSH public key line, trimmed: `<type> <base64> [comment]` on one line, the type a known
    /// one and the decoded key blob made of that type's wire strings, the first naming the type.
    /// Anything else is 400 naming `field`, so no driver (or cloud) sees a key that cannot be one.
    static func checkedPublicKey(_ text: String, field: String) throws -> String {
        let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let shape = "must be an OpenSSH public key line: <type> <base64> [comment], type one of "
            + publicKeyTypes.keys.sorted().joined(separator: ", ")
        guard !line.isEmpty, !line.contains(where: \.isNewline) else { throw HostError.badRequest("\(field) \(shape)") }
        let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let fieldCount = publicKeyTypes[parts[0]] else {
            throw HostError.badRequest("\(field): unknown key type '\(parts[0].prefix(40))'; it \(shape)")
        }
        guard parts.count >= 2 else { throw HostError.badRequest("\(field) has no key after '\(parts[0])'; it \(shape)") }
        // The blob: length-prefixed strings (RFC 4251 §5) that fill it exactly.
        let blob = [UInt8](Data(base64Encoded: parts[1]) ?? Data())
        var strings: [ArraySlice<UInt8>] = [], at = 0
        while at + 4 <= blob.count {
            let length = Int(blob[at]) << 24 | Int(blob[at + 1]) << 16 | Int(blob[at + 2]) << 8 | Int(blob[at + 3])
            guard length <= blob.count - at - 4 else { break }
            strings.append(blob[(at + 4)..<(at + 4 + length)])
            at += 4 + length
        }
        guard at == blob.count, strings.count == fieldCount, String(decoding: strings[0], as: UTF8.self) == parts[0] else {
            throw HostError.badRequest("\(field): '\(parts[1].prefix(16))…' is not the base64 of a \(parts[0]) key; it \(shape)")
        }
        return line
    }

    static let kind = ResourceKind<KeyPairInfo, KeyPairList>(
        type: .keypair, path: "/spider/keypair", capability: \.keyPairHandler, capabilityName: "keyPairHandler",
        operationPrefix: "keypair", items: \.keypair, makeList: KeyPairList.init, iid: \.IId, present: present)

    /// A key pair as shown after creation: never with a private key, whatever the driver sent.
    static func present(_ key: KeyPairInfo, _ gw: DriverGateway) -> KeyPairInfo {
        var out = key
        out.IId = gw.userIID(key.IId, .keypair)
        if out.PrivateKey != nil {
            out.PrivateKey = nil
            gw.noteChange()
        }
        return out
    }
}
