// sg.*: security groups belong to a VPC. Rules are a set: adding a rule the group already has
// answers ALREADY_EXISTS, removing one it lacks answers NOT_FOUND; either way nothing changes.
import SpiderDriverKit
import SpiderModels

extension MockConnection {
    func createSecurityGroup(_ request: SecurityReqInfo) throws -> SecurityInfo {
        let name = try requireName(request.IId.NameId, field: "IId.NameId")
        let rules = try SecurityRules.normalize(request.SecurityRules, field: "SecurityRules")
        for (index, rule) in rules.enumerated() {
            if let first = rules[..<index].firstIndex(of: rule) {
                throw MockError.invalid("SecurityRules[\(index)]", "repeats SecurityRules[\(first)] (\(SecurityRules.describe(rule)))")
            }
        }
        return try mutate { state, _ in
            guard !state.securityGroups.hasName(name) else {
                throw MockError.exists("security group", name, in: "region '\(region)'")
            }
            let vpc = try state.vpcs.require(request.VpcIID, "VPC")
            let id = SystemID.make("sg") { state.securityGroups[$0] != nil }
            let info = SecurityInfo(IId: IID(NameId: name, SystemId: id), VpcIID: vpc.iid, SecurityRules: rules,
                                    TagList: request.TagList)
            state.securityGroups[id] = SecurityGroupRecord(sequence: state.takeSequence(), info: info)
            return info
        }
    }

    func listSecurityGroups() -> SecurityGroupList {
        SecurityGroupList(snapshot().securityGroups.inCreationOrder.map(\.info))
    }

    func getSecurityGroup(_ request: IIDRequest) throws -> EncodedJSON {
        let group = try snapshot().securityGroups.require(request.IId, "security group")
        return group.stored.answer
    }

    func deleteSecurityGroup(_ request: IIDRequest) throws -> EmptyResult {
        try mutate { state, _ in
            let group = try state.securityGroups.require(request.IId, "security group")
            let id = group.iid.SystemId
            let vms = state.vms.inCreationOrder.filter { $0.info.SecurityGroupIIds.contains { $0.SystemId == id } }
            if !vms.isEmpty {
                throw DriverError.conflict("security group '\(group.iid.NameId)' is used by VM(s) " + names(vms.map(\.iid)))
            }
            let clusters = state.clusters(at: WallClock.nowMs()) { $0.Network.SecurityGroupIIDs.contains { $0.SystemId == id } }
            if !clusters.isEmpty {
                throw DriverError.conflict("security group '\(group.iid.NameId)' is used by cluster(s) " + names(clusters))
            }
            state.securityGroups[id] = nil
            return EmptyResult()
        }
    }

    func addRules(_ request: SecurityRulesReqInfo) throws -> SecurityInfo {
        let rules = try SecurityRules.normalize(request.SecurityRules, field: "SecurityRules")
        return try mutate { state, _ in
            guard var group = state.securityGroups.find(request.IId) else {
                throw MockError.notFound("security group", request.IId.label)
            }
            for (index, rule) in rules.enumerated() {
                if group.info.SecurityRules.contains(rule) || rules[..<index].contains(rule) {
                    throw DriverError.alreadyExists("security group '\(group.iid.NameId)' already has the rule "
                                                    + "\(SecurityRules.describe(rule)) (SecurityRules[\(index)])")
                }
            }
            group.info.SecurityRules += rules
            state.securityGroups[group.iid.SystemId] = group
            return group.info
        }
    }

    func removeRules(_ request: SecurityRulesReqInfo) throws -> SecurityInfo {
        let rules = try SecurityRules.normalize(request.SecurityRules, field: "SecurityRules")
        return try mutate { state, _ in
            guard var group = state.securityGroups.find(request.IId) else {
                throw MockError.notFound("security group", request.IId.label)
            }
            for (index, rule) in rules.enumerated() {
                guard let position = group.info.SecurityRules.firstIndex(of: rule) else {
                    throw DriverError.notFound("security group '\(group.iid.NameId)' has no rule "
                                               + "\(SecurityRules.describe(rule)) (SecurityRules[\(index)])")
                }
                group.info.SecurityRules.remove(at: position)
            }
            state.securityGroups[group.iid.SystemId] = group
            return group.info
        }
    }
}
