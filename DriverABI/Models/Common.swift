// CB-Spider's JSON shapes, shared by the host and by Swift drivers. Field names are CB-Spider's
// (see DriverABI/OPERATIONS.md); a Swift value never crosses the ABI, only its JSON does.

/// A resource's two names: the user's (`NameId`) and the cloud's (`SystemId`).
public struct IID: Codable, Hashable, Sendable {
    public var NameId: String
    public var SystemId: String
    public init(NameId: String, SystemId: String = "") {
        self.NameId = NameId
        self.SystemId = SystemId
    }
}

public struct KeyValue: Codable, Hashable, Sendable {
    public var Key: String
    public var Value: String
    public init(Key: String, Value: String) {
        self.Key = Key
        self.Value = Value
    }

    enum CodingKeys: String, CodingKey { case Key, Value }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        Key = try c.decode(String.self, forKey: .Key)
        Value = try c.decodeIfPresent(String.self, forKey: .Value) ?? ""
    }
}

/// A request that names one resource by its IID (get, delete, status, control).
public struct IIDRequest: Codable, Sendable {
    public var IId: IID
    public init(IId: IID) { self.IId = IId }
}

/// A request that names a catalogue entry (image, spec, region) by name.
public struct NameRequest: Codable, Sendable {
    public var Name: String
    public init(Name: String) { self.Name = Name }
}

/// The result of an operation that has nothing to return but success.
public struct EmptyResult: Codable, Sendable {
    public init() {}
}

/// CB-Spider's `{"Result": "true"}`.
public struct BooleanInfo: Codable, Sendable {
    public var Result: String
    public init(_ value: Bool) { Result = value ? "true" : "false" }
}
