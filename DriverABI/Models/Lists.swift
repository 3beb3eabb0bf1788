// List results, wrapped under the same keys as CB-Spider's REST list responses.

public struct VPCList: Codable, Sendable { public var vpc: [VPCInfo]; public init(_ v: [VPCInfo]) { vpc = v } }
public struct SecurityGroupList: Codable, Sendable {
    public var securitygroup: [SecurityInfo]
    public init(_ v: [SecurityInfo]) { securitygroup = v }
}
public struct KeyPairList: Codable, Sendable { public var keypair: [KeyPairInfo]; public init(_ v: [KeyPairInfo]) { keypair = v } }
public struct VMList: Codable, Sendable { public var vm: [VMInfo]; public init(_ v: [VMInfo]) { vm = v } }
public struct VMStatusList: Codable, Sendable {
    public var vmstatus: [VMStatusInfo]
    public init(_ v: [VMStatusInfo]) { vmstatus = v }
}
public struct ImageList: Codable, Sendable { public var image: [ImageInfo]; public init(_ v: [ImageInfo]) { image = v } }
public struct VMSpecList: Codable, Sendable { public var vmspec: [VMSpecInfo]; public init(_ v: [VMSpecInfo]) { vmspec = v } }
public struct RegionZoneList: Codable, Sendable {
    public var regionzone: [RegionZoneInfo]
    public init(_ v: [RegionZoneInfo]) { regionzone = v }
}
