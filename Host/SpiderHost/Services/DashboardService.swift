// The resource counts of every connection in one answer. Counts come from the host's map; with
// `live`, each connection's cloud is asked too, all connections at once (bounded by
// `HostConfig.fanOutLimit`), each with its own deadline, so one slow or failing cloud is one
// entry's Error and never holds the others.
import Dispatch
import SpiderModels

struct Dashboard: Codable, Sendable {
    struct Entry: Codable, Sendable {
        var ConnectionName: String
        var ProviderName: String
        var RegionName: String
        /// What the host maps, per kind ("vpc": 2, …).
        var Counts: [String: Int]
        /// With live: what the cloud has, per kind its driver supports (mapped or not).
        var CloudCounts: [String: Int]?
        var ElapsedMs: Int
        /// Why this connection's answer is missing or partial.
        var Error: String?
        /// Its driver's or its own share of worker threads is full: new calls get 503 for now.
        var Saturated: String?
    }

    var Connections: [Entry]
    var Live: Bool
    var ElapsedMs: Int
}

enum DashboardService {
    static func build(_ app: SpiderApp, live: Bool, call: CallState) -> Dashboard {
        let start = DispatchTime.now().uptimeNanoseconds
        let configs = app.store.snapshot.connections.values.sorted { $0.name < $1.name }
        let entries: [Dashboard.Entry]
        if live {
            let child = call.child()
            let deadline = DispatchTime(uptimeNanoseconds: child.deadlineNanos)
            entries = FanOut.map(configs, limit: app.config.fanOutLimit, on: app.workers, deadline: deadline,
                                 cancelled: { call.isCancelled }, late: { config in
                var late = entry(app, config, live: false, call: child)
                late.ElapsedMs = elapsedMs(since: start)
                late.Error = DispatchTime.now() < deadline
                    ? "the request was cancelled before connection '\(config.name)' answered"
                    : "connection '\(config.name)' did not answer within the dashboard's deadline"
                return late
            }) { config in
                entry(app, config, live: true, call: child)
            }
        } else {
            entries = configs.map { entry(app, $0, live: false, call: call) }
        }
        return Dashboard(Connections: entries, Live: live, ElapsedMs: elapsedMs(since: start))
    }

    private static func entry(_ app: SpiderApp, _ config: ConnectionRecord, live: Bool, call: CallState) -> Dashboard.Entry {
        let start = DispatchTime.now().uptimeNanoseconds
        var out = Dashboard.Entry(ConnectionName: config.name, ProviderName: config.provider, RegionName: config.region,
                                  Counts: [:], ElapsedMs: 0)
        for kind in MappedKinds.all {
            out.Counts[kind.pathName] = app.iids.count(type: kind.type, connection: config.name)
        }
        out.Saturated = app.connections.openConnection(config.name)?.saturation
        if live {
            do {
                out.CloudCounts = try cloudCounts(app, config.name, call: call)
            } catch {
                out.Error = "\(error)"
            }
        }
        out.ElapsedMs = elapsedMs(since: start)
        return out
    }

    /// One `resource.count` call when the driver has it; else one list call per kind it supports
    /// (a VPC list counts VPCs and their subnets).
    private static func cloudCounts(_ app: SpiderApp, _ name: String, call: CallState) throws -> [String: Int] {
        let gw = try DriverGateway(app, connectionName: name, call: call)
        do {
            return try gw.run("resource.count", EmptyResult(), as: [String: Int].self)
        } catch let e as HostError where e.status == 501 {}
        var counts: [String: Int] = [:]
        for kind in MappedKinds.all where gw.connection.capabilities[keyPath: kind.capability] && kind.ownerType == nil {
            if kind.type == .vpc {
                let vpcs = try gw.run("vpc.list", EmptyResult(), as: VPCList.self).vpc
                counts[kind.pathName] = vpcs.count
                counts[SubnetKind.kind.pathName] = vpcs.reduce(0) { $0 + $1.SubnetInfoList.count }
            } else {
                counts[kind.pathName] = try kind.listCloud(gw).count
            }
        }
        return counts
    }
}
