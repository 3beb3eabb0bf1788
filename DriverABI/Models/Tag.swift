// Tags on resources: add, list, get, remove, and find across resource types.

/// Resource types as CB-Spider's RSType spells them.
public enum TagResourceType: String, CaseIterable, Codable, Sendable {
    case vpc, subnet, sg, keypair, vm, disk, myimage, nlb, cluster

    /// Accepts CB-Spider's spellings in any case, and the aliases its docs use ("KEY", "SECURITYGROUP").
    public init?(spelling: String) {
        switch spelling.lowercased() {
        case "key": self = .keypair
        case "securitygroup": self = .sg
        default: self.init(rawValue: spelling.lowercased())
        }
    }
}

/// `tag.list`: the resource whose tags are asked for.
public struct TagTargetRequest: Codable, Sendable {
    public var ResourceType: TagResourceType
    public var ResourceIID: IID
    public init(ResourceType: TagResourceType, ResourceIID: IID) {
        self.ResourceType = ResourceType
        self.ResourceIID = ResourceIID
    }
}

/// `tag.add`: a tag to set (an existing key gets the new value).
public struct TagAddReqInfo: Codable, Sendable {
    public var ResourceType: TagResourceType
    public var ResourceIID: IID
    public var Tag: KeyValue
    public init(ResourceType: TagResourceType, ResourceIID: IID, Tag: KeyValue) {
        self.ResourceType = ResourceType
        self.ResourceIID = ResourceIID
        self.Tag = Tag
    }
}

/// `tag.get` and `tag.remove`: one tag by key.
public struct TagKeyReqInfo: Codable, Sendable {
    public var ResourceType: TagResourceType
    public var ResourceIID: IID
    public var Key: String
    public init(ResourceType: TagResourceType, ResourceIID: IID, Key: String) {
        self.ResourceType = ResourceType
        self.ResourceIID = ResourceIID
        self.Key = Key
    }
}

/// `tag.find`: resources of one type (or `"all"`, when `ResourceType` is absent) whose tags match.
/// `Keyword` matches a key or value containing it (case-insensitive); `Key` (and `Value`, if
/// given) match exactly. All given conditions must hold.
public struct TagFindReqInfo: Codable, Sendable {
    public var ResourceType: TagResourceType?
    public var Keyword: String?
    public var Key: String?
    public var Value: String?
    public init(ResourceType: TagResourceType? = nil, Keyword: String? = nil, Key: String? = nil, Value: String? = nil) {
        self.ResourceType = ResourceType
        self.Keyword = Keyword
        self.Key = Key
        self.Value = Value
    }
}

public struct TagList: Codable, Sendable {
    public var tag: [KeyValue]
    public init(_ tags: [KeyValue]) { tag = tags }
}

/// A resource found by its tags.
public struct TagInfo: Codable, Sendable {
    public var ResourceType: TagResourceType
    public var ResourceIId: IID
    public var TagList: [KeyValue]
    public var KeyValueList: [KeyValue]?
    public init(ResourceType: TagResourceType, ResourceIId: IID, TagList: [KeyValue], KeyValueList: [KeyValue]? = nil) {
        self.ResourceType = ResourceType
        self.ResourceIId = ResourceIId
        self.TagList = TagList
        self.KeyValueList = KeyValueList
    }
}

public struct TagInfoList: Codable, Sendable {
    public var tag: [TagInfo]
    public init(_ tags: [TagInfo]) { tag = tags }
}
