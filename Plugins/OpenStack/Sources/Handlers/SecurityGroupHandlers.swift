// sg.*: Neutron security groups with exactly the requested rules: Neutron gives a new group two
// "allow every egress" rules (IPv4 and IPv6), which are removed unless asked for. Rules travel
// in Spider's normal form (SecurityRuleForm). The VPC is Spider's own bookkeeping (Neutron groups
// belong to a project, not a network): the group's description keeps it ("spider-sg vpc=<ID>").
import Foundation
import SpiderDriverKit
import SpiderModels

extension OpenStackConnection {
    func createSecurityGroup(_ request: SecurityReqInfo, _ context: CallContext) throws -> SecurityInfo {
        let name = try requireNewName(request.IId.NameId)
        let vpcID = try requireOpenStackID(request.VpcIID, "VPC", field: "VpcIID")
        let rules = try SecurityRuleForm.normalize(request.SecurityRules, field: "SecurityRules")
        _ = try api.call(.network, "GET", "/networks/\(vpcID)", context: context)   // NOT_FOUND for a VPC that is gone
        let group = try api.call(.network, "POST", "/security-groups", body: [
            "security_group": ["name": name, "description": "spider-sg vpc=\(vpcID)"],
        ], context: context)["security_group"]
        let groupID = group["id"].string
        do {
            for rule in group["security_group_rules"].array {
                try api.call(.network, "DELETE", "/security-group-rules/\(rule["id"].string)", context: context)
            }
            try addNeutronRules(rules, to: groupID, context)
            try applyTags(request.TagList, to: .neutron(collection: "security-groups", id: groupID), context)
            return try describeSecurityGroup(groupID, context)
        } catch {
            _ = try? api.call(.network, "DELETE", "/security-groups/\(groupID)", context: nil)
            throw error
        }
    }

    func listSecurityGroups(_ context: CallContext) throws -> SecurityGroupList {
        let project = try api.projectID(context)
        return SecurityGroupList(try api.call(.network, "GET", "/security-groups?project_id=\(project)", context: context)["security_groups"]
            .array.map(Self.securityInfo))
    }

    func getSecurityGroup(_ request: IIDRequest, _ context: CallContext) throws -> SecurityInfo {
        try describeSecurityGroup(try requireOpenStackID(request.IId, "security group"), context)
    }

    func deleteSecurityGroup(_ request: IIDRequest, _ context: CallContext) throws -> EmptyResult {
        try api.call(.network, "DELETE", "/security-groups/\(try requireOpenStackID(request.IId, "security group"))", context: context)
        return EmptyResult()
    }

    /// Adds rules; ALREADY_EXISTS (nothing added) when the group has one of them.
    func addRules(_ request: SecurityRulesReqInfo, _ context: CallContext) throws -> SecurityInfo {
        let groupID = try requireOpenStackID(request.IId, "security group")
        let wanted = try SecurityRuleForm.normalize(request.SecurityRules, field: "SecurityRules")
        let group = try api.call(.network, "GET", "/security-groups/\(groupID)", context: context)["security_group"]
        let existing = Set(Self.rules(of: group).map(\.rule))
        if let duplicate = wanted.first(where: existing.contains) {
            throw DriverError.alreadyExists("security group '\(request.IId.NameId)' already has the rule \(SecurityRuleForm.describe(duplicate))")
        }
        try addNeutronRules(wanted, to: groupID, context)
        return try describeSecurityGroup(groupID, context)
    }

    /// Removes rules; NOT_FOUND (nothing removed) when the group lacks one of them.
    func removeRules(_ request: SecurityRulesReqInfo, _ context: CallContext) throws -> SecurityInfo {
        let groupID = try requireOpenStackID(request.IId, "security group")
        let unwanted = try SecurityRuleForm.normalize(request.SecurityRules, field: "SecurityRules")
        let group = try api.call(.network, "GET", "/security-groups/\(groupID)", context: context)["security_group"]
        let existing = Self.rules(of: group)
        var ids: [String] = []
        for rule in unwanted {
            guard let match = existing.first(where: { $0.rule == rule }) else {
                throw DriverError.notFound("security group '\(request.IId.NameId)' has no rule \(SecurityRuleForm.describe(rule))")
            }
            ids.append(match.id)
        }
        for id in ids {
            try ignoringGone { try api.call(.network, "DELETE", "/security-group-rules/\(id)", context: context) }
        }
        return try describeSecurityGroup(groupID, context)
    }

    // MARK: steps

    func describeSecurityGroup(_ groupID: String, _ context: CallContext?) throws -> SecurityInfo {
        Self.securityInfo(try api.call(.network, "GET", "/security-groups/\(groupID)", context: context)["security_group"])
    }

    /// All `rules` in one bulk request (Neutron creates all or none).
    private func addNeutronRules(_ rules: [SecurityRuleInfo], to groupID: String, _ context: CallContext) throws {
        guard !rules.isEmpty else { return }
        try api.call(.network, "POST", "/security-group-rules", body: [
            "security_group_rules": rules.map { Self.neutronRule($0, group: groupID) },
        ], context: context)
    }

    // MARK: shapes

    static func neutronRule(_ rule: SecurityRuleInfo, group: String) -> [String: Any] {
        let cidr = rule.CIDR ?? "0.0.0.0/0"
        var body: [String: Any] = ["security_group_id": group, "direction": rule.Direction == "inbound" ? "ingress" : "egress",
                                   "ethertype": cidr.contains(":") ? "IPv6" : "IPv4", "remote_ip_prefix": cidr]
        if rule.IPProtocol != "all" { body["protocol"] = rule.IPProtocol }
        if rule.IPProtocol != "all" && rule.FromPort != "-1" { body["port_range_min"] = Int(rule.FromPort) }
        if rule.IPProtocol != "all" && rule.ToPort != "-1" { body["port_range_max"] = Int(rule.ToPort) }
        return body
    }

    /// A group's rules in Spider's form with their Neutron IDs. Rules naming another group
    /// (remote_group_id) instead of a CIDR are not Spider rules and are left out.
    static func rules(of group: JSON) -> [(id: String, rule: SecurityRuleInfo)] {
        group["security_group_rules"].array.compactMap { rule in
            guard !rule["remote_group_id"].exists else { return nil }
            var proto = rule["protocol"].string.lowercased()
            if proto.isEmpty || proto == "any" { proto = "all" }
            var from = rule["port_range_min"].exists ? rule["port_range_min"].string : "-1"
            var to = rule["port_range_max"].exists ? rule["port_range_max"].string : "-1"
            let everyPort = (from == "-1" && to == "-1") || ((from == "0" || from == "1") && to == "65535")
            if proto == "all" || ((proto == "tcp" || proto == "udp") && everyPort) { (from, to) = ("-1", "-1") }
            var cidr = rule["remote_ip_prefix"].string
            if cidr.isEmpty { cidr = rule["ethertype"].string == "IPv6" ? "::/0" : "0.0.0.0/0" }
            return (rule["id"].string, SecurityRuleInfo(FromPort: from, ToPort: to, IPProtocol: proto,
                                                        Direction: rule["direction"].string == "ingress" ? "inbound" : "outbound",
                                                        CIDR: cidr))
        }
    }

    static func securityInfo(_ group: JSON) -> SecurityInfo {
        let vpcID = descriptionField(group, "vpc")
        return SecurityInfo(IId: IID(NameId: group["name"].string, SystemId: group["id"].string),
                            VpcIID: IID(NameId: "", SystemId: vpcID), SecurityRules: rules(of: group).map(\.rule),
                            TagList: nonEmpty(keyValues(fromTags: group["tags"].strings)), KeyValueList: nonEmptyKeyValues([("ProjectId", group["project_id"].string),
                                                                           ("Stateful", group["stateful"].string)]))
    }
}
