// Tags on any taggable resource, named as the user named it: the host resolves
// (ResourceType, ResourceName) to the resource's IID through the IID map, and shows the
// user's names in what `find` returns.
import SpiderModels

enum TagRoutes {
    static func add(to r: inout Router) {
        r.add(.POST, "/spider/tag") { app, req in
            let info = try req.decode(ConnectionRequest<TagAddInfo>.self, what: "tag add request").ReqInfo
            guard !info.Tag.Key.isEmpty else { throw HostError.badRequest("ReqInfo.Tag.Key is required") }
            let gw = try gateway(app, req)
            let (type, iid) = try target(gw, info.ResourceType, info.ResourceName, from: "ReqInfo.")
            return try gw.answer("tag.add", TagAddReqInfo(ResourceType: type, ResourceIID: iid, Tag: info.Tag), as: KeyValue.self)
        }
        r.add(.GET, "/spider/tag") { app, req in
            let gw = try gateway(app, req)
            let (type, iid) = try target(gw, req.query["ResourceType"], req.query["ResourceName"])
            let tags = try gw.run("tag.list", TagTargetRequest(ResourceType: type, ResourceIID: iid), as: TagList.self)
            return try .json(tags.tag)
        }
        // Before /spider/tag/{Key}, which would otherwise take "find" for a key.
        r.add(.GET, "/spider/tag/find") { app, req in
            let gw = try gateway(app, req)
            let request = try findRequest(gw, req)
            let found = try gw.run("tag.find", request, as: TagInfoList.self)
            return try .json(found.tag.compactMap { present($0, gw) })
        }
        r.add(.GET, "/spider/tag/{Key}") { app, req in
            let gw = try gateway(app, req)
            let (type, iid) = try target(gw, req.query["ResourceType"], req.query["ResourceName"])
            return try gw.answer("tag.get", TagKeyReqInfo(ResourceType: type, ResourceIID: iid, Key: req.parameter("Key")),
                                 as: KeyValue.self)
        }
        r.add(.DELETE, "/spider/tag/{Key}") { app, req in
            let body = req.body.isEmpty ? nil : try req.decode(TagRemoveBody.self, what: "tag remove request").ReqInfo
            let gw = try gateway(app, req)
            let (type, iid) = try target(gw, body?.ResourceType ?? req.query["ResourceType"],
                                         body?.ResourceName ?? req.query["ResourceName"], from: body == nil ? "" : "ReqInfo.")
            _ = try gw.runRaw("tag.remove", TagKeyReqInfo(ResourceType: type, ResourceIID: iid, Key: req.parameter("Key")))
            return .ok
        }
    }

    private static func gateway(_ app: SpiderApp, _ req: APIRequest) throws -> DriverGateway {
        try DriverGateway(app, req, needs: \.tagHandler, named: "tagHandler")
    }

    /// Parses a resource type (400 naming the field) and checks the driver tags that type (501).
    private static func resourceType(_ gw: DriverGateway, _ spelling: String?, field: String) throws -> TagResourceType {
        guard let spelling, !spelling.isEmpty else { throw HostError.badRequest("\(field) is required") }
        guard let type = TagResourceType(spelling: spelling) else {
            throw HostError.badRequest("\(field) '\(spelling)' is not a taggable resource type; valid types: "
                                       + TagResourceType.allCases.map { $0.rawValue.uppercased() }.joined(separator: ", "))
        }
        let supported = gw.connection.capabilities.tagSupportResourceType
        if !supported.isEmpty, !supported.contains(where: { TagResourceType(spelling: $0) == type }) {
            let m = gw.connection.driver.installed.manifest
            throw HostError.notImplemented("connection '\(gw.connectionName)' uses driver \(m.name) \(m.version) (\(m.provider)), "
                                           + "which does not support tags on \(type.rawValue.uppercased()) (tagSupportResourceType: "
                                           + supported.joined(separator: ", ") + ")")
        }
        return type
    }

    /// The resource a tag request names, as its type and IID (404 when the name is not mapped).
    private static func target(_ gw: DriverGateway, _ typeSpelling: String?, _ name: String?,
                               from prefix: String = "") throws -> (TagResourceType, IID) {
        let type = try resourceType(gw, typeSpelling, field: prefix + "ResourceType")
        guard let name, !name.isEmpty else { throw HostError.badRequest("\(prefix)ResourceName is required") }
        let hostType = type.hostType
        guard hostType == .subnet else { return (type, try gw.iid(hostType, name)) }
        // Subnet names are unique within their VPC: the name must pick one.
        let matches = gw.app.iids.list(connection: gw.connectionName, type: .subnet).filter { $0.name == name }
        guard let subnet = matches.first else { return (type, try gw.iid(.subnet, name)) }
        guard matches.count == 1 else {
            throw HostError.conflict("subnet name '\(name)' is used in several VPCs ("
                                     + matches.map(\.owner).joined(separator: ", ") + "); tag it by a unique name")
        }
        return (type, IID(NameId: name, SystemId: subnet.systemID))
    }

    private static func findRequest(_ gw: DriverGateway, _ req: APIRequest) throws -> TagFindReqInfo {
        var type: TagResourceType?
        if let spelling = req.query["ResourceType"], !spelling.isEmpty, spelling.lowercased() != "all" {
            type = try resourceType(gw, spelling, field: "ResourceType")
        }
        func text(_ name: String) -> String? { req.query[name].flatMap { $0.isEmpty ? nil : $0 } }
        if text("Value") != nil && text("Key") == nil { throw HostError.badRequest("Value needs Key") }
        return TagFindReqInfo(ResourceType: type, Keyword: text("Keyword"), Key: text("Key"), Value: text("Value"))
    }

    /// A found resource with the user's names; nil when the host does not map it (as in lists).
    private static func present(_ info: TagInfo, _ gw: DriverGateway) -> TagInfo? {
        let type = info.ResourceType.hostType
        guard gw.isMapped(info.ResourceIId, type) else { return nil }
        var out = info
        out.ResourceIId = gw.userIID(info.ResourceIId, type)
        return out
    }
}

extension TagResourceType {
    /// The IID map's type for this resource type.
    var hostType: ResourceType {
        switch self {
        case .vpc: .vpc
        case .subnet: .subnet
        case .sg: .securitygroup
        case .keypair: .keypair
        case .vm: .vm
        case .disk: .disk
        case .myimage: .myimage
        case .nlb: .nlb
        case .cluster: .cluster
        }
    }
}
