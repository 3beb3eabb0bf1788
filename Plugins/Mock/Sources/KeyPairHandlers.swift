// keypair.*: a real RSA key pair (KeyMaterial); the private key is returned once, by create, and
// never stored. With `PublicKey` in the request that key is imported (ImportedPublicKey): kept as
// given, fingerprinted like the Mock's own keys, and no private key exists.
import SpiderDriverKit
import SpiderModels

extension MockConnection {
    static let defaultVMUser = "cb-user"

    func createKeyPair(_ request: KeyPairReqInfo) throws -> KeyPairInfo {
        let name = try requireName(request.IId.NameId, field: "IId.NameId")
        // Generating an RSA key takes tens of milliseconds, so it happens outside the tenant's
        // writer lock; a name that is already taken fails before any of that work.
        guard !snapshot().keyPairs.hasName(name) else { throw keyPairExists(name) }
        if let line = request.PublicKey {
            let imported = try ImportedPublicKey(line, field: "PublicKey")
            return try store(name, fingerprint: imported.fingerprint, publicKey: imported.publicKey, tags: request.TagList)
        }
        let material = try KeyMaterial.generate()
        var info = try store(name, fingerprint: material.fingerprint, publicKey: material.publicKey, tags: request.TagList)
        info.PrivateKey = material.privateKeyPEM
        return info
    }

    /// Records a key pair under `name` (ALREADY_EXISTS if the name was taken meanwhile).
    private func store(_ name: String, fingerprint: String, publicKey: String, tags: [KeyValue]?) throws -> KeyPairInfo {
        try mutate { state, _ in
            guard !state.keyPairs.hasName(name) else { throw keyPairExists(name) }
            let id = SystemID.make("key") { state.keyPairs[$0] != nil }
            let info = KeyPairInfo(IId: IID(NameId: name, SystemId: id), Fingerprint: fingerprint,
                                   PublicKey: publicKey, VMUserID: Self.defaultVMUser, TagList: tags)
            state.keyPairs[id] = KeyPairRecord(sequence: state.takeSequence(), info: info)
            return info
        }
    }

    private func keyPairExists(_ name: String) -> DriverError {
        MockError.exists("key pair", name, in: "region '\(region)'")
    }

    func listKeyPairs() -> KeyPairList {
        KeyPairList(snapshot().keyPairs.inCreationOrder.map(\.info))
    }

    func getKeyPair(_ request: IIDRequest) throws -> EncodedJSON {
        let keyPair = try snapshot().keyPairs.require(request.IId, "key pair")
        return keyPair.stored.answer
    }

    func deleteKeyPair(_ request: IIDRequest) throws -> EmptyResult {
        try mutate { state, _ in
            let keyPair = try state.keyPairs.require(request.IId, "key pair")
            let id = keyPair.iid.SystemId
            let vms = state.vms.inCreationOrder.filter { $0.info.KeyPairIId.SystemId == id }
            if !vms.isEmpty {
                throw DriverError.conflict("key pair '\(keyPair.iid.NameId)' is used by VM(s) " + names(vms.map(\.iid)))
            }
            let clusters = state.clusters(at: WallClock.nowMs()) { $0.NodeGroupList.contains { $0.KeyPairIID.SystemId == id } }
            if !clusters.isEmpty {
                throw DriverError.conflict("key pair '\(keyPair.iid.NameId)' is used by node groups of cluster(s) " + names(clusters))
            }
            state.keyPairs[id] = nil
            return EmptyResult()
        }
    }
}
