// Deletes everything the host maps on one connection, in dependency order (VMs before the key
// pairs and security groups they use, those before their VPC), retrying what may pass (a
// resource still in use by one being deleted, a throttled or unavailable cloud), and reports
// per kind what went and what remains with the reason. Resources only the cloud has are left alone.
import Foundation
import SpiderModels

struct DestroyedInfo: Codable, Sendable {
    struct Remained: Codable, Sendable {
        var Name: String
        var ErrorMsg: String
    }

    struct Kind: Codable, Sendable {
        var ResourceType: String
        var DeletedIIDList: [IID]
        var IsAllDeleted: Bool
        var RemainedErrorInfoList: [Remained]
    }

    var DeletedAllListByResourceType: [Kind]
    var IsAllDestroyed: Bool
}

enum DestroyService {
    /// Attempts per resource; waits grow from `firstWait` and honour a cloud's Retry-After.
    static let attempts = 4
    static let firstWait = 0.2

    static func destroy(_ gw: DriverGateway) -> DestroyedInfo {
        let stages = Set(MappedKinds.all.compactMap(\.destroyStage)).sorted()
        var report: [DestroyedInfo.Kind] = []
        for stage in stages {
            for kind in MappedKinds.all where kind.destroyStage == stage {
                report.append(destroyAll(kind, gw))
            }
        }
        return DestroyedInfo(DeletedAllListByResourceType: report, IsAllDestroyed: report.allSatisfy(\.IsAllDeleted))
    }

    private static func destroyAll(_ kind: MappedKind, _ gw: DriverGateway) -> DestroyedInfo.Kind {
        var out = DestroyedInfo.Kind(ResourceType: kind.pathName, DeletedIIDList: [], IsAllDeleted: true, RemainedErrorInfoList: [])
        let mapped = gw.app.iids.list(connection: gw.connectionName, type: kind.type, owner: "")
        guard !mapped.isEmpty else { return out }
        guard gw.connection.capabilities[keyPath: kind.capability] else {
            out.IsAllDeleted = false
            out.RemainedErrorInfoList = mapped.map {
                .init(Name: $0.name, ErrorMsg: "the connection's driver does not support \(kind.capabilityName)")
            }
            return out
        }
        for record in mapped {
            let iid = IID(NameId: record.name, SystemId: record.systemID)
            do {
                try gw.app.iids.serialized(gw.key(kind.type, record.name)) {
                    guard gw.app.iids.systemID(gw.key(kind.type, record.name)) == record.systemID else { return }  // deleted meanwhile
                    try gw.app.iids.intendDelete(gw.key(kind.type, record.name), systemID: record.systemID)
                    do {
                        try withRetries(gw) {
                            do {
                                try kind.deleteInCloud(gw, iid, nil)
                            } catch let e as HostError where e.status == 404 {}  // gone already: only the name is left
                        }
                    } catch {
                        gw.app.iids.abandonDelete(gw.key(kind.type, record.name))
                        throw error
                    }
                    try gw.app.iids.remove(connection: gw.connectionName, type: kind.type, owner: "", name: record.name)
                    for inner in MappedKinds.all where inner.ownerType == kind.type {
                        try gw.app.iids.remove(connection: gw.connectionName, type: inner.type, owner: record.name, name: nil)
                    }
                }
                out.DeletedIIDList.append(iid)
            } catch {
                out.IsAllDeleted = false
                out.RemainedErrorInfoList.append(.init(Name: record.name, ErrorMsg: "\(error)"))
            }
        }
        return out
    }

    /// Runs `body` until it succeeds, fails for good, or the request's deadline is near.
    private static func withRetries(_ gw: DriverGateway, _ body: () throws -> Void) throws {
        var wait = firstWait
        for attempt in 1...attempts {
            do {
                return try body()
            } catch let e as HostError where attempt < attempts && [409, 503].contains(e.status) {
                let pause = e.retryAfterSeconds.map(Double.init) ?? wait
                guard Double(gw.call.remainingMs) / 1000 > pause + 1 else { throw e }
                Thread.sleep(forTimeInterval: pause)
                wait *= 2
            }
        }
    }
}
