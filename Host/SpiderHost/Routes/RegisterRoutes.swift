// Bringing cloud resources under the host's names and letting go of them, for every mapped kind:
// `POST /reg<kind>` maps a name to an existing cloud ID (the cloud is asked first; 404 when it has
// none, 409 when the name or the cloud ID is mapped already), `DELETE /reg<kind>/{Name}` forgets a
// name without touching the cloud, and `DELETE /csp<kind>/{Id}` deletes in the cloud by cloud ID.
import SpiderModels

enum RegisterRoutes {
    static func add(to r: inout Router) {
        for kind in MappedKinds.all {
            r.add(.POST, "/spider/reg" + kind.pathName) { app, req in try register(kind, app, req) }
            r.add(.DELETE, "/spider/reg\(kind.pathName)/{Name}") { app, req in try unregister(kind, app, req) }
            if kind.ownerType == nil {
                r.add(.DELETE, "/spider/csp\(kind.pathName)/{Id}") { app, req in try deleteByCloudID(kind, app, req) }
            }
        }
    }

    struct RegisterInfo: Decodable, Sendable {
        var Name: String
        var CSPId: String
        var VPCName: String?
    }

    private static func register(_ kind: MappedKind, _ app: SpiderApp, _ req: APIRequest) throws -> APIResponse {
        let what = "\(kind.type.noun) register request"
        let info = try req.decode(ConnectionRequest<RegisterInfo>.self, what: what).ReqInfo
        try validateName(info.Name, field: "ReqInfo.Name")
        guard !info.CSPId.isEmpty else { throw HostError.badRequest("ReqInfo.CSPId is required") }
        let gw = try kind.gateway(app, req)
        var owner = "", ownerIID: IID? = nil
        if let ownerType = kind.ownerType {
            owner = info.VPCName ?? ""
            try validateName(owner, field: "ReqInfo.VPCName")
            ownerIID = try gw.iid(ownerType, owner)
        }
        if let mapped = app.iids.name(connection: gw.connectionName, type: kind.type, systemID: info.CSPId) {
            throw HostError.conflict("\(kind.type.noun) \(info.CSPId) is registered already as '\(mapped.name)' on connection '\(gw.connectionName)'")
        }
        let fetched = try gw.create(gw.key(kind.type, info.Name, owner: owner), {
            do {
                return try kind.fetch(gw, IID(NameId: info.Name, SystemId: info.CSPId), ownerIID)
            } catch let e as HostError where e.status == 404 {
                throw HostError.notFound("the cloud of connection '\(gw.connectionName)' has no \(kind.type.noun) with CSPId '\(info.CSPId)': \(e.message)")
            }
        }, systemID: { _ in info.CSPId })
        return try fetched.show(gw)
    }

    private static func unregister(_ kind: MappedKind, _ app: SpiderApp, _ req: APIRequest) throws -> APIResponse {
        let gw = try DriverGateway(app, req, needs: nil, named: kind.capabilityName)
        let name = req.parameter("Name")
        let owner = kind.ownerType == nil ? "" : try ownerName(of: kind, name, gw, req)
        try app.iids.serialized(gw.key(kind.type, name, owner: owner)) {
            _ = try gw.iid(kind.type, name, owner: owner)  // 404 for a name that is not mapped
            try app.iids.remove(connection: gw.connectionName, type: kind.type, owner: owner, name: name)
            // What lives inside it goes with it (a VPC's subnets).
            for inner in MappedKinds.all where inner.ownerType == kind.type {
                try app.iids.remove(connection: gw.connectionName, type: inner.type, owner: name, name: nil)
            }
        }
        return .ok
    }

    /// The VPC of a subnet to unregister: `VPCName` from the query or `ReqInfo.VPCName`, or
    /// else the one VPC that maps a subnet of that name.
    private static func ownerName(of kind: MappedKind, _ name: String, _ gw: DriverGateway, _ req: APIRequest) throws -> String {
        struct Body: Decodable { struct Info: Decodable { var VPCName: String? }; var ReqInfo: Info? }
        if let given = req.query["VPCName"], !given.isEmpty { return given }
        if !req.body.isEmpty, let given = try req.decode(Body.self, what: "unregister request").ReqInfo?.VPCName, !given.isEmpty {
            return given
        }
        let owners = Set(gw.app.iids.list(connection: gw.connectionName, type: kind.type).filter { $0.name == name }.map(\.owner))
        guard owners.count <= 1 else {
            throw HostError.badRequest("\(kind.type.noun) '\(name)' exists in VPCs \(owners.sorted().joined(separator: ", ")); name one with VPCName")
        }
        guard let owner = owners.first else {
            throw HostError.notFound("\(kind.type.noun) '\(name)' does not exist on connection '\(gw.connectionName)'")
        }
        return owner
    }

    /// Deletes by cloud ID, mapped or not; a mapped one is forgotten too.
    private static func deleteByCloudID(_ kind: MappedKind, _ app: SpiderApp, _ req: APIRequest) throws -> APIResponse {
        let gw = try kind.gateway(app, req)
        let id = req.parameter("Id")
        let mapped = app.iids.name(connection: gw.connectionName, type: kind.type, systemID: id)
        if let mapped { try app.iids.intendDelete(mapped, systemID: id) }
        do {
            try kind.deleteInCloud(gw, IID(NameId: mapped?.name ?? id, SystemId: id), nil)
        } catch {
            if let mapped { app.iids.abandonDelete(mapped) }
            throw error
        }
        if let mapped {
            try app.iids.remove(connection: gw.connectionName, type: kind.type, owner: mapped.owner, name: mapped.name)
            for inner in MappedKinds.all where inner.ownerType == kind.type {
                try app.iids.remove(connection: gw.connectionName, type: inner.type, owner: mapped.name, name: nil)
            }
        }
        return .ok
    }
}
