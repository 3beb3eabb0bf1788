// `driver.json`: what the host knows about a driver without loading it.

/// Which resource handlers and options a driver supports, named as CB-Spider's DriverCapabilityInfo.
public struct DriverCapabilities: Codable, Sendable, Equatable {
    public var regionZoneHandler: Bool = false
    public var imageHandler: Bool = false
    public var vmspecHandler: Bool = false
    public var vpchandler: Bool = false
    public var securityHandler: Bool = false
    public var keyPairHandler: Bool = false
    public var vmhandler: Bool = false
    public var diskHandler: Bool = false
    public var myImageHandler: Bool = false
    public var nlbhandler: Bool = false
    public var clusterHandler: Bool = false
    public var tagHandler: Bool = false
    public var priceInfoHandler: Bool = false
    public var monitoringHandler: Bool = false
    /// Subnets, disks and VMs may target a zone other than the connection's default.
    public var zoneBasedControl: Bool = false
    /// The cloud allows only one VPC per connection.
    public var single_VPC: Bool = false
    /// The cloud has no VPCs; the driver emulates them.
    public var emulated_VPC: Bool = false
    /// A VPC's IPv4_CIDR is honored (some clouds ignore it).
    public var vpc_CIDR: Bool = false
    public var tagSupportResourceType: [String] = []

    public init() {}

    enum CodingKeys: String, CodingKey {
        case regionZoneHandler, imageHandler, vmspecHandler, vpchandler, securityHandler, keyPairHandler, vmhandler
        case diskHandler, myImageHandler, nlbhandler, clusterHandler, tagHandler, priceInfoHandler, monitoringHandler
        case zoneBasedControl, single_VPC, emulated_VPC, vpc_CIDR, tagSupportResourceType
    }

    /// Absent flags mean "not supported", so an older manifest stays valid as flags are added.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func flag(_ key: CodingKeys) throws -> Bool { try c.decodeIfPresent(Bool.self, forKey: key) ?? false }
        regionZoneHandler = try flag(.regionZoneHandler)
        imageHandler = try flag(.imageHandler)
        vmspecHandler = try flag(.vmspecHandler)
        vpchandler = try flag(.vpchandler)
        securityHandler = try flag(.securityHandler)
        keyPairHandler = try flag(.keyPairHandler)
        vmhandler = try flag(.vmhandler)
        diskHandler = try flag(.diskHandler)
        myImageHandler = try flag(.myImageHandler)
        nlbhandler = try flag(.nlbhandler)
        clusterHandler = try flag(.clusterHandler)
        tagHandler = try flag(.tagHandler)
        priceInfoHandler = try flag(.priceInfoHandler)
        monitoringHandler = try flag(.monitoringHandler)
        zoneBasedControl = try flag(.zoneBasedControl)
        single_VPC = try flag(.single_VPC)
        emulated_VPC = try flag(.emulated_VPC)
        vpc_CIDR = try flag(.vpc_CIDR)
        tagSupportResourceType = try c.decodeIfPresent([String].self, forKey: .tagSupportResourceType) ?? []
    }
}

public struct DriverManifest: Codable, Sendable, Equatable {
    /// Unique driver name, lower case (e.g. "mock", "aws").
    public var name: String
    /// Semantic version of the driver ("1.2.0").
    public var version: String
    /// The driver ABI version the library speaks (see spider_driver.h).
    public var abi_version: UInt32
    /// The cloud, upper case as CB-Spider names providers ("MOCK", "AWS").
    public var provider: String
    /// File name of the shared library beside the manifest.
    public var library: String
    /// "linux-x86_64", "linux-aarch64".
    public var platform: String
    /// "swift" or "c": Swift drivers must match the host's toolchain.
    public var language: String
    /// For Swift drivers: the Swift version that built it ("6.3.1").
    public var swift_toolchain: String?
    public var description: String?
    /// Credential keys a connection must provide.
    public var credential_keys: [String]
    /// Region keys a connection must provide (the zone is usually optional).
    public var region_keys: [String]
    /// Further keys the driver understands but does not require.
    public var optional_keys: [String]?
    /// Other names the driver accepts for a required key (`{"ClientId": ["aws_access_key_id"]}`): a
    /// connection that gives one of them satisfies the requirement.
    public var key_aliases: [String: [String]]?

    /// `key` and the names it may also go by.
    public func names(for key: String) -> [String] { [key] + (key_aliases?[key] ?? []) }
    public var capabilities: DriverCapabilities
}
