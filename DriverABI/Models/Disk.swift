// Block-storage disks: created in a zone, attached to at most one VM of that zone, grown but never shrunk.

/// Disk states, spelled as CB-Spider spells them.
public enum DiskStatus: String, Codable, Sendable, CaseIterable {
    case Creating, Available, Attached, Deleting, Error
}

public struct DiskInfo: Codable, Sendable {
    public var IId: IID
    public var Zone: String
    public var DiskType: String
    /// GB, as a string (CB-Spider's convention).
    public var DiskSize: String
    public var Status: DiskStatus
    /// The VM the disk is attached to; empty IID (or absent) while it is not attached.
    public var OwnerVM: IID?
    public var CreatedTime: String
    public var TagList: [KeyValue]?
    public var KeyValueList: [KeyValue]?
    public init(IId: IID, Zone: String, DiskType: String, DiskSize: String, Status: DiskStatus, OwnerVM: IID? = nil,
                CreatedTime: String, TagList: [KeyValue]? = nil, KeyValueList: [KeyValue]? = nil) {
        self.IId = IId
        self.Zone = Zone
        self.DiskType = DiskType
        self.DiskSize = DiskSize
        self.Status = Status
        self.OwnerVM = OwnerVM
        self.CreatedTime = CreatedTime
        self.TagList = TagList
        self.KeyValueList = KeyValueList
    }
}

/// `disk.create`. Empty or "default" type and size mean the cloud's defaults; an empty zone means
/// the connection's zone.
public struct DiskReqInfo: Codable, Sendable {
    public var IId: IID
    public var DiskType: String?
    public var DiskSize: String?
    public var Zone: String?
    public var TagList: [KeyValue]?
    public init(IId: IID, DiskType: String? = nil, DiskSize: String? = nil, Zone: String? = nil, TagList: [KeyValue]? = nil) {
        self.IId = IId
        self.DiskType = DiskType
        self.DiskSize = DiskSize
        self.Zone = Zone
        self.TagList = TagList
    }
}

/// `disk.resize`: the new size in GB, larger than the current one.
public struct DiskResizeReqInfo: Codable, Sendable {
    public var IId: IID
    public var Size: String
    public init(IId: IID, Size: String) {
        self.IId = IId
        self.Size = Size
    }
}

/// `disk.attach` and `disk.detach`: the disk and the VM.
public struct DiskAttachReqInfo: Codable, Sendable {
    public var IId: IID
    public var VMIID: IID
    public init(IId: IID, VMIID: IID) {
        self.IId = IId
        self.VMIID = VMIID
    }
}

public struct DiskList: Codable, Sendable { public var disk: [DiskInfo]; public init(_ v: [DiskInfo]) { disk = v } }
