// The request bodies of the disk and MyImage routes, as CB-Spider's clients send them.
import SpiderModels

struct DiskCreateInfo: Decodable, Sendable {
    var Name: String
    var DiskType: String?
    var DiskSize: String?
    var Zone: String?
    var TagList: [KeyValue]?
}

/// `PUT /spider/disk/{Name}/size`.
struct DiskSizeInfo: Decodable, Sendable {
    var Size: String
}

/// `PUT /spider/disk/{Name}/attach` and `/detach`.
struct DiskVMInfo: Decodable, Sendable {
    var VMName: String
}

/// `POST /spider/myimage`: `SourceVM` is the VM's name.
struct MyImageSnapshotInfo: Decodable, Sendable {
    var Name: String
    var SourceVM: String
    var TagList: [KeyValue]?
}
