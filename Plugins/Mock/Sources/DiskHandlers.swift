// disk.*: a disk lives in one zone of the region and is attached to at most one VM of that zone.
// It only grows; an attached disk cannot be deleted; terminating a VM detaches its disks.
import SpiderDriverKit
import SpiderModels

typealias DiskRecord = Record<DiskInfo>
extension DiskInfo: NamedByIID {}

extension MockConnection {
    func createDisk(_ request: DiskReqInfo) throws -> DiskInfo {
        let name = try requireName(request.IId.NameId, field: "IId.NameId")
        guard let type = DiskType.named(request.DiskType) else {
            throw MockError.invalid("DiskType", "'\(request.DiskType ?? "")' is not a disk type (known: default, \(DiskType.names))")
        }
        let size = try Self.diskSize(request.DiskSize, type: type, field: "DiskSize")
        let zone = try availableZone(request.Zone, field: "Zone")
        return try mutate { state, now in
            guard !state.disks.hasName(name) else { throw MockError.exists("disk", name, in: "region '\(region)'") }
            let id = SystemID.make("vol") { state.disks[$0] != nil }
            let info = DiskInfo(IId: IID(NameId: name, SystemId: id), Zone: zone, DiskType: type.name, DiskSize: String(size),
                                Status: .Available, OwnerVM: IID(NameId: ""), CreatedTime: WallClock.rfc3339(now),
                                TagList: request.TagList)
            state.disks[id] = DiskRecord(sequence: state.takeSequence(), info: info)
            return info
        }
    }

    func listDisks() -> DiskList {
        DiskList(snapshot().disks.inCreationOrder.map(\.info))
    }

    func getDisk(_ request: IIDRequest) throws -> EncodedJSON {
        let disk = try snapshot().disks.require(request.IId, "disk")
        return disk.stored.answer
    }

    func deleteDisk(_ request: IIDRequest) throws -> EmptyResult {
        try mutate { state, _ in
            let disk = try state.existingDisk(request.IId)
            if let owner = disk.info.attachedTo {
                throw DriverError.conflict("disk '\(disk.iid.NameId)' is attached to VM '\(owner.NameId)'; detach it first")
            }
            state.disks[disk.iid.SystemId] = nil
            return EmptyResult()
        }
    }

    func resizeDisk(_ request: DiskResizeReqInfo) throws -> DiskInfo {
        try mutate { state, _ in
            var disk = try state.existingDisk(request.IId)
            let current = Int(disk.info.DiskSize) ?? 0
            guard let type = DiskType.named(disk.info.DiskType) else {
                throw DriverError.internal("disk '\(disk.iid.NameId)' has unknown type '\(disk.info.DiskType)'")
            }
            let size = try Self.diskSize(request.Size, type: type, field: "Size")
            guard size > current else {
                throw MockError.invalid("Size", "\(size) GB is not larger than the disk's \(current) GB; disks only grow")
            }
            disk.info.DiskSize = String(size)
            state.disks[disk.iid.SystemId] = disk
            return disk.info
        }
    }

    func attachDisk(_ request: DiskAttachReqInfo) throws -> DiskInfo {
        try mutate { state, now in
            var disk = try state.existingDisk(request.IId)
            guard var vm = state.vm(request.VMIID, at: now) else { throw MockError.notFound("VM", request.VMIID.label) }
            if vm.status(at: now) == .Terminating {
                throw DriverError.conflict("VM '\(vm.iid.NameId)' is Terminating; a disk cannot be attached to it")
            }
            try Self.checkAttachable(disk.info, zone: vm.info.Region.Zone, vm: vm.iid.NameId)
            disk.info.attach(to: vm.iid)
            vm.info.DataDiskIIDs = (vm.info.DataDiskIIDs ?? []) + [disk.iid]
            state.disks[disk.iid.SystemId] = disk
            state.vms[vm.iid.SystemId] = vm
            return disk.info
        }
    }

    func detachDisk(_ request: DiskAttachReqInfo) throws -> DiskInfo {
        try mutate { state, now in
            var disk = try state.existingDisk(request.IId)
            guard let vm = state.vm(request.VMIID, at: now) else { throw MockError.notFound("VM", request.VMIID.label) }
            guard disk.info.attachedTo?.SystemId == vm.iid.SystemId else {
                let owner = disk.info.attachedTo.map { " (it is attached to VM '\($0.NameId)')" } ?? ""
                throw DriverError.conflict("disk '\(disk.iid.NameId)' is not attached to VM '\(vm.iid.NameId)'\(owner)")
            }
            disk.info.detach()
            state.disks[disk.iid.SystemId] = disk
            state.removeDataDisk(disk.iid.SystemId, fromVM: vm.iid.SystemId)
            return disk.info
        }
    }

    // MARK: helpers

    /// A disk can join a VM when it is free and in the VM's zone.
    static func checkAttachable(_ disk: DiskInfo, zone: String, vm: String) throws {
        if let owner = disk.attachedTo {
            throw DriverError.conflict("disk '\(disk.IId.NameId)' is already attached to VM '\(owner.NameId)'")
        }
        guard disk.Zone == zone else {
            throw MockError.invalid("disk '\(disk.IId.NameId)'", "it is in zone '\(disk.Zone)', VM '\(vm)' in zone '\(zone)'")
        }
    }

    /// A requested zone of this region that is Available; empty means the connection's zone.
    private func availableZone(_ requested: String?, field: String) throws -> String {
        let zone = requested.flatMap { $0.isEmpty ? nil : $0 } ?? settings.zone
        guard let known = Catalogue.region(region)?.zones.first(where: { $0.name == zone }) else {
            throw MockError.invalid(field, "zone '\(zone)' is not in region '\(region)'")
        }
        guard known.available else { throw MockError.invalid(field, "zone '\(zone)' is Unavailable") }
        return zone
    }

    private static func diskSize(_ text: String?, type: DiskType, field: String) throws -> Int {
        guard let text, !text.isEmpty, text.lowercased() != "default" else { return type.defaultSize }
        guard let size = Int(text.trimmingCharacters(in: .whitespaces)), type.sizes.contains(size) else {
            throw MockError.invalid(field, "'\(text)' must be a whole number of GB from \(type.sizes.lowerBound) "
                                    + "to \(type.sizes.upperBound) for disk type \(type.name)")
        }
        return size
    }
}

extension DiskInfo {
    /// The VM the disk is attached to, if any.
    var attachedTo: IID? {
        guard let owner = OwnerVM, !owner.SystemId.isEmpty else { return nil }
        return owner
    }

    mutating func attach(to vm: IID) {
        OwnerVM = vm
        Status = .Attached
    }

    mutating func detach() {
        OwnerVM = IID(NameId: "")
        Status = .Available
    }
}

extension RegionState {
    func existingDisk(_ iid: IID) throws -> DiskRecord {
        let disk = try disks.require(iid, "disk")
        return disk
    }

    /// The disks a new VM in `zone` asks for, checked: each exists, once, free, in that zone.
    func disksForNewVM(_ iids: [IID], zone: String, vm: String) throws -> [DiskRecord] {
        var found: [DiskRecord] = []
        for (index, iid) in iids.enumerated() {
            let disk = try disks.require(iid, "disk")
            guard !found.contains(where: { $0.iid.SystemId == disk.iid.SystemId }) else {
                throw MockError.invalid("DataDiskIIDs[\(index)]", "disk '\(disk.iid.NameId)' is named twice")
            }
            try MockConnection.checkAttachable(disk.info, zone: zone, vm: vm)
            found.append(disk)
        }
        return found
    }

    mutating func attach(_ found: [DiskRecord], to vm: IID) {
        for var disk in found {
            disk.info.attach(to: vm)
            disks[disk.iid.SystemId] = disk
        }
    }

    mutating func removeDataDisk(_ diskID: String, fromVM vmID: String) {
        guard var vm = vms[vmID] else { return }
        vm.info.DataDiskIIDs = (vm.info.DataDiskIIDs ?? []).filter { $0.SystemId != diskID }
        vms[vmID] = vm
    }

    /// Frees every disk attached to a VM that is going away.
    mutating func detachDisks(fromVM vmID: String) {
        for var disk in disks.values where disk.info.attachedTo?.SystemId == vmID {
            disk.info.detach()
            disks[disk.iid.SystemId] = disk
        }
        removeAllDataDisks(fromVM: vmID)
    }

    private mutating func removeAllDataDisks(fromVM vmID: String) {
        guard var vm = vms[vmID], !(vm.info.DataDiskIIDs ?? []).isEmpty else { return }
        vm.info.DataDiskIIDs = []
        vms[vmID] = vm
    }
}
