// Disks: create (optionally in another zone), list, get, delete, resize (grow only), attach and detach.
import SpiderModels

enum DiskRoutes {
    static func add(to r: inout Router) {
        r.add(.POST, "/spider/disk") { app, req in
            let info = try req.decode(ConnectionRequest<DiskCreateInfo>.self, what: "disk create request").ReqInfo
            try validateName(info.Name, field: "ReqInfo.Name")
            let gw = try kind.gateway(app, req)
            try gw.requireZoneControl(info.Zone, field: "ReqInfo.Zone")
            let request = DiskReqInfo(IId: IID(NameId: info.Name), DiskType: info.DiskType, DiskSize: info.DiskSize,
                                      Zone: info.Zone, TagList: info.TagList)
            let disk = try gw.create(gw.key(.disk, info.Name), { try gw.run("disk.create", request, as: DiskInfo.self) },
                                     systemID: { $0.IId.SystemId })
            return try .json(present(disk, gw))
        }
        kind.addListAndGet(to: &r)
        kind.addDelete(to: &r)
        r.add(.PUT, "/spider/disk/{Name}/size") { app, req in
            let info = try req.decode(ConnectionRequest<DiskSizeInfo>.self, what: "disk size request").ReqInfo
            guard !info.Size.trimmingCharacters(in: .whitespaces).isEmpty else { throw HostError.badRequest("ReqInfo.Size is required") }
            let gw = try kind.gateway(app, req)
            let iid = try gw.iid(.disk, req.parameter("Name"))
            _ = try gw.run("disk.resize", DiskResizeReqInfo(IId: iid, Size: info.Size), as: DiskInfo.self)
            return .ok
        }
        // attach answers the disk (now Attached); detach answers {"Result": "true"}, as CB-Spider does.
        for action in ["attach", "detach"] {
            r.add(.PUT, "/spider/disk/{Name}/\(action)") { app, req in
                let info = try req.decode(ConnectionRequest<DiskVMInfo>.self, what: "disk \(action) request").ReqInfo
                try validateName(info.VMName, field: "ReqInfo.VMName")
                let gw = try kind.gateway(app, req)
                let request = DiskAttachReqInfo(IId: try gw.iid(.disk, req.parameter("Name")), VMIID: try gw.iid(.vm, info.VMName))
                let disk = try gw.run("disk.\(action)", request, as: DiskInfo.self)
                return action == "attach" ? try .json(present(disk, gw)) : .ok
            }
        }
    }

    static let kind = ResourceKind<DiskInfo, DiskList>(
        type: .disk, path: "/spider/disk", capability: \.diskHandler, capabilityName: "diskHandler",
        operationPrefix: "disk", items: \.disk, makeList: DiskList.init, iid: \.IId, present: present)

    /// The disk and the VM it is attached to, with the user's names.
    static func present(_ disk: DiskInfo, _ gw: DriverGateway) -> DiskInfo {
        var out = disk
        out.IId = gw.userIID(disk.IId, .disk)
        out.OwnerVM = disk.OwnerVM.map { gw.userIID($0, .vm) }
        return out
    }
}
