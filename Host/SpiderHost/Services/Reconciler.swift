// What a crash leaves behind, settled with the clouds. Every create and delete writes an intent to
// SQLite before the cloud is asked and removes it with the map's own write (IIDStore). An intent
// still there at start-up means spiderd died in between, so the cloud is asked how it ended:
//   create: the cloud has a resource of that kind and name that nothing maps → it is mapped;
//           it has none → the name is free again;
//   delete: the cloud still has the cloud ID → the mapping stays; it has not → the mapping goes.
// Run once in the background after start-up, and on demand (POST /spider/reconcile). A connection
// whose cloud cannot be asked keeps its intents (and its names taken) until it can.
import Foundation
import SpiderModels

struct ReconcileReport: Codable, Sendable {
    struct Item: Codable, Sendable {
        var ConnectionName: String
        var ResourceType: String
        var Name: String
        /// The VPC of a subnet.
        var Owner: String?
        /// "create" or "delete".
        var Intent: String
        /// What was done, or why nothing could be.
        var Outcome: String
    }
    var Resolved: [Item]
    var Unresolved: [Item]
}

enum Reconciler {
    static func run(_ app: SpiderApp, connection only: String? = nil, call: CallState) throws -> ReconcileReport {
        var report = ReconcileReport(Resolved: [], Unresolved: [])
        let intents = try app.iids.intents(connection: only)
        for (connection, mine) in Dictionary(grouping: intents, by: \.key.connection).sorted(by: { $0.key < $1.key }) {
            func item(_ intent: IIDStore.Intent, _ outcome: String) -> ReconcileReport.Item {
                .init(ConnectionName: connection, ResourceType: intent.key.type.rawValue, Name: intent.key.name,
                      Owner: intent.key.owner.isEmpty ? nil : intent.key.owner, Intent: intent.operation.rawValue, Outcome: outcome)
            }
            guard app.store.connection(connection) != nil else {
                // Its config is gone (deleted with ?force=true): nothing maps there any more.
                for intent in mine { app.iids.forget(intent) }
                report.Resolved += mine.map { item($0, "forgotten: connection config '\(connection)' no longer exists") }
                continue
            }
            let gw: DriverGateway
            do {
                gw = try DriverGateway(app, connectionName: connection, call: call)
            } catch {
                report.Unresolved += mine.map { item($0, "its cloud cannot be asked now: \(error)") }
                continue
            }
            for (type, ofType) in Dictionary(grouping: mine, by: \.key.type) {
                guard let kind = MappedKinds.all.first(where: { $0.type == type }) else { continue }
                let cloud: [CloudIID]
                do {
                    cloud = try kind.listCloud(gw)
                } catch {
                    report.Unresolved += ofType.map { item($0, "listing \(type.noun)s failed: \(error)") }
                    continue
                }
                // Subnets before the VPCs they belong to need nothing: each key names its VPC by name.
                for intent in ofType {
                    do {
                        report.Resolved.append(item(intent, try resolve(intent, cloud: cloud, app)))
                    } catch {
                        report.Unresolved.append(item(intent, "\(error)"))
                    }
                }
            }
        }
        return report
    }

    private static func resolve(_ intent: IIDStore.Intent, cloud: [CloudIID], _ app: SpiderApp) throws -> String {
        let key = intent.key
        switch intent.operation {
        case .create:
            let match = cloud.first { item in
                item.iid.NameId == key.name && (key.owner.isEmpty || item.owner?.NameId == key.owner)
                    && app.iids.name(connection: key.connection, type: key.type, systemID: item.iid.SystemId) == nil
            }
            guard let match else {
                app.iids.cancel(key)
                return "forgotten: the cloud has no \(key.type.noun) of that name, so the name is free again"
            }
            try app.iids.commit(key, systemID: match.iid.SystemId)
            return "mapped: the cloud made it as \(match.iid.SystemId)"
        case .delete:
            let id = intent.systemID ?? ""
            if cloud.contains(where: { $0.iid.SystemId == id }) {
                app.iids.abandonDelete(key)
                return "kept: the cloud still has \(id), so the mapping stays"
            }
            try app.iids.remove(connection: key.connection, type: key.type, owner: key.owner, name: key.name)
            for inner in MappedKinds.all where inner.ownerType == key.type {
                try app.iids.remove(connection: key.connection, type: inner.type, owner: key.name, name: nil)
            }
            return "removed: the cloud no longer has \(id)"
        }
    }

    /// At start-up: settles what the last run left, in the background, and says what it did.
    static func afterStart(_ app: SpiderApp) {
        guard let left = try? app.iids.intents(), !left.isEmpty else {
            app.logger.info("reconciliation: nothing left unfinished by the last run")
            return
        }
        app.logger.notice("reconciling \(left.count) change(s) the last run left unfinished")
        Thread.detachNewThread {
            do {
                let report = try run(app, call: CallState(timeoutSeconds: 600))
                for item in report.Resolved + report.Unresolved {
                    app.logger.info("reconcile \(item.Intent) \(item.ResourceType) '\(item.Name)' on '\(item.ConnectionName)': \(item.Outcome)")
                }
                app.logger.notice("reconciliation done: \(report.Resolved.count) resolved, \(report.Unresolved.count) left")
            } catch {
                app.logger.error("reconciliation failed: \(error)")
            }
        }
    }
}

enum ReconcileRoutes {
    static func add(to r: inout Router) {
        // POST /spider/reconcile[?ConnectionName=] — settle unfinished changes now; answers what was done.
        r.add(.POST, "/spider/reconcile") { app, req in
            let only = req.query["ConnectionName"].flatMap { $0.isEmpty ? nil : $0 }
            return try .json(Reconciler.run(app, connection: only, call: req.call))
        }
    }
}

extension SpiderApp {
    /// Settles, in the background, what the last run left unfinished (call once the socket serves).
    public func reconcileInBackground() { Reconciler.afterStart(self) }
}
