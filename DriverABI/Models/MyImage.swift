// Machine images made from a VM (CB-Spider's MyImage): a VM can be started from one.

public enum MyImageStatus: String, Codable, Sendable, CaseIterable {
    case Available, Unavailable
}

public struct MyImageInfo: Codable, Sendable {
    public var IId: IID
    public var SourceVM: IID?
    public var Status: MyImageStatus
    public var CreatedTime: String
    public var TagList: [KeyValue]?
    public var KeyValueList: [KeyValue]?
    public init(IId: IID, SourceVM: IID? = nil, Status: MyImageStatus, CreatedTime: String,
                TagList: [KeyValue]? = nil, KeyValueList: [KeyValue]? = nil) {
        self.IId = IId
        self.SourceVM = SourceVM
        self.Status = Status
        self.CreatedTime = CreatedTime
        self.TagList = TagList
        self.KeyValueList = KeyValueList
    }
}

/// `myimage.snapshot`: the new image's name and the VM it is taken from.
public struct MyImageReqInfo: Codable, Sendable {
    public var IId: IID
    public var SourceVM: IID
    public var TagList: [KeyValue]?
    public init(IId: IID, SourceVM: IID, TagList: [KeyValue]? = nil) {
        self.IId = IId
        self.SourceVM = SourceVM
        self.TagList = TagList
    }
}

/// CB-Spider's MyImageListResponse key is `myImage`.
public struct MyImageList: Codable, Sendable {
    public var myImage: [MyImageInfo]
    public init(_ v: [MyImageInfo]) { myImage = v }
}
