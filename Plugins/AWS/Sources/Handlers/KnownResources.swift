// What a connection learnt from its own creates that saves look-ups later: which VPC a subnet
// belongs to (an AWS subnet never moves, and its ID is never reused), the subnets and internet
// gateways Spider made for a VPC (so vpc.delete needs no look-up for them), and the name and public
// key of the key pairs it made (vm.start's user data needs the public key).
//
// Every fact here is a hint, never the only source: a subnet or key deleted outside Spider is still
// reported by RunInstances (InvalidSubnetID.NotFound, InvalidKeyPair.NotFound); a VPC with parts made
// elsewhere is refused by DeleteVpc, and vpc.delete then looks them up. Key pairs are kept only for
// the catalogue's time, since a key deleted and made again outside Spider keeps its name.
import Foundation
import Synchronization

final class KnownResources: Sendable {
    /// What vm.start needs of a key pair.
    struct KeyPair: Sendable, Equatable {
        let name: String
        let publicKey: String
    }

    /// The parts of a VPC that Spider made with it or added to it.
    struct VPCParts: Sendable, Equatable {
        var subnets: [String] = []
        var gateways: [String] = []
    }

    /// A bound on each table, not an LRU: forgetting only costs a look-up.
    static let limit = 4_096

    private let subnetVPC = Mutex<[String: String]>([:])
    private let vpcParts = Mutex<[String: VPCParts]>([:])
    private let keyPairs = Mutex<[String: (KeyPair, Date)]>([:])

    // MARK: subnets and VPCs

    /// Records a VPC this connection made; its subnets and gateways follow.
    func vpcMade(_ vpcID: String) {
        guard !vpcID.isEmpty else { return }
        vpcParts.withLock { Self.store(&$0, vpcID, VPCParts()) }
    }

    /// Records a subnet of a VPC; `made` adds it to the parts of a VPC made here.
    func subnet(_ subnetID: String, in vpcID: String, made: Bool) {
        guard !subnetID.isEmpty, !vpcID.isEmpty else { return }
        subnetVPC.withLock { Self.store(&$0, subnetID, vpcID) }
        if made { changeParts(of: vpcID) { if !$0.subnets.contains(subnetID) { $0.subnets.append(subnetID) } } }
    }

    /// The VPC a subnet belongs to, when known.
    func vpc(ofSubnet subnetID: String) -> String? {
        subnetVPC.withLock { $0[subnetID] }
    }

    func gateway(_ gatewayID: String, of vpcID: String) {
        guard !gatewayID.isEmpty, !vpcID.isEmpty else { return }
        changeParts(of: vpcID) { if !$0.gateways.contains(gatewayID) { $0.gateways.append(gatewayID) } }
    }

    /// The parts Spider made for a VPC, or nil when this connection did not make it (or forgot).
    func parts(of vpcID: String) -> VPCParts? {
        vpcParts.withLock { $0[vpcID] }
    }

    func forgetSubnet(_ subnetID: String) {
        subnetVPC.withLock { $0[subnetID] = nil }
        vpcParts.withLock { parts in
            for vpcID in parts.keys { parts[vpcID]?.subnets.removeAll { $0 == subnetID } }
        }
    }

    func forgetVPC(_ vpcID: String) {
        let parts = vpcParts.withLock { $0.removeValue(forKey: vpcID) }
        subnetVPC.withLock { table in
            for subnetID in parts?.subnets ?? [] { table[subnetID] = nil }
            table = table.filter { $0.value != vpcID }
        }
    }

    // MARK: key pairs

    func keyPair(_ keyID: String, _ key: KeyPair) {
        guard !keyID.isEmpty, !key.name.isEmpty, !key.publicKey.isEmpty else { return }
        keyPairs.withLock { Self.store(&$0, keyID, (key, Date())) }
    }

    /// The key pair with this ID, when this connection made or imported it within the catalogue's time.
    func keyPair(_ keyID: String) -> KeyPair? {
        keyPairs.withLock { table in
            guard let (key, since) = table[keyID] else { return nil }
            guard Date().timeIntervalSince(since) < ComputeState.catalogueTTL else {
                table[keyID] = nil
                return nil
            }
            return key
        }
    }

    func forgetKeyPair(_ keyID: String) {
        keyPairs.withLock { $0[keyID] = nil }
    }

    // MARK: helpers

    /// Changes the parts of a VPC made here; a VPC made elsewhere has none recorded.
    private func changeParts(of vpcID: String, _ change: (inout VPCParts) -> Void) {
        vpcParts.withLock { table in
            if table[vpcID] != nil { change(&table[vpcID]!) }
        }
    }

    private static func store<Value>(_ table: inout [String: Value], _ key: String, _ value: Value) {
        if table[key] == nil && table.count >= limit { table.removeAll() }
        table[key] = value
    }
}
