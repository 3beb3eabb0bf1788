// VPCs, subnets and security groups.

public struct SubnetInfo: Codable, Sendable {
    public var IId: IID
    public var Zone: String
    public var IPv4_CIDR: String
    public var TagList: [KeyValue]?
    public var KeyValueList: [KeyValue]?
    public init(IId: IID, Zone: String = "", IPv4_CIDR: String, TagList: [KeyValue]? = nil, KeyValueList: [KeyValue]? = nil) {
        self.IId = IId
        self.Zone = Zone
        self.IPv4_CIDR = IPv4_CIDR
        self.TagList = TagList
        self.KeyValueList = KeyValueList
    }
}

public struct VPCInfo: Codable, Sendable {
    public var IId: IID
    public var IPv4_CIDR: String
    public var SubnetInfoList: [SubnetInfo]
    public var TagList: [KeyValue]?
    public var KeyValueList: [KeyValue]?
    public init(IId: IID, IPv4_CIDR: String, SubnetInfoList: [SubnetInfo], TagList: [KeyValue]? = nil, KeyValueList: [KeyValue]? = nil) {
        self.IId = IId
        self.IPv4_CIDR = IPv4_CIDR
        self.SubnetInfoList = SubnetInfoList
        self.TagList = TagList
        self.KeyValueList = KeyValueList
    }
}

/// `vpc.create`: the VPC to make, with its first subnets. `IId.SystemId` is empty.
public struct VPCReqInfo: Codable, Sendable {
    public var IId: IID
    public var IPv4_CIDR: String
    public var SubnetInfoList: [SubnetInfo]
    public var TagList: [KeyValue]?
    public init(IId: IID, IPv4_CIDR: String, SubnetInfoList: [SubnetInfo], TagList: [KeyValue]? = nil) {
        self.IId = IId
        self.IPv4_CIDR = IPv4_CIDR
        self.SubnetInfoList = SubnetInfoList
        self.TagList = TagList
    }
}

/// `vpc.subnet.add`.
public struct SubnetAddReqInfo: Codable, Sendable {
    public var VPCIID: IID
    public var SubnetInfo: SubnetInfo
    public init(VPCIID: IID, SubnetInfo: SubnetInfo) {
        self.VPCIID = VPCIID
        self.SubnetInfo = SubnetInfo
    }
}

/// `vpc.subnet.remove`.
public struct SubnetRemoveReqInfo: Codable, Sendable {
    public var VPCIID: IID
    public var SubnetIID: IID
    public init(VPCIID: IID, SubnetIID: IID) {
        self.VPCIID = VPCIID
        self.SubnetIID = SubnetIID
    }
}

public struct SecurityRuleInfo: Codable, Hashable, Sendable {
    public var FromPort: String
    public var ToPort: String
    public var IPProtocol: String
    public var Direction: String
    public var CIDR: String?
    public init(FromPort: String, ToPort: String, IPProtocol: String, Direction: String, CIDR: String? = nil) {
        self.FromPort = FromPort
        self.ToPort = ToPort
        self.IPProtocol = IPProtocol
        self.Direction = Direction
        self.CIDR = CIDR
    }
}

public struct SecurityInfo: Codable, Sendable {
    public var IId: IID
    public var VpcIID: IID
    public var SecurityRules: [SecurityRuleInfo]
    public var TagList: [KeyValue]?
    public var KeyValueList: [KeyValue]?
    public init(IId: IID, VpcIID: IID, SecurityRules: [SecurityRuleInfo], TagList: [KeyValue]? = nil, KeyValueList: [KeyValue]? = nil) {
        self.IId = IId
        self.VpcIID = VpcIID
        self.SecurityRules = SecurityRules
        self.TagList = TagList
        self.KeyValueList = KeyValueList
    }
}

/// `sg.create`.
public struct SecurityReqInfo: Codable, Sendable {
    public var IId: IID
    public var VpcIID: IID
    public var SecurityRules: [SecurityRuleInfo]
    public var TagList: [KeyValue]?
    public init(IId: IID, VpcIID: IID, SecurityRules: [SecurityRuleInfo], TagList: [KeyValue]? = nil) {
        self.IId = IId
        self.VpcIID = VpcIID
        self.SecurityRules = SecurityRules
        self.TagList = TagList
    }
}

/// `sg.rules.add` and `sg.rules.remove`.
public struct SecurityRulesReqInfo: Codable, Sendable {
    public var IId: IID
    public var SecurityRules: [SecurityRuleInfo]
    public init(IId: IID, SecurityRules: [SecurityRuleInfo]) {
        self.IId = IId
        self.SecurityRules = SecurityRules
    }
}
