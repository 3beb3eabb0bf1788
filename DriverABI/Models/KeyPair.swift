// Key pairs.

public struct KeyPairInfo: Codable, Sendable {
    public var IId: IID
    public var Fingerprint: String?
    public var PublicKey: String?
    /// Returned once, by `keypair.create`; never stored by the host.
    public var PrivateKey: String?
    public var VMUserID: String?
    public var TagList: [KeyValue]?
    public var KeyValueList: [KeyValue]?
    public init(IId: IID, Fingerprint: String? = nil, PublicKey: String? = nil, PrivateKey: String? = nil,
                VMUserID: String? = nil, TagList: [KeyValue]? = nil, KeyValueList: [KeyValue]? = nil) {
        self.IId = IId
        self.Fingerprint = Fingerprint
        self.PublicKey = PublicKey
        self.PrivateKey = PrivateKey
        self.VMUserID = VMUserID
        self.TagList = TagList
        self.KeyValueList = KeyValueList
    }
}

/// `keypair.create`.
public struct KeyPairReqInfo: Codable, Sendable {
    public var IId: IID
    public var TagList: [KeyValue]?
    /// An OpenSSH public key line (`ssh-ed25519 AAAA… comment`) to import instead of making a key
    /// pair; then no private key exists and none is returned. Spider's addition beyond CB-Spider's
    /// KeyPairReqInfo; absent from the JSON when nil, so drivers that do not import never see it.
    public var PublicKey: String?
    public init(IId: IID, TagList: [KeyValue]? = nil, PublicKey: String? = nil) {
        self.IId = IId
        self.TagList = TagList
        self.PublicKey = PublicKey
    }
}
