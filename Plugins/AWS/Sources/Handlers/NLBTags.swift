// tag.* on NLBs: ELBv2's AddTags/RemoveTags/DescribeTags on the load balancer's ARN (the NLB's
// SystemId). The balancer is looked up first, so an unknown ARN is NOT_FOUND (ELBv2's DescribeTags
// alone need not tell). `Name` (the Spider name) is kept out, as in the NLB's TagList. A change goes
// to the NLB's listener and target group too, which nlb.create tagged alike (AWS's cost reports
// and console show them apart); the balancer's tags are the ones read.
import SpiderDriverKit
import SpiderModels

extension AWSConnection {
    /// The NLB's user tags, after checking the balancer exists and is a network one.
    func nlbUserTags(_ iid: IID, _ context: CallContext) throws -> [KeyValue] {
        let elb = try elbv2()
        return try nlbTags(of: [try nlbTagTarget(iid, elb, context)], elb, context).first?.tags ?? []
    }

    func addNLBTag(_ iid: IID, _ tag: KeyValue, _ context: CallContext) throws {
        let elb = try elbv2()
        var params = EC2Params()
        params.members("ResourceArns", try nlbTaggedARNs(of: try nlbTagTarget(iid, elb, context), elb, context))
        params.members("Tags", [[("Key", tag.Key), ("Value", tag.Value)]])
        _ = try elb.call("AddTags", params, context: context)
    }

    /// RemoveTags after checking the key is there (ELBv2 answers a missing key with success).
    func removeNLBTag(_ iid: IID, _ key: String, _ context: CallContext) throws {
        let elb = try elbv2()
        let arn = try nlbTagTarget(iid, elb, context)
        guard try nlbTags(of: [arn], elb, context).first?.tags.contains(where: { $0.Key == key }) == true else {
            throw DriverError.notFound("nlb '\(iid.NameId)' has no tag '\(key)'")
        }
        var params = EC2Params()
        params.members("ResourceArns", try nlbTaggedARNs(of: arn, elb, context))
        params.members("TagKeys", [key])
        _ = try elb.call("RemoveTags", params, context: context)
    }

    /// Every network load balancer of the region with at least one user tag, as tag.find shows it.
    func nlbTagInfos(_ context: CallContext) throws -> [TagInfo] {
        let elb = try elbv2()
        let arns = try nlbBalancers(elb, context).map { $0.string("LoadBalancerArn") }
        var infos: [TagInfo] = []
        // DescribeTags takes at most 20 ARNs a call.
        for start in stride(from: 0, to: arns.count, by: 20) {
            for found in try nlbTags(of: Array(arns[start..<min(start + 20, arns.count)]), elb, context) where !found.tags.isEmpty {
                infos.append(TagInfo(ResourceType: .nlb, ResourceIId: IID(NameId: found.name, SystemId: found.arn), TagList: found.tags))
            }
            try context.checkCancelled()
        }
        return infos
    }

    // MARK: steps

    /// The ARN of the NLB a tag request names (NOT_FOUND when ELBv2 has no such network balancer).
    private func nlbTagTarget(_ iid: IID, _ elb: EC2Client, _ context: CallContext) throws -> String {
        let arn = try requireSystemID(iid, "NLB", field: "ResourceIID")
        let balancer = try nlbBalancer(arn, elb, context)
        let own = balancer.string("LoadBalancerArn")
        return own.isEmpty ? arn : own
    }

    /// The balancer's ARN, then its listeners' and target groups' (asked at once).
    private func nlbTaggedARNs(of arn: String, _ elb: EC2Client, _ context: CallContext) throws -> [String] {
        let parts = try Concurrently.run([
            { @Sendable in
                try elb.call("DescribeListeners", ["LoadBalancerArn": arn], context: context)
                    .members(at: "DescribeListenersResult", "Listeners").map { $0.string("ListenerArn") }
            },
            { @Sendable in try self.nlbGroups(["LoadBalancerArn": arn], elb, context).map { $0.string("TargetGroupArn") } },
        ])
        return [arn] + parts.flatMap { $0 }.filter { !$0.isEmpty }
    }

    /// DescribeTags for these ARNs: each balancer's Name tag and its user tags, in ELBv2's order.
    private func nlbTags(of arns: [String], _ elb: EC2Client,
                         _ context: CallContext) throws -> [(arn: String, name: String, tags: [KeyValue])] {
        guard !arns.isEmpty else { return [] }
        var params = EC2Params()
        params.members("ResourceArns", arns)
        return try elb.call("DescribeTags", params, context: context)
            .members(at: "DescribeTagsResult", "TagDescriptions").map { description in
                let pairs = description.members(at: "Tags").map { KeyValue(Key: $0.string("Key"), Value: $0.string("Value")) }
                return (description.string("ResourceArn"), pairs.first { $0.Key == "Name" }?.Value ?? "",
                        pairs.filter { $0.Key != "Name" })
            }
    }
}
