// disk.*: EBS volumes tagged Name=<Spider name>. A new volume goes in the request's zone, else the
// connection's, else the region's first available one. Attach picks a free /dev/sd[f-p] slot of
// the instance. Create, attach and detach wait (within the call's deadline) until AWS settles, so
// the answer shows Available or Attached rather than a passing state.
import Foundation
import SpiderDriverKit
import SpiderModels

extension AWSConnection {
    func createDisk(_ request: DiskReqInfo, _ context: CallContext) throws -> DiskInfo {
        let name = try requireName(request.IId.NameId)
        let ec2 = try ec2()
        let type = try EBSVolume.volumeType(request.DiskType)
        let size = try EBSVolume.volumeSize(request.DiskSize, type: type)
        var params: EC2Params = ["AvailabilityZone": try diskZone(request.Zone, context), "VolumeType": type,
                                 "Size": String(size)]
        if let iops = EBSVolume.provisionedIops(type: type, size: size) { params["Iops"] = String(iops) }
        params.tagSpecification("volume", name: name, tags: request.TagList)
        let volumeID = try ec2.call("CreateVolume", params, context: context).string("volumeId")
        guard !volumeID.isEmpty else { throw DriverError.internal("aws CreateVolume answered without a volumeId") }
        let volume = try waitForVolume(volumeID, ec2, context) { $0.string("status") != "creating" }
        return try diskInfos([volume], ec2, context)[0]
    }

    func listDisks(_ context: CallContext) throws -> DiskList {
        let ec2 = try ec2()
        return DiskList(try diskInfos(try ec2.call("DescribeVolumes", context: context).items("volumeSet"), ec2, context))
    }

    func getDisk(_ request: IIDRequest, _ context: CallContext) throws -> DiskInfo {
        let ec2 = try ec2()
        return try diskInfos([try volumeRecord(try requireSystemID(request.IId, "disk"), ec2, context)], ec2, context)[0]
    }

    func deleteDisk(_ request: IIDRequest, _ context: CallContext) throws -> EmptyResult {
        let ec2 = try ec2()
        let volume = try volumeRecord(try requireSystemID(request.IId, "disk"), ec2, context)
        if let owner = Self.attachedInstance(volume) {
            throw DriverError.conflict("disk '\(label(request.IId))' is attached to VM \(owner); detach it first")
        }
        _ = try ec2.call("DeleteVolume", ["VolumeId": volume.string("volumeId")], context: context)
        return EmptyResult()
    }

    func resizeDisk(_ request: DiskResizeReqInfo, _ context: CallContext) throws -> DiskInfo {
        let ec2 = try ec2()
        let volume = try volumeRecord(try requireSystemID(request.IId, "disk"), ec2, context)
        let type = volume.string("volumeType")
        let current = Int(volume.string("size")) ?? 0
        let size = try EBSVolume.volumeSize(request.Size, type: type, field: "Size")
        guard size > current else {
            throw DriverError.invalidArgument("Size: \(size) GB is not larger than disk '\(label(request.IId))''s \(current) GB; "
                                              + "EBS volumes only grow")
        }
        _ = try ec2.call("ModifyVolume", ["VolumeId": volume.string("volumeId"), "Size": String(size)], context: context)
        return try diskInfos([try volumeRecord(volume.string("volumeId"), ec2, context)], ec2, context)[0]
    }

    func attachDisk(_ request: DiskAttachReqInfo, _ context: CallContext) throws -> DiskInfo {
        let ec2 = try ec2()
        let volume = try volumeRecord(try requireSystemID(request.IId, "disk"), ec2, context)
        let instance = try storageInstance(try requireSystemID(request.VMIID, "VM", field: "VMIID"), ec2, context)
        let instanceID = instance.string("instanceId")
        if let owner = Self.attachedInstance(volume) {
            throw DriverError.conflict("disk '\(label(request.IId))' is already attached to VM \(owner)")
        }
        let state = instance.find("instanceState")?.string("name") ?? ""
        if ["shutting-down", "terminated"].contains(state) {
            throw DriverError.conflict("VM '\(label(request.VMIID))' is \(state); a disk cannot be attached to it")
        }
        let zone = instance.find("placement")?.string("availabilityZone") ?? ""
        guard volume.string("availabilityZone") == zone else {
            throw DriverError.invalidArgument("IId: disk '\(label(request.IId))' is in zone \(volume.string("availabilityZone")), "
                                              + "VM '\(label(request.VMIID))' in zone \(zone)")
        }
        let used = instance.items("blockDeviceMapping").map { $0.string("deviceName") } + [instance.string("rootDeviceName")]
        guard let device = EBSVolume.freeDevice(used: used) else {
            throw DriverError.conflict("VM '\(label(request.VMIID))' has no free device slot (/dev/sdf–/dev/sdp) for another disk")
        }
        _ = try ec2.call("AttachVolume", ["VolumeId": volume.string("volumeId"), "InstanceId": instanceID, "Device": device],
                         context: context)
        let attached = try waitForVolume(volume.string("volumeId"), ec2, context) {
            $0.items("attachmentSet").first?.string("status") != "attaching"
        }
        return try diskInfos([attached], ec2, context)[0]
    }

    func detachDisk(_ request: DiskAttachReqInfo, _ context: CallContext) throws -> DiskInfo {
        let ec2 = try ec2()
        let volume = try volumeRecord(try requireSystemID(request.IId, "disk"), ec2, context)
        let instanceID = try requireSystemID(request.VMIID, "VM", field: "VMIID")
        guard let attachment = volume.items("attachmentSet").first(where: { $0.string("instanceId") == instanceID }) else {
            let owner = Self.attachedInstance(volume).map { " (it is attached to VM \($0))" } ?? " (it is not attached)"
            throw DriverError.conflict("disk '\(label(request.IId))' is not attached to VM '\(label(request.VMIID))'" + owner)
        }
        _ = try ec2.call("DetachVolume", ["VolumeId": volume.string("volumeId"), "InstanceId": instanceID,
                                          "Device": attachment.string("device")], context: context)
        let detached = try waitForVolume(volume.string("volumeId"), ec2, context) { $0.string("status") != "in-use" }
        return try diskInfos([detached], ec2, context)[0]
    }

    // MARK: steps

    func volumeRecord(_ volumeID: String, _ ec2: EC2Client, _ context: CallContext?) throws -> XMLNode {
        var params = EC2Params()
        params.list("VolumeId", [volumeID])
        guard let volume = try ec2.call("DescribeVolumes", params, context: context).items("volumeSet").first else {
            throw DriverError.notFound("disk \(volumeID) does not exist")
        }
        return volume
    }

    /// The instance with this ID (NOT_FOUND naming it when AWS has none, terminated ones included).
    func storageInstance(_ instanceID: String, _ ec2: EC2Client, _ context: CallContext?) throws -> XMLNode {
        var params = EC2Params()
        params.filter("instance-id", [instanceID])
        let found = try ec2.call("DescribeInstances", params, context: context).items("reservationSet")
            .flatMap { $0.items("instancesSet") }.first
        guard let found else { throw DriverError.notFound("VM \(instanceID) does not exist") }
        return found
    }

    /// DescribeVolumes until `settled` holds (Polling's bounds); then the volume as it is.
    private func waitForVolume(_ volumeID: String, _ ec2: EC2Client, _ context: CallContext,
                               until settled: (XMLNode) -> Bool) throws -> XMLNode {
        try Polling.read(context, { try volumeRecord(volumeID, ec2, context) }, until: settled)
    }

    /// The zone for a new disk: the request's, the connection's, or the region's first available zone.
    private func diskZone(_ requested: String?, _ context: CallContext) throws -> String {
        if let zone = requested?.trimmingCharacters(in: .whitespaces), !zone.isEmpty { return zone }
        if !settings.zone.isEmpty { return settings.zone }
        let region = settings.region ?? AWSSettings.fallbackRegion
        guard let zone = try describeZones(in: region, context).first(where: { $0.string("zoneState") == "available" }) else {
            throw DriverError.invalidArgument("Zone: region \(region) has no available zone; name one")
        }
        return zone.string("zoneName")
    }

    /// Volumes as DiskInfo, each attached VM named by its Name tag (one DescribeInstances for all).
    private func diskInfos(_ volumes: [XMLNode], _ ec2: EC2Client, _ context: CallContext) throws -> [DiskInfo] {
        let owners = Array(Set(volumes.compactMap(Self.attachedInstance))).sorted()
        var names: [String: String] = [:]
        if !owners.isEmpty {
            var params = EC2Params()
            params.filter("instance-id", owners)
            for instance in try ec2.call("DescribeInstances", params, context: context).items("reservationSet")
                .flatMap({ $0.items("instancesSet") }) {
                names[instance.string("instanceId")] = instance.spiderName()
            }
        }
        return volumes.map { Self.diskInfo($0, ownerNames: names) }
    }

    private func label(_ iid: IID) -> String { iid.NameId.isEmpty ? iid.SystemId : iid.NameId }

    // MARK: shapes

    /// The instance a volume is attached to (or attaching to / detaching from), if any.
    static func attachedInstance(_ volume: XMLNode) -> String? {
        volume.items("attachmentSet").map { $0.string("instanceId") }.first { !$0.isEmpty }
    }

    static func diskInfo(_ volume: XMLNode, ownerNames: [String: String]) -> DiskInfo {
        let attachment = volume.items("attachmentSet").first
        let owner = attachedInstance(volume).map { IID(NameId: ownerNames[$0] ?? "", SystemId: $0) } ?? IID(NameId: "")
        return DiskInfo(IId: IID(NameId: volume.spiderName(), SystemId: volume.string("volumeId")),
                        Zone: volume.string("availabilityZone"), DiskType: volume.string("volumeType"),
                        DiskSize: volume.string("size"), Status: EBSVolume.diskStatus(volume.string("status")),
                        OwnerVM: owner, CreatedTime: volume.string("createTime"), TagList: volume.userTags,
                        KeyValueList: keyValues([("State", volume.string("status")), ("Iops", volume.string("iops")),
                                                 ("Throughput", volume.string("throughput")),
                                                 ("Encrypted", volume.string("encrypted")),
                                                 ("SnapshotId", volume.string("snapshotId")),
                                                 ("Device", attachment?.string("device") ?? ""),
                                                 ("AttachmentState", attachment?.string("status") ?? "")]))
    }
}
