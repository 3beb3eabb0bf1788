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
    var disks: [String: DiskRecord] = [:]
    var myImages: [String: MyImageRecord] = [:]
    var nlbs: [String: NLBRecord] = [:]
    var clusters: [String: ClusterRecord] = [:]

    init() {}

    /// Every collection is optional in the file: a state file written before a resource kind
    /// existed still loads. Add a line here for each new collection.
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        nextSequence = try c.decodeIfPresent(Int.self, forKey: .nextSequence) ?? 1
        vpcs = try c.decodeIfPresent([String: VPCRecord].self, forKey: .vpcs) ?? [:]
        securityGroups = try c.decodeIfPresent([String: SecurityGroupRecord].self, forKey: .securityGroups) ?? [:]
        keyPairs = try c.decodeIfPresent([String: KeyPairRecord].self, forKey: .keyPairs) ?? [:]
        vms = try c.decodeIfPresent([String: VMRecord].self, forKey: .vms) ?? [:]
        disks = try c.decodeIfPresent([String: DiskRecord].self, forKey: .disks) ?? [:]
        myImages = try c.decodeIfPresent([String: MyImageRecord].self, forKey: .myImages) ?? [:]
        nlbs = try c.decodeIfPresent([String: NLBRecord].self, forKey: .nlbs) ?? [:]
        clusters = try c.decodeIfPresent([String: ClusterRecord].self, forKey: .clusters) ?? [:]
    }

    mutating func takeSequence() -> Int {
        defer { nextSequence += 1 }
        return nextSequence
    }
}

/// A stored VPC (subnets live inside, in creation order), security group or key pair (never
/// with its private key: that is returned once, by keypair.create), with its JSON kept beside it.
struct Record<Info: Codable & Sendable & NamedByIID>: Codable, Sendable, Identified {
    var sequence: Int
    var stored: Encoded<Info>
    var info: Info { get { stored.value } set { stored.value = newValue } }
    var iid: IID { info.IId }

    init(sequence: Int, info: Info) {
        self.sequence = sequence
        stored = Encoded(info)
    }

    enum CodingKeys: String, CodingKey { case sequence, stored = "info" }
}

typealias VPCRecord = Record<VPCInfo>
typealias SecurityGroupRecord = Record<SecurityInfo>
typealias KeyPairRecord = Record<KeyPairInfo>

/// Resource infos that carry their own IID.
protocol NamedByIID { var IId: IID { get } }
extension VPCInfo: NamedByIID {}
extension SecurityInfo: NamedByIID {}
extension KeyPairInfo: NamedByIID {}

struct VMRecord: Codable, Sendable, Identified {
    var sequence: Int
    var stored: Encoded<VMInfo>
    var info: VMInfo { get { stored.value } set { stored.value = newValue } }
    /// The state the VM is in, or heads for while `transitional` lasts.
    var settled: VMStatus
    /// Creating, Suspending, Resuming, Rebooting or Terminating, until `settleAtMs`.
    var transitional: VMStatus?
    /// Milliseconds since 1970 when the transitional state ends.
    var settleAtMs: Int64
    var iid: IID { info.IId }

    init(sequence: Int, info: VMInfo, settled: VMStatus, transitional: VMStatus?, settleAtMs: Int64) {
        self.sequence = sequence
        stored = Encoded(info)
        self.settled = settled
        self.transitional = transitional
        self.settleAtMs = settleAtMs
    }

    enum CodingKeys: String, CodingKey { case sequence, stored = "info", settled, transitional, settleAtMs }
}
