// What the host needs to serve one kind of mapped resource (VPC, security group, key pair, VM…):
// its path, the capability that gates it, its driver operations, and how a driver's answer is
// shown to the user (the user's names in place of the driver's). List, get and delete routes are
// the same for every kind, so they are written once here.
import SpiderModels

struct ResourceKind<Info: Codable & Sendable, List: Codable & Sendable>: Sendable {
    let type: ResourceType
    /// e.g. "/spider/keypair"
    let path: String
    let capability: KeyPath<DriverCapabilities, Bool> & Sendable
    let capabilityName: String
    /// Operations are `<prefix>.list`, `<prefix>.get`, `<prefix>.delete`.
    let operationPrefix: String
    let items: @Sendable (List) -> [Info]
    let makeList: @Sendable ([Info]) -> List
    let iid: @Sendable (Info) -> IID
    let present: @Sendable (Info, DriverGateway) -> Info

    func gateway(_ app: SpiderApp, _ request: APIRequest) throws -> DriverGateway {
        try DriverGateway(app, request, needs: capability, named: capabilityName)
    }

    /// `GET <path>` (only what this connection maps, with the user's names) and `GET <path>/{Name}`.
    func addListAndGet(to r: inout Router) {
        let kind = self
        r.add(.GET, path) { app, req in
            let gw = try kind.gateway(app, req)
            let all = kind.items(try gw.run(kind.operationPrefix + ".list", EmptyResult(), as: List.self))
            return try .json(kind.makeList(all.filter { gw.isMapped(kind.iid($0), kind.type) }.map { kind.present($0, gw) }))
        }
        r.add(.GET, path + "/{Name}") { app, req in
            let gw = try kind.gateway(app, req)
            let iid = try gw.iid(kind.type, req.parameter("Name"))
            return try gw.answer(kind.operationPrefix + ".get", IIDRequest(IId: iid), as: Info.self) { kind.present($0, gw) }
        }
    }

    /// `DELETE <path>/{Name}[?force=true]`: deletes in the cloud, then forgets the name.
    func addDelete(to r: inout Router) {
        let kind = self
        r.add(.DELETE, path + "/{Name}") { app, req in
            let gw = try kind.gateway(app, req)
            try gw.delete(kind.type, req.parameter("Name"), force: req.flag("force")) { iid in
                _ = try gw.runRaw(kind.operationPrefix + ".delete", IIDRequest(IId: iid))
            }
            return .ok
        }
    }
}
