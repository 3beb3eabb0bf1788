// The request bodies of the REST API, as CB-Spider's clients send them.
import SpiderModels

struct CloudDriverInfo: Codable, Sendable {
    var DriverName: String
    var ProviderName: String
    var DriverLibFileName: String?
}

struct CredentialInfo: Codable, Sendable {
    var CredentialName: String
    var ProviderName: String
    var KeyValueInfoList: [KeyValue]
}

struct RegionInfoREST: Codable, Sendable {
    var RegionName: String
    var ProviderName: String
    var KeyValueInfoList: [KeyValue]
    var AvailableZoneList: [String]?
}

struct ConnectionConfigInfo: Codable, Sendable {
    var ConfigName: String
    var ProviderName: String
    var DriverName: String
    var CredentialName: String
    var RegionName: String
}

/// `{"ConnectionName": ..., "ReqInfo": {...}}`, the envelope of every create request.
struct ConnectionRequest<Info: Decodable & Sendable>: Decodable, Sendable {
    var ConnectionName: String?
    var ReqInfo: Info
}

struct VPCCreateInfo: Decodable, Sendable {
    var Name: String
    var IPv4_CIDR: String
    var SubnetInfoList: [SubnetCreateInfo]?
    var TagList: [KeyValue]?
}

struct SubnetCreateInfo: Decodable, Sendable {
    var Name: String
    var IPv4_CIDR: String
    var Zone: String?
    var TagList: [KeyValue]?
}

struct SecurityGroupCreateInfo: Decodable, Sendable {
    var Name: String
    var VPCName: String
    var SecurityRules: [SecurityRuleInfo]?
    var TagList: [KeyValue]?
}

struct RuleControlInfo: Decodable, Sendable {
    var RuleInfoList: [SecurityRuleInfo]
}

struct KeyPairCreateInfo: Decodable, Sendable {
    var Name: String
    var TagList: [KeyValue]?
    /// An OpenSSH public key line to import instead of making a key (beyond CB-Spider's KeyPairReqInfo).
    var PublicKey: String?
}

struct VMCreateInfo: Decodable, Sendable {
    var Name: String
    var ImageType: String?
    var ImageName: String
    var VPCName: String
    var SubnetName: String
    var SecurityGroupNames: [String]?
    var VMSpecName: String
    var KeyPairName: String
    var RootDiskType: String?
    var RootDiskSize: String?
    var DataDiskNames: [String]?
    var VMUserId: String?
    var VMUserPasswd: String?
    var TagList: [KeyValue]?
}
