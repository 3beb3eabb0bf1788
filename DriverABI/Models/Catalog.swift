// What a cloud offers: regions and zones, public images, VM specs.

public struct ZoneInfo: Codable, Sendable {
    public var Name: String
    public var DisplayName: String
    public var CSPDisplayName: String
    public var Status: String              // "Available", "Unavailable" or "StatusNotSupported"
    public var KeyValueList: [KeyValue]?
    public init(Name: String, DisplayName: String, CSPDisplayName: String, Status: String, KeyValueList: [KeyValue]? = nil) {
        self.Name = Name
        self.DisplayName = DisplayName
        self.CSPDisplayName = CSPDisplayName
        self.Status = Status
        self.KeyValueList = KeyValueList
    }
}

public struct RegionZoneInfo: Codable, Sendable {
    public var Name: String
    public var DisplayName: String
    public var CSPDisplayName: String
    public var ZoneList: [ZoneInfo]?
    public var KeyValueList: [KeyValue]?
    public init(Name: String, DisplayName: String, CSPDisplayName: String, ZoneList: [ZoneInfo]? = nil, KeyValueList: [KeyValue]? = nil) {
        self.Name = Name
        self.DisplayName = DisplayName
        self.CSPDisplayName = CSPDisplayName
        self.ZoneList = ZoneList
        self.KeyValueList = KeyValueList
    }
}

public struct ImageInfo: Codable, Sendable {
    public var IId: IID
    public var Name: String
    public var OSArchitecture: String      // "x86_64", "arm64", ...
    public var OSPlatform: String          // "Linux/UNIX", "Windows"
    public var OSDistribution: String
    public var OSDiskType: String
    public var OSDiskSizeGB: String
    public var ImageStatus: String         // "Available", "Unavailable", "Deprecated"
    public var KeyValueList: [KeyValue]?
    public init(IId: IID, Name: String, OSArchitecture: String, OSPlatform: String, OSDistribution: String,
                OSDiskType: String, OSDiskSizeGB: String, ImageStatus: String, KeyValueList: [KeyValue]? = nil) {
        self.IId = IId
        self.Name = Name
        self.OSArchitecture = OSArchitecture
        self.OSPlatform = OSPlatform
        self.OSDistribution = OSDistribution
        self.OSDiskType = OSDiskType
        self.OSDiskSizeGB = OSDiskSizeGB
        self.ImageStatus = ImageStatus
        self.KeyValueList = KeyValueList
    }
}

public struct VCpuInfo: Codable, Sendable {
    public var Count: String
    public var ClockGHz: String?
    public init(Count: String, ClockGHz: String? = nil) {
        self.Count = Count
        self.ClockGHz = ClockGHz
    }
}

public struct GpuInfo: Codable, Sendable {
    public var Count: String
    public var Mfr: String?
    public var Model: String?
    public var MemSizeGB: String?
    public var TotalMemSizeGB: String?
    public init(Count: String, Mfr: String? = nil, Model: String? = nil, MemSizeGB: String? = nil, TotalMemSizeGB: String? = nil) {
        self.Count = Count
        self.Mfr = Mfr
        self.Model = Model
        self.MemSizeGB = MemSizeGB
        self.TotalMemSizeGB = TotalMemSizeGB
    }
}

public struct VMSpecInfo: Codable, Sendable {
    public var Region: String
    public var Name: String
    public var VCpu: VCpuInfo
    public var MemSizeMiB: String
    public var DiskSizeGB: String
    public var Gpu: [GpuInfo]?
    public var KeyValueList: [KeyValue]?
    public init(Region: String, Name: String, VCpu: VCpuInfo, MemSizeMiB: String, DiskSizeGB: String,
                Gpu: [GpuInfo]? = nil, KeyValueList: [KeyValue]? = nil) {
        self.Region = Region
        self.Name = Name
        self.VCpu = VCpu
        self.MemSizeMiB = MemSizeMiB
        self.DiskSizeGB = DiskSizeGB
        self.Gpu = Gpu
        self.KeyValueList = KeyValueList
    }
}
