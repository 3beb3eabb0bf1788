// Network load balancers: create (VPC and VMs by name), list, get, delete, add and remove VMs,
// the VM group's health, and changing the listener, the VM group's port or the health checker.
import SpiderModels

enum NLBRoutes {
    static func add(to r: inout Router) {
        r.add(.POST, "/spider/nlb") { app, req in
            let info = try req.decode(ConnectionRequest<NLBCreateInfo>.self, what: "NLB create request").ReqInfo
            try validateName(info.Name, field: "ReqInfo.Name")
            try validateName(info.VPCName, field: "ReqInfo.VPCName")
            try requirePort(info.Listener, field: "ReqInfo.Listener")
            try requirePort(NLBPortReqInfo(Protocol: info.VMGroup.Protocol, Port: info.VMGroup.Port), field: "ReqInfo.VMGroup")
            try requireHealthChecker(info.HealthChecker, field: "ReqInfo.HealthChecker")
            let vmNames = info.VMGroup.VMs ?? []
            try checkVMNames(vmNames, field: "ReqInfo.VMGroup.VMs")
            let gw = try kind.gateway(app, req)
            let request = NLBReqInfo(
                IId: IID(NameId: info.Name), VpcIID: try gw.iid(.vpc, info.VPCName), Type: info.Type, Scope: info.Scope,
                Listener: info.Listener,
                VMGroup: NLBVMGroupReqInfo(Protocol: info.VMGroup.Protocol, Port: info.VMGroup.Port,
                                           VMs: try vmNames.map { try gw.iid(.vm, $0) }),
                HealthChecker: info.HealthChecker, TagList: info.TagList)
            let nlb = try gw.create(gw.key(.nlb, info.Name), { try gw.run("nlb.create", request, as: NLBInfo.self) },
                                    systemID: { $0.IId.SystemId })
            return try .json(present(nlb, gw))
        }
        kind.addListAndGet(to: &r)
        kind.addDelete(to: &r)

        r.add(.POST, "/spider/nlb/{Name}/vms") { app, req in
            let (gw, request) = try vmsRequest(app, req, what: "NLB add-VMs request")
            return try .json(present(try gw.run("nlb.vms.add", request, as: NLBInfo.self), gw))
        }
        r.add(.DELETE, "/spider/nlb/{Name}/vms") { app, req in
            let (gw, request) = try vmsRequest(app, req, what: "NLB remove-VMs request")
            _ = try gw.runRaw("nlb.vms.remove", request)
            return .ok
        }
        r.add(.GET, "/spider/nlb/{Name}/health") { app, req in
            let gw = try kind.gateway(app, req)
            let iid = try gw.iid(.nlb, req.parameter("Name"))
            let health = try gw.run("nlb.health", IIDRequest(IId: iid), as: HealthInfo.self)
            let vms = { (list: [IID]) in list.map { gw.userIID($0, .vm) } }
            return try .json(NLBHealthResponse(HealthInfo(AllVMs: vms(health.AllVMs), HealthyVMs: vms(health.HealthyVMs),
                                                          UnHealthyVMs: vms(health.UnHealthyVMs))))
        }

        // Which VPC an NLB the host does not map yet belongs to (what `/regnlb` asks for).
        r.add(.POST, "/spider/getnlbowner") { app, req in
            let info = try req.decode(ConnectionRequest<NLBOwnerInfo>.self, what: "NLB owner request").ReqInfo
            guard !info.CSPId.isEmpty else { throw HostError.badRequest("ReqInfo.CSPId is required") }
            let gw = try kind.gateway(app, req)
            let nlb = try gw.run("nlb.get", IIDRequest(IId: IID(NameId: "", SystemId: info.CSPId)), as: NLBInfo.self)
            return try .json(gw.userIID(nlb.VpcIID, .vpc))
        }

        r.add(.PUT, "/spider/nlb/{Name}/listener") { app, req in
            let info = try req.decode(ConnectionRequest<NLBPortReqInfo>.self, what: "NLB listener change request").ReqInfo
            try requirePort(info, field: "ReqInfo")
            let gw = try kind.gateway(app, req)
            let request = NLBListenerChangeReqInfo(IId: try gw.iid(.nlb, req.parameter("Name")), Listener: info)
            return try gw.answer("nlb.listener.change", request, as: ListenerInfo.self)
        }
        r.add(.PUT, "/spider/nlb/{Name}/vmgroup") { app, req in
            let info = try req.decode(ConnectionRequest<NLBPortReqInfo>.self, what: "NLB VM group change request").ReqInfo
            try requirePort(info, field: "ReqInfo")
            let gw = try kind.gateway(app, req)
            let request = NLBVMGroupChangeReqInfo(IId: try gw.iid(.nlb, req.parameter("Name")), VMGroup: info)
            return try gw.answer("nlb.vmgroup.change", request, as: VMGroupInfo.self) { presentGroup($0, gw) }
        }
        r.add(.PUT, "/spider/nlb/{Name}/healthchecker") { app, req in
            let info = try req.decode(ConnectionRequest<NLBHealthCheckerReqInfo>.self, what: "NLB health checker change request").ReqInfo
            try requireHealthChecker(info, field: "ReqInfo")
            let gw = try kind.gateway(app, req)
            let request = NLBHealthCheckerChangeReqInfo(IId: try gw.iid(.nlb, req.parameter("Name")), HealthChecker: info)
            return try gw.answer("nlb.healthchecker.change", request, as: HealthCheckerInfo.self)
        }
    }

    static let kind = ResourceKind<NLBInfo, NLBList>(
        type: .nlb, path: "/spider/nlb", capability: \.nlbhandler, capabilityName: "nlbhandler",
        operationPrefix: "nlb", items: \.nlb, makeList: NLBList.init, iid: \.IId, present: present)

    /// The NLB, its VPC and its VMs, with the user's names.
    static func present(_ nlb: NLBInfo, _ gw: DriverGateway) -> NLBInfo {
        var out = nlb
        out.IId = gw.userIID(nlb.IId, .nlb)
        out.VpcIID = gw.userIID(nlb.VpcIID, .vpc)
        out.VMGroup = presentGroup(nlb.VMGroup, gw)
        return out
    }

    static func presentGroup(_ group: VMGroupInfo, _ gw: DriverGateway) -> VMGroupInfo {
        var out = group
        out.VMs = group.VMs.map { gw.userIID($0, .vm) }
        return out
    }

    // MARK: request checks (the cloud judges the values; the host makes sure they are there)

    /// The NLB and the VMs named by an add or remove request, resolved through the IID map.
    private static func vmsRequest(_ app: SpiderApp, _ req: APIRequest, what: String) throws -> (DriverGateway, NLBVMsReqInfo) {
        let names = try req.decode(ConnectionRequest<NLBVMNames>.self, what: what).ReqInfo.VMs
        guard !names.isEmpty else { throw HostError.badRequest("ReqInfo.VMs needs at least one VM") }
        try checkVMNames(names, field: "ReqInfo.VMs")
        let gw = try kind.gateway(app, req)
        let nlb = try gw.iid(.nlb, req.parameter("Name"))
        return (gw, NLBVMsReqInfo(IId: nlb, VMs: try names.map { try gw.iid(.vm, $0) }))
    }

    private static func checkVMNames(_ names: [String], field: String) throws {
        for (i, name) in names.enumerated() { try validateName(name, field: "\(field)[\(i)]") }
        if let twice = names.first(where: { n in names.filter { $0 == n }.count > 1 }) {
            throw HostError.badRequest("\(field) names VM '\(twice)' twice")
        }
    }

    private static func requirePort(_ info: NLBPortReqInfo, field: String) throws {
        guard !info.Protocol.isEmpty else { throw HostError.badRequest("\(field).Protocol is required") }
        guard !info.Port.isEmpty else { throw HostError.badRequest("\(field).Port is required") }
    }

    private static func requireHealthChecker(_ info: NLBHealthCheckerReqInfo, field: String) throws {
        try requirePort(NLBPortReqInfo(Protocol: info.Protocol, Port: info.Port), field: field)
    }
}
