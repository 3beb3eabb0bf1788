// One resource kind the host maps, with its driver operations type-erased, so the routes that
// work across kinds (register/unregister, all-lists, delete by cloud ID, counts, the dashboard,
// destroy) are written once. Kinds join in `MappedKinds.all`, one line each.
import SpiderModels

/// A resource the cloud lists: its IID as the driver reports it and, for a subnet, its VPC's.
struct CloudIID: Sendable {
    var iid: IID
    var owner: IID?
}

struct MappedKind: Sendable {
    let type: ResourceType
    /// The name in route paths: "vpc" gives /regvpc, /allvpc, /cspvpc/{Id}, /countvpc.
    let pathName: String
    let capability: KeyPath<DriverCapabilities, Bool> & Sendable
    let capabilityName: String
    /// Mapped inside a resource of this type (a subnet's VPC), whose name is the IID map's owner.
    var ownerType: ResourceType? = nil
    /// Destroy deletes lower stages first (VMs before the key pairs and security groups they use);
    /// nil: the kind goes with its owner.
    let destroyStage: Int?
    /// Everything the cloud has of this kind on the connection.
    let listCloud: @Sendable (DriverGateway) throws -> [CloudIID]
    /// Asks the cloud for the resource with this IID (404 when it has none) and answers it as
    /// the user sees it; `owner` is the owning resource's IID for owned kinds.
    let fetch: @Sendable (DriverGateway, IID, IID?) throws -> FetchedResource
    /// Deletes the resource in the cloud.
    let deleteInCloud: @Sendable (DriverGateway, IID, IID?) throws -> Void
    /// `GET /all<kind>info`: the comparison of `/all<kind>` with the cloud's whole records.
    var allInfo: (@Sendable (DriverGateway) throws -> APIResponse)? = nil

    func gateway(_ app: SpiderApp, _ request: APIRequest) throws -> DriverGateway {
        try DriverGateway(app, request, needs: capability, named: capabilityName)
    }
}

/// A resource fetched from the cloud, kept typed until it is shown (after the map changed).
struct FetchedResource: Sendable {
    let show: @Sendable (DriverGateway) throws -> APIResponse
}

extension ResourceKind {
    /// This kind, type-erased. `deleteOperation` defaults to `<prefix>.delete`.
    func mapped(pathName: String, destroyStage: Int?, deleteOperation: String? = nil) -> MappedKind {
        let kind = self
        let delete = deleteOperation ?? operationPrefix + ".delete"
        return MappedKind(
            type: type, pathName: pathName, capability: capability, capabilityName: capabilityName, destroyStage: destroyStage,
            listCloud: { gw in
                kind.items(try gw.run(kind.operationPrefix + ".list", EmptyResult(), as: List.self)).map { CloudIID(iid: kind.iid($0)) }
            },
            fetch: { gw, iid, _ in
                let info = try gw.run(kind.operationPrefix + ".get", IIDRequest(IId: iid), as: Info.self)
                return FetchedResource { gw in try .json(kind.present(info, gw)) }
            },
            deleteInCloud: { gw, iid, _ in _ = try gw.runRaw(delete, IIDRequest(IId: iid)) },
            allInfo: { gw in
                let cloud = kind.items(try gw.run(kind.operationPrefix + ".list", EmptyResult(), as: List.self))
                let mapped = gw.app.iids.list(connection: gw.connectionName, type: kind.type)
                let cloudIDs = Set(cloud.map { kind.iid($0).SystemId }), mappedIDs = Set(mapped.map(\.systemID))
                return try .json(AllResourceInfoListResponse(ResourceType: pathName, AllListInfo: .init(
                    MappedInfoList: cloud.filter { mappedIDs.contains(kind.iid($0).SystemId) }.map { kind.present($0, gw) },
                    OnlySpiderList: mapped.filter { !cloudIDs.contains($0.systemID) }.map { IID(NameId: $0.name, SystemId: $0.systemID) },
                    OnlyCSPInfoList: cloud.filter { !mappedIDs.contains(kind.iid($0).SystemId) })))
            })
    }
}

enum MappedKinds {
    /// Every kind the host maps, in destroy order within a stage.
    /// Destroy stages: clusters, NLBs and images 0 → VMs 1 → disks 2 → key pairs and
    /// security groups 3 → VPCs 4.
    static let all: [MappedKind] = [
        NetworkRoutes.kind.mapped(pathName: "vpc", destroyStage: 4),
        SubnetKind.kind,
        SecurityGroupRoutes.kind.mapped(pathName: "securitygroup", destroyStage: 3),
        KeyPairRoutes.kind.mapped(pathName: "keypair", destroyStage: 3),
        VMRoutes.kind.mapped(pathName: "vm", destroyStage: 1, deleteOperation: "vm.terminate"),
        DiskRoutes.kind.mapped(pathName: "disk", destroyStage: 2),
        ClusterRoutes.kind.mapped(pathName: "cluster", destroyStage: 0),
        NLBRoutes.kind.mapped(pathName: "nlb", destroyStage: 0),
        MyImageRoutes.kind.mapped(pathName: "myimage", destroyStage: 0),
    ]

    static func named(_ pathName: String) -> MappedKind? { all.first { $0.pathName == pathName } }
    static func of(_ type: ResourceType) -> MappedKind? { all.first { $0.type == type } }
}
