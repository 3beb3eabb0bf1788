// keypair.*: CreateKeyPair (RSA) returns the private key once, and it is passed on once; with a
// public key in the request (`PublicKey`, an optional field beyond KeyPairReqInfo) the key is
// imported instead (ImportKeyPair) and no private key exists here. The SystemId is AWS's key-pair
// ID (key-…); VMs are launched with the key's name, which DescribeKeyPairs gives back.
import Foundation
import SpiderDriverKit
import SpiderModels

/// `keypair.create` as this driver reads it: KeyPairReqInfo plus an optional public key to import.
struct AWSKeyPairReqInfo: Codable, Sendable {
    var IId: IID
    var TagList: [KeyValue]?
    var PublicKey: String?
}

extension AWSConnection {
    static let defaultVMUser = "cb-user"

    func createKeyPair(_ request: AWSKeyPairReqInfo, _ context: CallContext) throws -> KeyPairInfo {
        let name = try requireName(request.IId.NameId)
        let ec2 = try ec2()
        var params: EC2Params = ["KeyName": name]
        params.tagSpecification("key-pair", name: name, tags: request.TagList)
        if let publicKey = request.PublicKey?.trimmingCharacters(in: .whitespacesAndNewlines), !publicKey.isEmpty {
            params["PublicKeyMaterial"] = Data(publicKey.utf8).base64EncodedString()
            let reply = try ec2.call("ImportKeyPair", params, context: context)
            known.keyPair(Self.keyID(reply), .init(name: name, publicKey: publicKey))
            return KeyPairInfo(IId: IID(NameId: name, SystemId: Self.keyID(reply)), Fingerprint: reply.string("keyFingerprint"),
                               PublicKey: publicKey, VMUserID: Self.defaultVMUser, TagList: request.TagList,
                               KeyValueList: keyValues([("KeyName", reply.string("keyName"))]))
        }
        params["KeyType"] = "rsa"
        let reply = try ec2.call("CreateKeyPair", params, context: context)
        let privateKey = reply.child("keyMaterial")?.text.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !privateKey.isEmpty else { throw DriverError.internal("aws CreateKeyPair answered without key material") }
        let publicKey = try? OpenSSHPublicKey.fromPrivateKeyPEM(privateKey)
        if let publicKey { known.keyPair(Self.keyID(reply), .init(name: reply.string("keyName"), publicKey: publicKey)) }
        return KeyPairInfo(IId: IID(NameId: name, SystemId: Self.keyID(reply)), Fingerprint: reply.string("keyFingerprint"),
                           PublicKey: publicKey, PrivateKey: privateKey + "\n", VMUserID: Self.defaultVMUser,
                           TagList: request.TagList, KeyValueList: keyValues([("KeyName", reply.string("keyName"))]))
    }

    func listKeyPairs(_ context: CallContext) throws -> KeyPairList {
        KeyPairList(try ec2().call("DescribeKeyPairs", ["IncludePublicKey": "true"], context: context).items("keySet").map(Self.keyPairInfo))
    }

    func getKeyPair(_ request: IIDRequest, _ context: CallContext) throws -> KeyPairInfo {
        Self.keyPairInfo(try describeKeyPair(request.IId, try ec2(), context))
    }

    func deleteKeyPair(_ request: IIDRequest, _ context: CallContext) throws -> EmptyResult {
        let ec2 = try ec2()
        let id = try requireSystemID(request.IId, "key pair")
        // A key's name never changes, and Spider creates and imports keys under their Spider name
        // (NameId); older keys' SystemId is the name itself. Only a key known by neither is looked up.
        let keyName = !id.hasPrefix("key-") ? id
            : !request.IId.NameId.isEmpty ? request.IId.NameId
            : try describeKeyPair(request.IId, ec2, context).string("keyName")
        let label = request.IId.NameId.isEmpty ? keyName : request.IId.NameId
        var filter = EC2Params()
        filter.filter("key-name", [keyName])
        filter.filter("instance-state-name", ["pending", "running", "stopping", "stopped", "shutting-down"])
        let vms = try ec2.call("DescribeInstances", filter, context: context).items("reservationSet").flatMap { $0.items("instancesSet") }
        if !vms.isEmpty {
            throw DriverError.conflict("key pair '\(label)' is used by VM(s) "
                                       + vms.map { "'\($0.spiderName(or: $0.string("instanceId")))'" }.joined(separator: ", "))
        }
        // By name: AWS accepts either, and moto 5.2 ignores KeyPairId in DeleteKeyPair. Deleting a
        // missing name succeeds on AWS too, but its answer then names no key pair: that is NOT_FOUND.
        known.forgetKeyPair(id)
        let deleted = try ec2.call("DeleteKeyPair", ["KeyName": keyName], context: context).string("keyPairId")
        if deleted.isEmpty {
            throw DriverError.notFound("key pair '\(label)' (\(id)) does not exist")
        }
        return EmptyResult()
    }

    /// The DescribeKeyPairs item of a key named by its ID (key-…) or, for older keys, its name.
    func describeKeyPair(_ iid: IID, _ ec2: EC2Client, _ context: CallContext) throws -> XMLNode {
        let id = try requireSystemID(iid, "key pair")
        var params: EC2Params = ["IncludePublicKey": "true"]
        params.list(id.hasPrefix("key-") ? "KeyPairId" : "KeyName", [id])
        guard let key = try ec2.call("DescribeKeyPairs", params, context: context).items("keySet").first else {
            throw DriverError.notFound("key pair '\(iid.NameId)' (\(id)) does not exist")
        }
        return key
    }

    static func keyID(_ reply: XMLNode) -> String {
        reply.string("keyPairId").isEmpty ? reply.string("keyName") : reply.string("keyPairId")
    }

    static func keyPairInfo(_ key: XMLNode) -> KeyPairInfo {
        let publicKey = key.string("publicKey")
        return KeyPairInfo(IId: IID(NameId: key.spiderName(or: key.string("keyName")), SystemId: keyID(key)),
                           Fingerprint: key.string("keyFingerprint"), PublicKey: publicKey.isEmpty ? nil : publicKey,
                           VMUserID: defaultVMUser, TagList: key.userTags,
                           KeyValueList: keyValues([("KeyName", key.string("keyName")), ("KeyType", key.string("keyType")),
                                                    ("CreateTime", key.string("createTime"))]))
    }
}
