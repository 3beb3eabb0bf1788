// Key pairs. The private key is returned once, by create, and never stored by the host.
import SpiderModels

enum KeyPairRoutes {
    static func add(to r: inout Router) {
        r.add(.POST, "/spider/keypair") { app, req in
            let info = try req.decode(ConnectionRequest<KeyPairCreateInfo>.self, what: "key pair create request").ReqInfo
            try validateName(info.Name, field: "ReqInfo.Name")
            let gw = try DriverGateway(app, req, needs: \.keyPairHandler, named: "keyPairHandler")
            let request = KeyPairReqInfo(IId: IID(NameId: info.Name), TagList: info.TagList)
            var key = try gw.create(gw.key(.keypair, info.Name), { try gw.run("keypair.create", request, as: KeyPairInfo.self) },
                                    systemID: { $0.IId.SystemId })
            key.IId = gw.userIID(key.IId, .keypair)
            return try .json(key)
        }
        r.add(.GET, "/spider/keypair") { app, req in
            let gw = try DriverGateway(app, req, needs: \.keyPairHandler, named: "keyPairHandler")
            let all = try gw.run("keypair.list", EmptyResult(), as: KeyPairList.self)
            return try .json(KeyPairList(all.keypair.filter { gw.isMapped($0.IId, .keypair) }.map { present($0, gw) }))
        }
        r.add(.GET, "/spider/keypair/{Name}") { app, req in
            let gw = try DriverGateway(app, req, needs: \.keyPairHandler, named: "keyPairHandler")
            let iid = try gw.iid(.keypair, req.parameter("Name"))
            return try gw.answer("keypair.get", IIDRequest(IId: iid), as: KeyPairInfo.self) { present($0, gw) }
        }
        r.add(.DELETE, "/spider/keypair/{Name}") { app, req in
            let gw = try DriverGateway(app, req, needs: \.keyPairHandler, named: "keyPairHandler")
            try gw.delete(.keypair, req.parameter("Name"), force: req.flag("force")) { iid in
                _ = try gw.runRaw("keypair.delete", IIDRequest(IId: iid))
            }
            return .ok
        }
    }

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
