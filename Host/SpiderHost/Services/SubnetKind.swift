// Subnets as a mapped kind: the cloud lists them inside their VPCs, and the map scopes each
// subnet's name by its VPC's name (the IID map's owner).
import SpiderModels

enum SubnetKind {
    static let kind = MappedKind(
        type: .subnet, pathName: "subnet", capability: \.vpchandler, capabilityName: "vpchandler",
        ownerType: .vpc, destroyStage: nil,
        listCloud: { gw in
            try gw.run("vpc.list", EmptyResult(), as: VPCList.self).vpc.flatMap { vpc in
                vpc.SubnetInfoList.map { CloudIID(iid: $0.IId, owner: vpc.IId) }
            }
        },
        fetch: { gw, iid, owner in
            guard let owner else { throw HostError.badRequest("a subnet is looked up within its VPC: VPCName is required") }
            let vpc = try gw.run("vpc.get", IIDRequest(IId: owner), as: VPCInfo.self)
            guard vpc.SubnetInfoList.contains(where: { $0.IId.SystemId == iid.SystemId }) else {
                throw HostError.notFound("VPC '\(owner.NameId)' (\(owner.SystemId)) has no subnet \(iid.SystemId) in the cloud")
            }
            return FetchedResource { gw in try .json(NetworkRoutes.present(vpc, gw)) }
        },
        deleteInCloud: { gw, iid, owner in
            guard let owner else { throw HostError.badRequest("a subnet is deleted within its VPC: VPCName is required") }
            _ = try gw.runRaw("vpc.subnet.remove", SubnetRemoveReqInfo(VPCIID: owner, SubnetIID: iid))
        })
}
