// CB-Spider's "org" answers (/orgregion, /orgzone, /vmorgspec): the cloud's own JSON under one
// fixed key. The host checks the key is there and passes the driver's bytes on unchanged.

/// Any JSON value except null; its content is the cloud's and is not looked into.
public struct OpaqueJSON: Decodable, Sendable {
    public init(from decoder: any Decoder) throws {
        if try decoder.singleValueContainer().decodeNil() {
            throw DecodingError.valueNotFound(OpaqueJSON.self, .init(codingPath: decoder.codingPath, debugDescription: "is null"))
        }
    }
}

public struct OriginalRegionList: Decodable, Sendable { public var RegionInfo: OpaqueJSON }
public struct OriginalZoneList: Decodable, Sendable { public var ZoneInfo: OpaqueJSON }
/// One spec or the whole list: CB-Spider answers both under `VMSpecInfo`.
public struct OriginalVMSpec: Decodable, Sendable { public var VMSpecInfo: OpaqueJSON }
