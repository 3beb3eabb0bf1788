// disk.*: Cinder volumes. A create waits for `available`; attach and detach go through Nova
// (os-volume_attachments) and wait for `in-use` / `available`; a resize is Cinder's os-extend
// (microversion 3.42 extends attached volumes too) and waits for the new size. DiskType is a
// Cinder volume type ("" or "default": the cloud's default type); DiskSize is in GB (default 1).
import Foundation
import SpiderDriverKit
import SpiderModels

extension OpenStackConnection {
    static let volumeMicroversion = "3.42"

    func createDisk(_ request: DiskReqInfo, _ context: CallContext) throws -> DiskInfo {
        let name = try requireNewName(request.IId.NameId)
        let size = try Self.diskSize(request.DiskSize, field: "DiskSize") ?? 1
        var volume: [String: Any] = ["name": name, "size": size, "description": "spider-disk \(name)"]
        if let tags = request.TagList, !tags.isEmpty {
            volume["metadata"] = Dictionary(tags.map { ($0.Key, $0.Value) }, uniquingKeysWith: { _, last in last })
        }
        let type = (request.DiskType ?? "").trimmingCharacters(in: .whitespaces)
        if !type.isEmpty && type.lowercased() != "default" { volume["volume_type"] = type }
        let zone = (request.Zone ?? "").isEmpty ? settings.zone : request.Zone!
        if !zone.isEmpty { volume["availability_zone"] = zone }
        let id = try api.call(.volume, "POST", "/volumes", body: ["volume": volume], microversion: Self.volumeMicroversion,
                              context: context)["volume"]["id"].string
        let settled = try waitForVolume(id, context) { ["available", "error"].contains($0["status"].string) }
        guard settled["status"].string == "available" else {
            _ = try? api.call(.volume, "DELETE", "/volumes/\(id)", context: nil)
            throw DriverError.internal("openstack cinder: disk '\(name)' ended in status \(settled["status"].string)")
        }
        return try diskInfo(settled, context)
    }

    func listDisks(_ context: CallContext) throws -> DiskList {
        let volumes = try api.call(.volume, "GET", "/volumes/detail", microversion: Self.volumeMicroversion, context: context)["volumes"].array
        return DiskList(try volumes.map { try diskInfo($0, context) })
    }

    func getDisk(_ request: IIDRequest, _ context: CallContext) throws -> DiskInfo {
        try diskInfo(try volume(try requireOpenStackID(request.IId, "disk"), context), context)
    }

    func deleteDisk(_ request: IIDRequest, _ context: CallContext) throws -> EmptyResult {
        let id = try requireOpenStackID(request.IId, "disk")
        let current = try volume(id, context)
        if !current["attachments"].array.isEmpty || current["status"].string == "in-use" {
            throw DriverError.conflict("disk '\(request.IId.NameId)' is attached to a VM: detach it first")
        }
        try api.call(.volume, "DELETE", "/volumes/\(id)", context: context)
        return EmptyResult()
    }

    func resizeDisk(_ request: DiskResizeReqInfo, _ context: CallContext) throws -> DiskInfo {
        let id = try requireOpenStackID(request.IId, "disk")
        guard let size = try Self.diskSize(request.Size, field: "Size") else {
            throw DriverError.invalidArgument("Size: a new size in GB is required")
        }
        let current = try volume(id, context)
        let now = current["size"].int ?? 0
        guard size > now else {
            throw DriverError.invalidArgument("Size: \(size) GB is not larger than disk '\(request.IId.NameId)' is now (\(now) GB); disks only grow")
        }
        try api.call(.volume, "POST", "/volumes/\(id)/action", body: ["os-extend": ["new_size": size]],
                     microversion: Self.volumeMicroversion, context: context)
        let settled = try waitForVolume(id, context) { volume in
            (volume["size"].int ?? 0) == size && volume["status"].string != "extending" || volume["status"].string.hasPrefix("error")
        }
        if settled["status"].string.hasPrefix("error") {
            // Cinder keeps the old size; the volume stays usable once its operator resets the status.
            throw DriverError(.internal, "openstack cinder: disk '\(request.IId.NameId)' could not grow to \(size) GB "
                              + "(status \(settled["status"].string); the backend refused)", cloudError: settled["status"].string)
        }
        return try diskInfo(settled, context)
    }

    func attachDisk(_ request: DiskAttachReqInfo, _ context: CallContext) throws -> DiskInfo {
        let id = try requireOpenStackID(request.IId, "disk")
        let vmID = try requireOpenStackID(request.VMIID, "VM", field: "VMIID")
        let current = try volume(id, context)
        if let owner = current["attachments"].array.first?["server_id"].string {
            if owner == vmID { return try diskInfo(current, context) }
            throw DriverError.conflict("disk '\(request.IId.NameId)' is attached to another VM (\(owner)): detach it first")
        }
        try api.call(.compute, "POST", "/servers/\(vmID)/os-volume_attachments", body: ["volumeAttachment": ["volumeId": id]],
                     context: context)
        return try diskInfo(try waitForVolume(id, context) { ["in-use", "error", "available"].contains($0["status"].string)
            && !$0["attachments"].array.isEmpty || $0["status"].string == "error" }, context)
    }

    func detachDisk(_ request: DiskAttachReqInfo, _ context: CallContext) throws -> DiskInfo {
        let id = try requireOpenStackID(request.IId, "disk")
        let vmID = try requireOpenStackID(request.VMIID, "VM", field: "VMIID")
        let current = try volume(id, context)
        guard current["attachments"].array.contains(where: { $0["server_id"].string == vmID }) else {
            throw DriverError.conflict("disk '\(request.IId.NameId)' is not attached to VM '\(request.VMIID.NameId)'")
        }
        try api.call(.compute, "DELETE", "/servers/\(vmID)/os-volume_attachments/\(id)", context: context)
        return try diskInfo(try waitForVolume(id, context) { $0["attachments"].array.isEmpty && $0["status"].string != "detaching" }, context)
    }

    // MARK: steps

    func volume(_ id: String, _ context: CallContext?) throws -> JSON {
        try api.call(.volume, "GET", "/volumes/\(id)", microversion: Self.volumeMicroversion, context: context)["volume"]
    }

    private func waitForVolume(_ id: String, _ context: CallContext, until settled: (JSON) -> Bool) throws -> JSON {
        try Polling.read(context, everyMs: 250, { try self.volume(id, context) }, until: settled)
    }

    /// GB from CB-Spider's size text; nil for "", "default" or "-1".
    static func diskSize(_ text: String?, field: String) throws -> Int? {
        let t = (text ?? "").trimmingCharacters(in: .whitespaces)
        if t.isEmpty || t.lowercased() == "default" || t == "-1" { return nil }
        guard let size = Int(t), size > 0 else { throw DriverError.invalidArgument("\(field): '\(t)' is not a size in GB") }
        return size
    }

    // MARK: shapes

    func diskInfo(_ volume: JSON, _ context: CallContext?) throws -> DiskInfo {
        let owner = volume["attachments"].array.first?["server_id"].string
        return DiskInfo(IId: IID(NameId: volume["name"].string, SystemId: volume["id"].string),
                        Zone: volume["availability_zone"].string, DiskType: volume["volume_type"].string,
                        DiskSize: volume["size"].string, Status: Self.diskStatus(volume["status"].string),
                        OwnerVM: owner.map { IID(NameId: "", SystemId: $0) }, CreatedTime: volume["created_at"].string,
                        TagList: Self.nonEmpty(volume["metadata"].entries.filter { !Self.internalMetadata.contains($0.key) }
                            .map { KeyValue(Key: $0.key, Value: $0.value.string) }),
                        KeyValueList: nonEmptyKeyValues([("Bootable", volume["bootable"].string),
                                                         ("Encrypted", volume["encrypted"].string),
                                                         ("CinderStatus", volume["status"].string)]))
    }

    static func diskStatus(_ status: String) -> DiskStatus {
        switch status {
        case "creating", "downloading": .Creating
        case "available", "reserved", "attaching", "extending", "maintenance", "uploading", "backing-up", "restoring-backup": .Available
        case "in-use", "detaching": .Attached
        case "deleting": .Deleting
        default: .Error   // error, error_deleting, error_extending, …
        }
    }
}
