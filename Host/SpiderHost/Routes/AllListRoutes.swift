// `GET /all<kind>`: the host's map beside the cloud's list — resources both know (with the
// user's names), names the host maps but the cloud no longer has, and resources only the cloud
// has. `GET /all<kind>info` gives the cloud's whole records in place of the IIDs.
import SpiderModels

enum AllListRoutes {
    static func add(to r: inout Router) {
        for kind in MappedKinds.all where kind.ownerType == nil {
            r.add(.GET, "/spider/all" + kind.pathName) { app, req in
                let gw = try kind.gateway(app, req)
                return try .json(AllResourceListResponse(AllList: compare(kind, gw)))
            }
            if let allInfo = kind.allInfo {
                r.add(.GET, "/spider/all\(kind.pathName)info") { app, req in try allInfo(kind.gateway(app, req)) }
            }
        }
    }

    struct AllResourceList: Codable, Sendable {
        var MappedList: [IID]
        var OnlySpiderList: [IID]
        var OnlyCSPList: [IID]
    }

    struct AllResourceListResponse: Codable, Sendable {
        var AllList: AllResourceList
    }

    static func compare(_ kind: MappedKind, _ gw: DriverGateway) throws -> AllResourceList {
        let cloud = try kind.listCloud(gw).map(\.iid)
        let cloudIDs = Set(cloud.map(\.SystemId))
        let mapped = gw.app.iids.list(connection: gw.connectionName, type: kind.type).map { IID(NameId: $0.name, SystemId: $0.systemID) }
        let mappedIDs = Set(mapped.map(\.SystemId))
        return AllResourceList(
            MappedList: mapped.filter { cloudIDs.contains($0.SystemId) },
            OnlySpiderList: mapped.filter { !cloudIDs.contains($0.SystemId) },
            OnlyCSPList: cloud.filter { !mappedIDs.contains($0.SystemId) })
    }
}

/// `/all<kind>info`'s answer; `Info` is the kind's CB-Spider record.
struct AllResourceInfoListResponse<Info: Encodable & Sendable>: Encodable, Sendable {
    struct Lists: Encodable, Sendable {
        var MappedInfoList: [Info]
        var OnlySpiderList: [IID]
        var OnlyCSPInfoList: [Info]
    }

    var ResourceType: String
    var AllListInfo: Lists
}
