// VMs: start, list, get, status, control (suspend/resume/reboot) and terminate.
import SpiderModels

enum VMRoutes {
    static func add(to r: inout Router) {
        r.add(.POST, "/spider/vm") { app, req in
            let info = try req.decode(ConnectionRequest<VMCreateInfo>.self, what: "VM start request").ReqInfo
            try validateName(info.Name, field: "ReqInfo.Name")
            let gw = try kind.gateway(app, req)
            let imageType = info.ImageType?.isEmpty == false ? info.ImageType! : "PublicImage"
            guard !info.ImageName.isEmpty else { throw HostError.badRequest("ReqInfo.ImageName is required") }
            let imageIID = try imageIID(imageType, info.ImageName, gw)
            guard !info.VMSpecName.isEmpty else { throw HostError.badRequest("ReqInfo.VMSpecName is required") }
            // A cloud with security groups needs one per VM; a driver without them takes none.
            let groups = info.SecurityGroupNames ?? []
            if gw.connection.capabilities.securityHandler, groups.isEmpty {
                throw HostError.badRequest("ReqInfo.SecurityGroupNames needs at least one security group")
            }
            let request = VMReqInfo(
                IId: IID(NameId: info.Name), ImageType: imageType, ImageIID: imageIID,
                VpcIID: try gw.iid(.vpc, info.VPCName),
                SubnetIID: try gw.iid(.subnet, info.SubnetName, owner: info.VPCName),
                SecurityGroupIIDs: try groups.map { try gw.iid(.securitygroup, $0) },
                VMSpecName: info.VMSpecName, KeyPairIID: try gw.iid(.keypair, info.KeyPairName),
                RootDiskType: info.RootDiskType, RootDiskSize: info.RootDiskSize, DataDiskIIDs: try dataDiskIIDs(info.DataDiskNames, gw),
                VMUserId: info.VMUserId, VMUserPasswd: info.VMUserPasswd, TagList: info.TagList)
            let vm = try gw.create(gw.key(.vm, info.Name), { try gw.run("vm.start", request, as: VMInfo.self) },
                                   systemID: { $0.IId.SystemId })
            return try .json(present(vm, gw))
        }
        kind.addListAndGet(to: &r)
        r.add(.DELETE, "/spider/vm/{Name}") { app, req in
            let gw = try kind.gateway(app, req)
            var status = VMStatusResult(Status: .Terminated)
            try gw.delete(.vm, req.parameter("Name"), force: req.flag("force")) { iid in
                status = try gw.run("vm.terminate", IIDRequest(IId: iid), as: VMStatusResult.self)
            }
            return try .json(status)
        }
        r.add(.GET, "/spider/vmstatus") { app, req in
            let gw = try kind.gateway(app, req)
            let all = try gw.run("vm.status.list", EmptyResult(), as: VMStatusList.self)
            return try .json(VMStatusList(all.vmstatus.filter { gw.isMapped($0.IId, .vm) }.map {
                VMStatusInfo(IId: gw.userIID($0.IId, .vm), VmStatus: $0.VmStatus)
            }))
        }
        r.add(.GET, "/spider/vmstatus/{Name}") { app, req in
            let gw = try kind.gateway(app, req)
            let iid = try gw.iid(.vm, req.parameter("Name"))
            return try gw.answer("vm.status", IIDRequest(IId: iid), as: VMStatusResult.self)
        }
        // CB-Spider has used both PUT and GET for control; accept both.
        for method in [HTTPMethodName.PUT, .GET] {
            r.add(method.nio, "/spider/controlvm/{Name}", execution: .worker) { app, req in
                let action = req.query["action"]?.lowercased() ?? ""
                guard ["suspend", "resume", "reboot"].contains(action) else {
                    throw HostError.badRequest("action must be suspend, resume or reboot (got '\(action)')")
                }
                let gw = try kind.gateway(app, req)
                let iid = try gw.iid(.vm, req.parameter("Name"))
                return try gw.answer("vm.\(action)", IIDRequest(IId: iid), as: VMStatusResult.self)
            }
        }
    }

    static let kind = ResourceKind<VMInfo, VMList>(
        type: .vm, path: "/spider/vm", capability: \.vmhandler, capabilityName: "vmhandler",
        operationPrefix: "vm", items: \.vm, makeList: VMList.init, iid: \.IId, present: present)

    static func present(_ vm: VMInfo, _ gw: DriverGateway) -> VMInfo {
        var out = vm
        out.IId = gw.userIID(vm.IId, .vm)
        out.VpcIID = gw.userIID(vm.VpcIID, .vpc)
        out.SubnetIID = gw.userIID(vm.SubnetIID, .subnet)
        out.SecurityGroupIIds = vm.SecurityGroupIIds.map { gw.userIID($0, .securitygroup) }
        out.KeyPairIId = gw.userIID(vm.KeyPairIId, .keypair)
        if vm.ImageType == "MyImage" { out.ImageIId = gw.userIID(vm.ImageIId, .myimage) }
        out.DataDiskIIDs = vm.DataDiskIIDs.map { $0.map { gw.userIID($0, .disk) } }
        return out
    }

    /// A public image is named by the cloud's image name; a MyImage through the host's map.
    private static func imageIID(_ imageType: String, _ name: String, _ gw: DriverGateway) throws -> IID {
        switch imageType {
        case "PublicImage":
            return IID(NameId: name, SystemId: name)
        case "MyImage":
            try gw.requireCapability(\.myImageHandler, named: "myImageHandler", for: "ImageType 'MyImage'")
            return try gw.iid(.myimage, name)
        default:
            throw HostError.badRequest("ReqInfo.ImageType must be PublicImage or MyImage (got '\(imageType)')")
        }
    }

    /// Data disks to attach at start, through the host's disk map.
    private static func dataDiskIIDs(_ names: [String]?, _ gw: DriverGateway) throws -> [IID]? {
        guard let names, !names.isEmpty else { return nil }
        try gw.requireCapability(\.diskHandler, named: "diskHandler", for: "ReqInfo.DataDiskNames")
        guard Set(names).count == names.count else { throw HostError.badRequest("ReqInfo.DataDiskNames names a disk twice") }
        return try names.map { try gw.iid(.disk, $0) }
    }
}
