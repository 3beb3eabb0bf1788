// keypair.*: Nova key pairs, named by their name (Nova has no other ID; SystemId is the name).
// Nova makes the key (RSA) and returns the private key once, which is passed on once; with a
// public key in the request (`PublicKey`) the key is imported and no private key exists. Key
// generation by Nova is asked at microversion 2.10 (Nova 2.92 and later only import). Nova keeps
// no tags on key pairs: a create's TagList is not kept.
import Foundation
import SpiderDriverKit
import SpiderModels

extension OpenStackConnection {
    static let defaultVMUser = "cb-user"
    static let keyPairMicroversion = "2.10"

    func createKeyPair(_ request: KeyPairReqInfo, _ context: CallContext) throws -> KeyPairInfo {
        let name = try requireNewName(request.IId.NameId)
        var keypair: [String: Any] = ["name": name, "type": "ssh"]
        let imported = request.PublicKey?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if !imported.isEmpty { keypair["public_key"] = imported }
        let reply = try api.call(.compute, "POST", "/os-keypairs", body: ["keypair": keypair],
                                 microversion: Self.keyPairMicroversion, context: context)["keypair"]
        var info = Self.keyPairInfo(reply)
        publicKeys.remember(reply["public_key"].string, for: name)
        if imported.isEmpty {
            let privateKey = reply["private_key"].string.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !privateKey.isEmpty else {
                _ = try? api.call(.compute, "DELETE", "/os-keypairs/\(urlEncoded(name))", context: nil)
                throw DriverError.unsupported("this Nova does not generate key pairs (microversion \(Self.keyPairMicroversion) "
                                              + "refused it): import one instead (PublicKey)")
            }
            info.PrivateKey = privateKey + "\n"
        }
        return info
    }

    func listKeyPairs(_ context: CallContext) throws -> KeyPairList {
        KeyPairList(try api.call(.compute, "GET", "/os-keypairs", microversion: Self.keyPairMicroversion, context: context)["keypairs"]
            .array.map { Self.keyPairInfo($0["keypair"]) })
    }

    func getKeyPair(_ request: IIDRequest, _ context: CallContext) throws -> KeyPairInfo {
        let name = try keyPairName(request.IId)
        let keypair = try describeKeyPair(name, context)
        publicKeys.remember(keypair["public_key"].string, for: name)
        return Self.keyPairInfo(keypair)
    }

    /// CONFLICT while a VM of the project was started with the key (Nova would let it go).
    func deleteKeyPair(_ request: IIDRequest, _ context: CallContext) throws -> EmptyResult {
        let name = try keyPairName(request.IId)
        let users = try api.call(.compute, "GET", "/servers/detail", context: context)["servers"].array
            .filter { $0["key_name"].string == name }
        if !users.isEmpty {
            let vms = users.map { "'\($0["name"].string)'" }.joined(separator: ", ")
            throw DriverError.conflict("key pair '\(name)' is used by VM(s) \(vms): terminate them first")
        }
        publicKeys.forget(name)
        try api.call(.compute, "DELETE", "/os-keypairs/\(urlEncoded(name))", context: context)   // NOT_FOUND from Nova
        return EmptyResult()
    }

    // MARK: steps

    func keyPairName(_ iid: IID) throws -> String {
        iid.SystemId.isEmpty ? try requireNewName(iid.NameId, field: "IId") : iid.SystemId
    }

    func describeKeyPair(_ name: String, _ context: CallContext?) throws -> JSON {
        try api.call(.compute, "GET", "/os-keypairs/\(urlEncoded(name))", microversion: Self.keyPairMicroversion,
                     context: context)["keypair"]
    }

    // MARK: shapes

    static func keyPairInfo(_ keypair: JSON) -> KeyPairInfo {
        KeyPairInfo(IId: IID(NameId: keypair["name"].string, SystemId: keypair["name"].string),
                    Fingerprint: keypair["fingerprint"].string,
                    PublicKey: keypair["public_key"].string.trimmingCharacters(in: .whitespacesAndNewlines),
                    VMUserID: defaultVMUser,
                    KeyValueList: nonEmptyKeyValues([("Type", keypair["type"].string), ("UserId", keypair["user_id"].string),
                                                     ("CreatedAt", keypair["created_at"].string)]))
    }
}
