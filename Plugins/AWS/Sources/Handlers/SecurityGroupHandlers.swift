// sg.*: a security group in a VPC, tagged Name=<Spider name>, whose rules are exactly the ones
// asked for: AWS's default allow-all egress rule is revoked unless the request has it too.
// Adding a rule the group has answers ALREADY_EXISTS, removing one it lacks NOT_FOUND.
import SpiderDriverKit
import SpiderModels

extension AWSConnection {
    static let defaultEgress = SecurityRuleInfo(FromPort: "-1", ToPort: "-1", IPProtocol: "all", Direction: "outbound",
                                                CIDR: "0.0.0.0/0")

    func createSecurityGroup(_ request: SecurityReqInfo, _ context: CallContext) throws -> SecurityInfo {
        let name = try requireName(request.IId.NameId)
        let vpcID = try requireSystemID(request.VpcIID, "VPC", field: "VpcIID")
        let rules = try SecurityRuleMapping.normalize(request.SecurityRules, field: "SecurityRules")
        for (index, rule) in rules.enumerated() {
            if let first = rules[..<index].firstIndex(of: rule) {
                throw DriverError.invalidArgument("SecurityRules[\(index)] repeats SecurityRules[\(first)] (\(SecurityRuleMapping.describe(rule)))")
            }
        }
        let ec2 = try ec2()
        let description = "Spider security group \(name)"
        var params: EC2Params = ["GroupName": name, "GroupDescription": description, "VpcId": vpcID]
        params.tagSpecification("security-group", name: name, tags: request.TagList)
        let reply = try ec2.call("CreateSecurityGroup", params, context: context)
        let groupID = reply.string("groupId")
        guard !groupID.isEmpty else { throw DriverError.internal("aws CreateSecurityGroup answered without a groupId") }
        do {
            if !rules.contains(Self.defaultEgress) {
                try changeRules("RevokeSecurityGroupEgress", groupID, [Self.defaultEgress], ec2, context)
            }
            try changeRules("AuthorizeSecurityGroupIngress", groupID, rules.filter { $0.Direction == "inbound" }, ec2, context)
            try changeRules("AuthorizeSecurityGroupEgress", groupID,
                            rules.filter { $0.Direction == "outbound" && $0 != Self.defaultEgress }, ec2, context)
        } catch {
            _ = try? ec2.call("DeleteSecurityGroup", ["GroupId": groupID], context: nil)
            throw error
        }
        // Every change above succeeded, so the group is what was sent: answered without a read-back.
        // The owner is the account in the group's ARN (arn:aws:ec2:<region>:<account>:security-group/…).
        let arn = reply.string("securityGroupArn").split(separator: ":", omittingEmptySubsequences: false)
        let tags = (request.TagList ?? []).filter { $0.Key != "Name" }
        return SecurityInfo(IId: IID(NameId: name, SystemId: groupID), VpcIID: IID(NameId: "", SystemId: vpcID),
                            SecurityRules: rules.filter { $0.Direction == "inbound" } + rules.filter { $0.Direction == "outbound" },
                            TagList: tags.isEmpty ? nil : tags,
                            KeyValueList: keyValues([("GroupName", name), ("Description", description),
                                                     ("OwnerId", arn.count > 4 ? String(arn[4]) : "")]))
    }

    func listSecurityGroups(_ context: CallContext) throws -> SecurityGroupList {
        SecurityGroupList(try ec2().call("DescribeSecurityGroups", context: context).items("securityGroupInfo").map(Self.securityInfo))
    }

    func getSecurityGroup(_ request: IIDRequest, _ context: CallContext) throws -> SecurityInfo {
        try describeSecurityGroup(try requireSystemID(request.IId, "security group"), try ec2(), context)
    }

    func deleteSecurityGroup(_ request: IIDRequest, _ context: CallContext) throws -> EmptyResult {
        _ = try ec2().call("DeleteSecurityGroup", ["GroupId": try requireSystemID(request.IId, "security group")], context: context)
        return EmptyResult()
    }

    func addRules(_ request: SecurityRulesReqInfo, _ context: CallContext) throws -> SecurityInfo {
        let ec2 = try ec2()
        let groupID = try requireSystemID(request.IId, "security group")
        let rules = try SecurityRuleMapping.normalize(request.SecurityRules, field: "SecurityRules")
        let current = try describeSecurityGroup(groupID, ec2, context)
        for (index, rule) in rules.enumerated() where current.SecurityRules.contains(rule) || rules[..<index].contains(rule) {
            throw DriverError.alreadyExists("security group '\(current.IId.NameId)' already has the rule "
                                            + "\(SecurityRuleMapping.describe(rule)) (SecurityRules[\(index)])")
        }
        try changeRules("AuthorizeSecurityGroupIngress", groupID, rules.filter { $0.Direction == "inbound" }, ec2, context)
        try changeRules("AuthorizeSecurityGroupEgress", groupID, rules.filter { $0.Direction == "outbound" }, ec2, context)
        return try describeSecurityGroup(groupID, ec2, context)
    }

    func removeRules(_ request: SecurityRulesReqInfo, _ context: CallContext) throws -> SecurityInfo {
        let ec2 = try ec2()
        let groupID = try requireSystemID(request.IId, "security group")
        let rules = try SecurityRuleMapping.normalize(request.SecurityRules, field: "SecurityRules")
        let current = try describeSecurityGroup(groupID, ec2, context)
        for (index, rule) in rules.enumerated() where !current.SecurityRules.contains(rule) {
            throw DriverError.notFound("security group '\(current.IId.NameId)' has no rule "
                                       + "\(SecurityRuleMapping.describe(rule)) (SecurityRules[\(index)])")
        }
        try changeRules("RevokeSecurityGroupIngress", groupID, rules.filter { $0.Direction == "inbound" }, ec2, context)
        try changeRules("RevokeSecurityGroupEgress", groupID, rules.filter { $0.Direction == "outbound" }, ec2, context)
        return try describeSecurityGroup(groupID, ec2, context)
    }

    // MARK: steps

    private func changeRules(_ action: String, _ groupID: String, _ rules: [SecurityRuleInfo], _ ec2: EC2Client,
                             _ context: CallContext) throws {
        guard !rules.isEmpty else { return }
        var params = SecurityRuleMapping.permissions(rules)
        params["GroupId"] = groupID
        _ = try ec2.call(action, params, context: context)
    }

    func describeSecurityGroup(_ groupID: String, _ ec2: EC2Client, _ context: CallContext) throws -> SecurityInfo {
        var params = EC2Params()
        params.list("GroupId", [groupID])
        guard let group = try ec2.call("DescribeSecurityGroups", params, context: context).items("securityGroupInfo").first else {
            throw DriverError.notFound("security group \(groupID) does not exist")
        }
        return Self.securityInfo(group)
    }

    static func securityInfo(_ group: XMLNode) -> SecurityInfo {
        SecurityInfo(IId: IID(NameId: group.spiderName(or: group.string("groupName")), SystemId: group.string("groupId")),
                     VpcIID: IID(NameId: "", SystemId: group.string("vpcId")),
                     SecurityRules: SecurityRuleMapping.rules(of: group), TagList: group.userTags,
                     KeyValueList: keyValues([("GroupName", group.string("groupName")),
                                              ("Description", group.string("groupDescription")),
                                              ("OwnerId", group.string("ownerId"))]))
    }
}
