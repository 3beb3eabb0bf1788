// vpc.*: VPCs and their subnets. A VPC's CIDR is honored: subnets must lie inside it and
// must not overlap each other. Subnet names are unique within their VPC.
import Foundation
import SpiderDriverKit
import SpiderModels

extension MockConnection {
    /// VPC prefixes the Mock accepts (a /8 up to a /28).
    static let vpcPrefixes = 8...28
    /// The smallest subnet is a /28 (11 usable addresses after the cloud keeps five back).
    static let longestSubnetPrefix = 28

    func createVPC(_ request: VPCReqInfo) throws -> VPCInfo {
        let name = try requireName(request.IId.NameId, field: "IId.NameId")
        let cidr = try IPv4CIDR(request.IPv4_CIDR, field: "IPv4_CIDR")
        guard Self.vpcPrefixes.contains(cidr.prefix) else {
            throw MockError.invalid("IPv4_CIDR", "a VPC block must be a /\(Self.vpcPrefixes.lowerBound) to "
                                    + "/\(Self.vpcPrefixes.upperBound), not /\(cidr.prefix)")
        }
        var subnets: [PreparedSubnet] = []
        for (index, subnet) in request.SubnetInfoList.enumerated() {
            subnets.append(try prepareSubnet(subnet, field: "SubnetInfoList[\(index)]", vpcName: name, vpcCIDR: cidr,
                                             siblings: subnets))
        }
        return try mutate { state, _ in
            guard !state.vpcs.hasName(name) else { throw MockError.exists("VPC", name, in: "region '\(region)'") }
            let id = SystemID.make("vpc") { state.vpcs[$0] != nil }
            var info = VPCInfo(IId: IID(NameId: name, SystemId: id), IPv4_CIDR: cidr.description, SubnetInfoList: [],
                               TagList: request.TagList)
            for subnet in subnets {
                info.SubnetInfoList.append(subnet.info(id: state.newSubnetID(alsoTaken: info.SubnetInfoList)))
            }
            state.vpcs[id] = VPCRecord(sequence: state.takeSequence(), info: info)
            return info
        }
    }

    func listVPCs() -> VPCList {
        VPCList(snapshot().vpcs.inCreationOrder.map(\.info))
    }

    func getVPC(_ request: IIDRequest) throws -> EncodedJSON {
        let vpc = try snapshot().vpcs.require(request.IId, "VPC")
        return vpc.stored.answer
    }

    func deleteVPC(_ request: IIDRequest) throws -> EmptyResult {
        try mutate { state, _ in
            let vpc = try state.vpcs.require(request.IId, "VPC")
            let id = vpc.iid.SystemId
            let clusters = state.clusters(at: WallClock.nowMs()) { $0.Network.VpcIID.SystemId == id }
            if !clusters.isEmpty {
                throw DriverError.conflict("VPC '\(vpc.iid.NameId)' is used by cluster(s) " + names(clusters) + "; delete them first")
            }
            let groups = state.securityGroups.inCreationOrder.filter { $0.info.VpcIID.SystemId == id }
            if !groups.isEmpty {
                throw DriverError.conflict("VPC '\(vpc.iid.NameId)' is used by security group(s) "
                                           + names(groups.map(\.iid)) + "; delete them first")
            }
            let vms = state.vms.inCreationOrder.filter { $0.info.VpcIID.SystemId == id }
            if !vms.isEmpty {
                throw DriverError.conflict("VPC '\(vpc.iid.NameId)' is used by VM(s) " + names(vms.map(\.iid))
                                           + "; terminate them first")
            }
            let nlbs = state.nlbs.inCreationOrder.filter { $0.info.VpcIID.SystemId == id }
            if !nlbs.isEmpty {
                throw DriverError.conflict("VPC '\(vpc.iid.NameId)' is used by NLB(s) " + names(nlbs.map(\.iid)) + "; delete them first")
            }
            state.vpcs[id] = nil
            return EmptyResult()
        }
    }

    func addSubnet(_ request: SubnetAddReqInfo) throws -> VPCInfo {
        try mutate { state, _ in
            guard var vpc = state.vpcs.find(request.VPCIID) else {
                throw MockError.notFound("VPC", request.VPCIID.label)
            }
            let cidr = try IPv4CIDR(vpc.info.IPv4_CIDR, field: "VPC IPv4_CIDR")
            let siblings = try vpc.info.SubnetInfoList.map {
                PreparedSubnet(name: $0.IId.NameId, zone: $0.Zone,
                               cidr: try IPv4CIDR($0.IPv4_CIDR, field: "subnet IPv4_CIDR"), tags: $0.TagList)
            }
            let subnet = try prepareSubnet(request.SubnetInfo, field: "SubnetInfo", vpcName: vpc.iid.NameId,
                                           vpcCIDR: cidr, siblings: siblings)
            vpc.info.SubnetInfoList.append(subnet.info(id: state.newSubnetID(alsoTaken: [])))
            state.vpcs[vpc.iid.SystemId] = vpc
            return vpc.info
        }
    }

    func removeSubnet(_ request: SubnetRemoveReqInfo) throws -> EmptyResult {
        try mutate { state, _ in
            guard var vpc = state.vpcs.find(request.VPCIID) else {
                throw MockError.notFound("VPC", request.VPCIID.label)
            }
            guard let index = vpc.info.SubnetInfoList.firstIndex(where: { matches($0.IId, request.SubnetIID) }) else {
                throw MockError.notFound("subnet", request.SubnetIID.label, in: "VPC '\(vpc.iid.NameId)'")
            }
            let subnet = vpc.info.SubnetInfoList[index]
            let clusters = state.clusters(at: WallClock.nowMs()) { $0.Network.SubnetIIDs.contains { $0.SystemId == subnet.IId.SystemId } }
            if !clusters.isEmpty {
                throw DriverError.conflict("subnet '\(subnet.IId.NameId)' is used by cluster(s) " + names(clusters) + "; delete them first")
            }
            let vms = state.vms.inCreationOrder.filter { $0.info.SubnetIID.SystemId == subnet.IId.SystemId }
            if !vms.isEmpty {
                throw DriverError.conflict("subnet '\(subnet.IId.NameId)' is used by VM(s) " + names(vms.map(\.iid))
                                           + "; terminate them first")
            }
            vpc.info.SubnetInfoList.remove(at: index)
            state.vpcs[vpc.iid.SystemId] = vpc
            return EmptyResult()
        }
    }

    // MARK: helpers

    /// A subnet that passed validation, waiting for its SystemId.
    struct PreparedSubnet {
        let name: String
        let zone: String
        let cidr: IPv4CIDR
        let tags: [KeyValue]?

        func info(id: String) -> SubnetInfo {
            SubnetInfo(IId: IID(NameId: name, SystemId: id), Zone: zone, IPv4_CIDR: cidr.description, TagList: tags)
        }
    }

    private func prepareSubnet(_ subnet: SubnetInfo, field: String, vpcName: String, vpcCIDR: IPv4CIDR,
                               siblings: [PreparedSubnet]) throws -> PreparedSubnet {
        let name = try requireName(subnet.IId.NameId, field: "\(field).IId.NameId")
        if siblings.contains(where: { $0.name == name }) {
            throw MockError.exists("subnet", name, in: "VPC '\(vpcName)'")
        }
        let cidrField = "\(field).IPv4_CIDR"
        let cidr = try IPv4CIDR(subnet.IPv4_CIDR, field: cidrField)
        guard vpcCIDR.contains(cidr) else {
            throw MockError.invalid(cidrField, "\(cidr) is not inside the VPC's block \(vpcCIDR)")
        }
        guard cidr.prefix <= Self.longestSubnetPrefix else {
            throw MockError.invalid(cidrField, "a subnet must be a /\(Self.longestSubnetPrefix) or larger, not /\(cidr.prefix)")
        }
        if let other = siblings.first(where: { $0.cidr.overlaps(cidr) }) {
            throw MockError.invalid(cidrField, "\(cidr) overlaps subnet '\(other.name)' (\(other.cidr))")
        }
        let zone = subnet.Zone.isEmpty ? settings.zone : subnet.Zone
        guard let known = settings.region?.zones.first(where: { $0.name == zone }) else {
            throw MockError.invalid("\(field).Zone", "zone '\(zone)' is not in region '\(region)'")
        }
        guard known.available else {
            throw MockError.invalid("\(field).Zone", "zone '\(zone)' is Unavailable")
        }
        return PreparedSubnet(name: name, zone: zone, cidr: cidr, tags: subnet.TagList)
    }
}

extension RegionState {
    /// A subnet ID no subnet in this region (nor in `alsoTaken`) uses.
    func newSubnetID(alsoTaken: [SubnetInfo]) -> String {
        SystemID.make("subnet") { id in
            alsoTaken.contains { $0.IId.SystemId == id }
                || vpcs.values.contains { $0.info.SubnetInfoList.contains { $0.IId.SystemId == id } }
        }
    }
}

/// A non-empty name, or INVALID_ARGUMENT naming the field.
func requireName(_ name: String, field: String) throws -> String {
    guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw MockError.invalid(field, "a name is required") }
    return name
}

/// Whether a stored IID is the one a request names (by SystemId when given, else by NameId).
func matches(_ stored: IID, _ requested: IID) -> Bool {
    requested.SystemId.isEmpty ? (!requested.NameId.isEmpty && stored.NameId == requested.NameId)
                               : stored.SystemId == requested.SystemId
}

/// `'a', 'b'` for a message.
func names(_ iids: [IID]) -> String {
    iids.map { "'\($0.NameId)'" }.joined(separator: ", ")
}
