// A stored cluster and its statuses over time. Like VMs, statuses are computed from timestamps:
// a change records a transitional status (Creating, Updating, Deleting) and when it ends
// (MockSettleMs later); every read compares that with the clock.
import SpiderModels

/// A transitional status and the time (ms since 1970) it ends.
struct ClusterTransition: Codable, Sendable {
    var status: ClusterStatus
    var untilMs: Int64
}

struct ClusterRecord: Codable, Sendable, Identified {
    var sequence: Int
    /// The cluster as it is once every transition has settled.
    var info: ClusterInfo
    /// The cluster's own transition; a settled Deleting means the cluster is gone.
    var transition: ClusterTransition?
    /// Node groups' transitions, by node group SystemId.
    var groupTransitions: [String: ClusterTransition] = [:]
    var iid: IID { info.IId }

    func status(at now: Int64) -> ClusterStatus {
        if let transition, now < transition.untilMs { return transition.status }
        return info.Status
    }

    /// A deleted cluster stays visible (Deleting) until its deletion settles.
    func isGone(at now: Int64) -> Bool {
        guard let transition, transition.status == .Deleting else { return false }
        return now >= transition.untilMs
    }

    /// The cluster as a read sees it now.
    func view(at now: Int64) -> ClusterInfo {
        var out = info
        out.Status = status(at: now)
        out.NodeGroupList = info.NodeGroupList.map { group in
            var g = group
            if let t = groupTransitions[group.IId.SystemId], now < t.untilMs { g.Status = t.status }
            if out.Status == .Deleting { g.Status = .Deleting }
            return g
        }
        return out
    }

    mutating func begin(_ status: ClusterStatus, now: Int64, settleMs: Int64) {
        // A Deleting transition is kept even when it ends at once: it marks the cluster gone.
        transition = settleMs > 0 || status == .Deleting ? ClusterTransition(status: status, untilMs: now + settleMs) : nil
    }

    mutating func beginGroup(_ groupID: String, _ status: ClusterStatus, now: Int64, settleMs: Int64) {
        groupTransitions[groupID] = settleMs > 0 ? ClusterTransition(status: status, untilMs: now + settleMs) : nil
    }
}

extension RegionState {
    /// Clusters not yet deleted, in creation order.
    func liveClusters(at now: Int64) -> [ClusterRecord] {
        clusters.inCreationOrder.filter { !$0.isGone(at: now) }
    }

    mutating func purgeDeletedClusters(at now: Int64) {
        for id in clusters.values.filter({ $0.isGone(at: now) }).map(\.iid.SystemId) { clusters[id] = nil }
    }

    func existingCluster(_ iid: IID, at now: Int64) throws -> ClusterRecord {
        guard let cluster = clusters.find(iid), !cluster.isGone(at: now) else { throw MockError.notFound("cluster", iid.label) }
        return cluster
    }

    /// Live clusters that use a resource, for the delete checks of VPCs, subnets, security groups and key pairs.
    func clusters(at now: Int64, using uses: (ClusterInfo) -> Bool) -> [IID] {
        liveClusters(at: now).filter { uses($0.info) }.map(\.iid)
    }
}
