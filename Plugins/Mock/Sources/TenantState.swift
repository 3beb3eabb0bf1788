// Everything one tenant (one MockName) owns, per region. This is exactly what the state file holds.
import SpiderModels

struct TenantState: Codable, Sendable {
    static let currentFormat = 1

    var format = TenantState.currentFormat
    var mockName: String
    var regions: [String: RegionState] = [:]

    init(mockName: String) {
        self.mockName = mockName
    }
}

/// One tenant's resources in one region, keyed by SystemId.
struct RegionState: Codable, Sendable {
    /// Orders lists by creation.
    var nextSequence = 1
    var vpcs: [String: VPCRecord] = [:]
    var securityGroups: [String: SecurityGroupRecord] = [:]
    var keyPairs: [String: KeyPairRecord] = [:]
    var vms: [String: VMRecord] = [:]

    mutating func takeSequence() -> Int {
        defer { nextSequence += 1 }
        return nextSequence
    }
}

struct VPCRecord: Codable, Sendable, Identified {
    var sequence: Int
    /// Subnets live inside, in creation order.
    var info: VPCInfo
    var iid: IID { info.IId }
}

struct SecurityGroupRecord: Codable, Sendable, Identified {
    var sequence: Int
    var info: SecurityInfo
    var iid: IID { info.IId }
}

struct KeyPairRecord: Codable, Sendable, Identified {
    var sequence: Int
    /// Never holds the private key: it is returned once, by keypair.create.
    var info: KeyPairInfo
    var iid: IID { info.IId }
}

struct VMRecord: Codable, Sendable, Identified {
    var sequence: Int
    var info: VMInfo
    /// The state the VM is in, or heads for while `transitional` lasts.
    var settled: VMStatus
    /// Creating, Suspending, Resuming, Rebooting or Terminating, until `settleAtMs`.
    var transitional: VMStatus?
    /// Milliseconds since 1970 when the transitional state ends.
    var settleAtMs: Int64
    var iid: IID { info.IId }
}
