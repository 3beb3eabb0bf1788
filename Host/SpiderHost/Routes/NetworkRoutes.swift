// VPCs and their subnets.
import SpiderModels

enum NetworkRoutes {
    static func add(to r: inout Router) {
        r.add(.POST, "/spider/vpc") { app, req in
            let body = try req.decode(ConnectionRequest<VPCCreateInfo>.self, what: "VPC create request")
            let info = body.ReqInfo
            try validateName(info.Name, field: "ReqInfo.Name")
            let subnets = info.SubnetInfoList ?? []
            for (i, s) in subnets.enumerated() { try validateName(s.Name, field: "ReqInfo.SubnetInfoList[\(i)].Name") }
            if Set(subnets.map(\.Name)).count != subnets.count {
                throw HostError.badRequest("ReqInfo.SubnetInfoList names the same subnet twice")
            }
            let gw = try kind.gateway(app, req)
            try requireRoomForVPC(gw)
            for (i, s) in subnets.enumerated() { try gw.requireZoneControl(s.Zone, field: "ReqInfo.SubnetInfoList[\(i)].Zone") }
            let subnetKeys = subnets.map { gw.key(.subnet, $0.Name, owner: info.Name) }
            for (i, k) in subnetKeys.enumerated() {
                do { try app.iids.reserve(k) } catch {
                    subnetKeys[..<i].forEach(app.iids.cancel)
                    throw error
                }
            }
            defer { subnetKeys.forEach(app.iids.cancel) }
            let request = VPCReqInfo(
                IId: IID(NameId: info.Name), IPv4_CIDR: info.IPv4_CIDR,
                SubnetInfoList: subnets.map { SubnetInfo(IId: IID(NameId: $0.Name), Zone: $0.Zone ?? "", IPv4_CIDR: $0.IPv4_CIDR, TagList: $0.TagList) },
                TagList: info.TagList)
            let vpc = try gw.create(gw.key(.vpc, info.Name), { try gw.run("vpc.create", request, as: VPCInfo.self) },
                                    systemID: { $0.IId.SystemId })
            for s in vpc.SubnetInfoList where subnets.contains(where: { $0.Name == s.IId.NameId }) {
                try app.iids.commit(gw.key(.subnet, s.IId.NameId, owner: info.Name), systemID: s.IId.SystemId)
            }
            return try .json(present(vpc, gw))
        }
        kind.addListAndGet(to: &r)
        r.add(.DELETE, "/spider/vpc/{Name}") { app, req in
            let gw = try kind.gateway(app, req)
            let name = req.parameter("Name")
            try gw.delete(.vpc, name, force: req.flag("force")) { iid in
                _ = try gw.runRaw("vpc.delete", IIDRequest(IId: iid))
            }
            try app.iids.remove(connection: gw.connectionName, type: .subnet, owner: name, name: nil)
            return .ok
        }

        r.add(.POST, "/spider/vpc/{VPCName}/subnet") { app, req in
            let body = try req.decode(ConnectionRequest<SubnetCreateInfo>.self, what: "subnet add request")
            let s = body.ReqInfo
            try validateName(s.Name, field: "ReqInfo.Name")
            let gw = try kind.gateway(app, req)
            try gw.requireZoneControl(s.Zone, field: "ReqInfo.Zone")
            let vpcName = req.parameter("VPCName")
            let vpcIID = try gw.iid(.vpc, vpcName)
            let request = SubnetAddReqInfo(VPCIID: vpcIID, SubnetInfo: SubnetInfo(IId: IID(NameId: s.Name), Zone: s.Zone ?? "",
                                                                                  IPv4_CIDR: s.IPv4_CIDR, TagList: s.TagList))
            let vpc = try gw.create(gw.key(.subnet, s.Name, owner: vpcName), {
                try gw.run("vpc.subnet.add", request, as: VPCInfo.self)
            }, systemID: { vpc in vpc.SubnetInfoList.first { $0.IId.NameId == s.Name }?.IId.SystemId ?? "" })
            return try .json(present(vpc, gw))
        }
        r.add(.GET, "/spider/vpc/{VPCName}/subnet/{SubnetName}") { app, req in
            let gw = try kind.gateway(app, req)
            let vpcName = req.parameter("VPCName"), subnetName = req.parameter("SubnetName")
            let subnetIID = try gw.iid(.subnet, subnetName, owner: vpcName)
            let vpc = try gw.run("vpc.get", IIDRequest(IId: try gw.iid(.vpc, vpcName)), as: VPCInfo.self)
            guard var subnet = vpc.SubnetInfoList.first(where: { $0.IId.SystemId == subnetIID.SystemId }) else {
                throw HostError.notFound("subnet '\(subnetName)' is mapped to \(subnetIID.SystemId), which the cloud no longer has in VPC '\(vpcName)'")
            }
            subnet.IId = subnetIID
            return try .json(subnet)
        }
        r.add(.DELETE, "/spider/vpc/{VPCName}/subnet/{SubnetName}") { app, req in
            let gw = try kind.gateway(app, req)
            let vpcName = req.parameter("VPCName")
            let vpcIID = try gw.iid(.vpc, vpcName)
            try gw.delete(.subnet, req.parameter("SubnetName"), owner: vpcName, force: req.flag("force")) { iid in
                _ = try gw.runRaw("vpc.subnet.remove", SubnetRemoveReqInfo(VPCIID: vpcIID, SubnetIID: iid))
            }
            return .ok
        }
    }

    static let kind = ResourceKind<VPCInfo, VPCList>(
        type: .vpc, path: "/spider/vpc", capability: \.vpchandler, capabilityName: "vpchandler",
        operationPrefix: "vpc", items: \.vpc, makeList: VPCList.init, iid: \.IId, present: present)

    /// A driver that declares `single_VPC` (a cloud with one network per account and region)
    /// gets no second VPC on a connection: 409 naming the one it has.
    static func requireRoomForVPC(_ gw: DriverGateway) throws {
        guard gw.connection.capabilities.single_VPC,
              let existing = gw.app.iids.list(connection: gw.connectionName, type: .vpc).first else { return }
        let m = gw.connection.driver.installed.manifest
        throw HostError.conflict("driver \(m.name) \(m.version) (\(m.provider)) allows a single VPC per connection, and '\(existing.name)' exists on '\(gw.connectionName)'")
    }

    /// The VPC with the user's names in place of whatever the driver echoed.
    static func present(_ vpc: VPCInfo, _ gw: DriverGateway) -> VPCInfo {
        var out = vpc
        out.IId = gw.userIID(vpc.IId, .vpc)
        out.SubnetInfoList = vpc.SubnetInfoList.map { s in
            var s = s
            s.IId = gw.userIID(s.IId, .subnet)
            return s
        }
        return out
    }
}
