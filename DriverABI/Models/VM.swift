// Virtual machines.

/// VM lifecycle states, spelled as CB-Spider spells them.
public enum VMStatus: String, Codable, Sendable, CaseIterable {
    case Creating, Running, Suspending, Suspended, Resuming, Rebooting, Terminating, Terminated, NotExist, Failed
}

public struct RegionInfo: Codable, Sendable {
    public var Region: String
    public var Zone: String
    public init(Region: String, Zone: String) {
        self.Region = Region
        self.Zone = Zone
    }
}

/// `vm.start`: every reference is an IID the host has already resolved from the user's names.
public struct VMReqInfo: Codable, Sendable {
    public var IId: IID
    public var ImageType: String?          // "PublicImage" (default) or "MyImage"
    public var ImageIID: IID
    public var VpcIID: IID
    public var SubnetIID: IID
    public var SecurityGroupIIDs: [IID]
    public var VMSpecName: String
    public var KeyPairIID: IID
    public var RootDiskType: String?
    public var RootDiskSize: String?
    public var DataDiskIIDs: [IID]?
    public var VMUserId: String?
    public var VMUserPasswd: String?
    public var TagList: [KeyValue]?
    public init(IId: IID, ImageType: String? = nil, ImageIID: IID, VpcIID: IID, SubnetIID: IID,
                SecurityGroupIIDs: [IID], VMSpecName: String, KeyPairIID: IID, RootDiskType: String? = nil,
                RootDiskSize: String? = nil, DataDiskIIDs: [IID]? = nil, VMUserId: String? = nil,
                VMUserPasswd: String? = nil, TagList: [KeyValue]? = nil) {
        self.IId = IId
        self.ImageType = ImageType
        self.ImageIID = ImageIID
        self.VpcIID = VpcIID
        self.SubnetIID = SubnetIID
        self.SecurityGroupIIDs = SecurityGroupIIDs
        self.VMSpecName = VMSpecName
        self.KeyPairIID = KeyPairIID
        self.RootDiskType = RootDiskType
        self.RootDiskSize = RootDiskSize
        self.DataDiskIIDs = DataDiskIIDs
        self.VMUserId = VMUserId
        self.VMUserPasswd = VMUserPasswd
        self.TagList = TagList
    }
}

public struct VMInfo: Codable, Sendable {
    public var IId: IID
    public var StartTime: String
    public var Region: RegionInfo
    public var ImageType: String
    public var ImageIId: IID
    public var VMSpecName: String
    public var VpcIID: IID
    public var SubnetIID: IID
    public var SecurityGroupIIds: [IID]
    public var KeyPairIId: IID
    public var RootDiskType: String
    public var RootDiskSize: String
    public var RootDeviceName: String
    public var DataDiskIIDs: [IID]?
    public var VMBootDisk: String?
    public var VMBlockDisk: String?
    public var VMUserId: String
    public var VMUserPasswd: String?
    public var NetworkInterface: String
    public var PublicIP: String
    public var PublicDNS: String?
    public var PrivateIP: String
    public var PrivateDNS: String?
    public var Platform: String
    public var SSHAccessPoint: String?
    public var AccessPoint: String
    public var TagList: [KeyValue]?
    public var KeyValueList: [KeyValue]?
    public init(IId: IID, StartTime: String, Region: RegionInfo, ImageType: String, ImageIId: IID,
                VMSpecName: String, VpcIID: IID, SubnetIID: IID, SecurityGroupIIds: [IID], KeyPairIId: IID,
                RootDiskType: String, RootDiskSize: String, RootDeviceName: String, DataDiskIIDs: [IID]? = nil,
                VMBootDisk: String? = nil, VMBlockDisk: String? = nil, VMUserId: String, VMUserPasswd: String? = nil,
                NetworkInterface: String, PublicIP: String, PublicDNS: String? = nil, PrivateIP: String,
                PrivateDNS: String? = nil, Platform: String, SSHAccessPoint: String? = nil, AccessPoint: String,
                TagList: [KeyValue]? = nil, KeyValueList: [KeyValue]? = nil) {
        self.IId = IId
        self.StartTime = StartTime
        self.Region = Region
        self.ImageType = ImageType
        self.ImageIId = ImageIId
        self.VMSpecName = VMSpecName
        self.VpcIID = VpcIID
        self.SubnetIID = SubnetIID
        self.SecurityGroupIIds = SecurityGroupIIds
        self.KeyPairIId = KeyPairIId
        self.RootDiskType = RootDiskType
        self.RootDiskSize = RootDiskSize
        self.RootDeviceName = RootDeviceName
        self.DataDiskIIDs = DataDiskIIDs
        self.VMBootDisk = VMBootDisk
        self.VMBlockDisk = VMBlockDisk
        self.VMUserId = VMUserId
        self.VMUserPasswd = VMUserPasswd
        self.NetworkInterface = NetworkInterface
        self.PublicIP = PublicIP
        self.PublicDNS = PublicDNS
        self.PrivateIP = PrivateIP
        self.PrivateDNS = PrivateDNS
        self.Platform = Platform
        self.SSHAccessPoint = SSHAccessPoint
        self.AccessPoint = AccessPoint
        self.TagList = TagList
        self.KeyValueList = KeyValueList
    }
}

/// `vm.status`, `vm.suspend`, `vm.resume`, `vm.reboot`, `vm.terminate`: `{"Status": "Suspending"}`.
public struct VMStatusResult: Codable, Sendable {
    public var Status: VMStatus
    public init(Status: VMStatus) { self.Status = Status }
}

public struct VMStatusInfo: Codable, Sendable {
    public var IId: IID
    public var VmStatus: VMStatus
    public init(IId: IID, VmStatus: VMStatus) {
        self.IId = IId
        self.VmStatus = VmStatus
    }
}
