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
            var key = try gw.create(gw.key(.keypair, info.Name), {
                let made = try gw.run("keypair.create", request, as: KeyPairInfo.self)
                if publicKey != nil && made.PrivateKey != nil {
                    // A driver that cannot import made a key of its own: that is not what was asked.
                    let undone = (try? gw.runRaw("keypair.delete", IIDRequest(IId: made.IId))) != nil
                    throw HostError.notImplemented("driver \(gw.connection.driver.label) does not import public keys (ReqInfo.PublicKey): "
                        + "it made a new key pair instead, which " + (undone ? "was deleted again" : "could not be deleted: delete '\(made.IId.SystemId)' in the cloud"))
                }
                return made
            }, systemID: { $0.IId.SystemId })
            key.IId = gw.userIID(key.IId, .keypair)
            return try .json(key)
        }
        kind.addListAndGet(to: &r)
        kind.addDelete(to: &r)
    }

    /// The key line, trimmed, or 400 naming `field`: no driver (or cloud) sees a key that cannot be one.
    static func checkedPublicKey(_ text: String, field: String) throws -> String {
        switch OpenSSHPublicKeyLine.parse(text) {
        case .success(let key): return key.line
        case .failure(let problem): throw HostError.badRequest("\(field) \(problem)")
        }
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
