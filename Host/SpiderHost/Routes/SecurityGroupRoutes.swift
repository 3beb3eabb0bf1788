// Security groups and their rules.
import SpiderModels

enum SecurityGroupRoutes {
    static func add(to r: inout Router) {
        r.add(.POST, "/spider/securitygroup") { app, req in
            let info = try req.decode(ConnectionRequest<SecurityGroupCreateInfo>.self, what: "security group create request").ReqInfo
            try validateName(info.Name, field: "ReqInfo.Name")
            try validateName(info.VPCName, field: "ReqInfo.VPCName")
            let gw = try kind.gateway(app, req)
            let request = SecurityReqInfo(IId: IID(NameId: info.Name), VpcIID: try gw.iid(.vpc, info.VPCName),
                                          SecurityRules: info.SecurityRules ?? [], TagList: info.TagList)
            let sg = try gw.create(gw.key(.securitygroup, info.Name), { try gw.run("sg.create", request, as: SecurityInfo.self) },
                                   systemID: { $0.IId.SystemId })
            return try .json(present(sg, gw))
        }
        kind.addListAndGet(to: &r)
        kind.addDelete(to: &r)
        for (method, operation) in [(HTTPMethodName.POST, "sg.rules.add"), (.DELETE, "sg.rules.remove")] {
            r.add(method.nio, "/spider/securitygroup/{SGName}/rules") { app, req in
                let info = try req.decode(ConnectionRequest<RuleControlInfo>.self, what: "rule request").ReqInfo
                guard !info.RuleInfoList.isEmpty else { throw HostError.badRequest("ReqInfo.RuleInfoList is empty") }
                let gw = try kind.gateway(app, req)
                let iid = try gw.iid(.securitygroup, req.parameter("SGName"))
                let sg = try gw.run(operation, SecurityRulesReqInfo(IId: iid, SecurityRules: info.RuleInfoList), as: SecurityInfo.self)
                return method == .POST ? try .json(present(sg, gw)) : .ok
            }
        }
    }

    static let kind = ResourceKind<SecurityInfo, SecurityGroupList>(
        type: .securitygroup, path: "/spider/securitygroup", capability: \.securityHandler, capabilityName: "securityHandler",
        operationPrefix: "sg", items: \.securitygroup, makeList: SecurityGroupList.init, iid: \.IId, present: present)

    static func present(_ sg: SecurityInfo, _ gw: DriverGateway) -> SecurityInfo {
        var out = sg
        out.IId = gw.userIID(sg.IId, .securitygroup)
        out.VpcIID = gw.userIID(sg.VpcIID, .vpc)
        return out
    }
}
