// Reading an NLB back from ELBv2: the load balancer, its (first) listener, the target group that
// listener forwards to, the group's registered instances and the Name/user tags, as one NLBInfo.
import Foundation
import SpiderDriverKit
import SpiderModels

/// What ELBv2 holds for one Spider NLB.
struct NLBParts {
    let balancer: XMLNode
    let listener: XMLNode?
    let targetGroup: XMLNode?
    /// TargetHealthDescriptions of the group's targets that are (still) registered.
    let targets: [XMLNode]
    let tags: [(key: String, value: String)]

    var arn: String { balancer.string("LoadBalancerArn") }

    var info: NLBInfo {
        let name = tags.first { $0.key == "Name" }?.value ?? balancer.string("LoadBalancerName")
        let userTags = tags.filter { $0.key != "Name" }.map { KeyValue(Key: $0.key, Value: $0.value) }
        let address = balancer.members(at: "AvailabilityZones").lazy
            .flatMap { $0.members(at: "LoadBalancerAddresses") }.map { $0.string("IpAddress") }.first { !$0.isEmpty }
        let group = targetGroup
        let groupPort = group?.string("Port") ?? ""
        let checkPort = group?.string("HealthCheckPort") ?? ""
        return NLBInfo(
            IId: IID(NameId: name, SystemId: arn),
            VpcIID: IID(NameId: "", SystemId: balancer.string("VpcId")),
            Type: balancer.string("Scheme") == "internal" ? "INTERNAL" : "PUBLIC",
            Scope: "REGION",
            Listener: ListenerInfo(Protocol: listener?.string("Protocol") ?? "", IP: address ?? "",
                                   Port: listener?.string("Port") ?? "", DNSName: balancer.string("DNSName"),
                                   CspID: listener?.string("ListenerArn")),
            VMGroup: VMGroupInfo(Protocol: group?.string("Protocol") ?? "", Port: groupPort,
                                 VMs: targets.map { IID(NameId: "", SystemId: $0.find("Target")?.string("Id") ?? "") },
                                 CspID: group?.string("TargetGroupArn"),
                                 KeyValueList: keyValues([("TargetGroupName", group?.string("TargetGroupName") ?? "")])),
            HealthChecker: HealthCheckerInfo(
                Protocol: group?.string("HealthCheckProtocol") ?? "",
                Port: checkPort == "traffic-port" ? groupPort : checkPort,
                Interval: Int(group?.string("HealthCheckIntervalSeconds") ?? "") ?? 0,
                Timeout: Int(group?.string("HealthCheckTimeoutSeconds") ?? "") ?? 0,
                Threshold: Int(group?.string("HealthyThresholdCount") ?? "") ?? 0,
                CspID: group?.string("TargetGroupArn"),
                KeyValueList: keyValues([("UnhealthyThresholdCount", group?.string("UnhealthyThresholdCount") ?? ""),
                                         ("HealthCheckPath", group?.string("HealthCheckPath") ?? "")])),
            CreatedTime: NLBParts.rfc3339(balancer.string("CreatedTime")),
            TagList: userTags.isEmpty ? nil : userTags,
            KeyValueList: keyValues([("LoadBalancerName", balancer.string("LoadBalancerName")),
                                     ("State", balancer.find("State")?.string("Code") ?? ""),
                                     ("Scheme", balancer.string("Scheme"))]))
    }

    /// AWS's ISO 8601 time (fractional seconds or not) as RFC 3339 in whole seconds, UTC.
    static func rfc3339(_ text: String) -> String {
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = fractional.date(from: text) ?? ISO8601DateFormatter().date(from: text) else { return text }
        return ISO8601DateFormatter().string(from: date)
    }
}

extension AWSConnection {
    /// The network load balancer with this ARN, or NOT_FOUND.
    func nlbBalancer(_ arn: String, _ elb: EC2Client, _ context: CallContext?) throws -> XMLNode {
        var params = EC2Params()
        params.members("LoadBalancerArns", [arn])
        let found = try elb.call("DescribeLoadBalancers", params, context: context)
            .members(at: "DescribeLoadBalancersResult", "LoadBalancers").first
        guard let found, found.string("Type") == "network" else {
            throw DriverError.notFound("NLB \(arn) does not exist (no network load balancer has that ARN)")
        }
        return found
    }

    /// Every network load balancer of the region.
    func nlbBalancers(_ elb: EC2Client, _ context: CallContext?) throws -> [XMLNode] {
        try elbv2All("DescribeLoadBalancers", list: "LoadBalancers", elb, context).filter { $0.string("Type") == "network" }
    }

    /// Every member of an ELBv2 Describe* answer's `list` over all its pages (Marker/NextMarker).
    func elbv2All(_ action: String, list: String, _ elb: EC2Client, _ context: CallContext?) throws -> [XMLNode] {
        var all: [XMLNode] = []
        var marker = ""
        repeat {
            var params = EC2Params()
            if !marker.isEmpty { params["Marker"] = marker }
            let result = try elb.call(action, params, context: context).child("\(action)Result")
            all += result?.members(at: list) ?? []
            marker = result?.string("NextMarker") ?? ""
        } while !marker.isEmpty
        return all
    }

    /// The balancer with its listener, target group, registered targets and tags.
    func nlbParts(_ balancer: XMLNode, _ elb: EC2Client, _ context: CallContext?) throws -> NLBParts {
        let arn = balancer.string("LoadBalancerArn")
        let listener = try elb.call("DescribeListeners", ["LoadBalancerArn": arn], context: context)
            .members(at: "DescribeListenersResult", "Listeners").first
        // The group the listener forwards to; without a listener, the balancer's first group.
        let forwardARN = listener?.members(at: "DefaultActions").first { $0.string("Type") == "forward" }?.string("TargetGroupArn") ?? ""
        var params = EC2Params()
        if forwardARN.isEmpty { params["LoadBalancerArn"] = arn } else { params.members("TargetGroupArns", [forwardARN]) }
        let group = try nlbGroups(params, elb, context).first
        let targets = try group.map { try nlbTargets($0.string("TargetGroupArn"), elb, context) } ?? []
        var tagParams = EC2Params()
        tagParams.members("ResourceArns", [arn])
        let tags = try elb.call("DescribeTags", tagParams, context: context)
            .members(at: "DescribeTagsResult", "TagDescriptions").first?.members(at: "Tags")
            .map { ($0.string("Key"), $0.string("Value")) } ?? []
        return NLBParts(balancer: balancer, listener: listener, targetGroup: group, targets: targets, tags: tags)
    }

    /// Target groups as DescribeTargetGroups selects them; none found is an empty list (ELBv2 answers
    /// TargetGroupNotFound when a balancer has none).
    func nlbGroups(_ params: EC2Params, _ elb: EC2Client, _ context: CallContext?) throws -> [XMLNode] {
        do {
            return try elb.call("DescribeTargetGroups", params, context: context).members(at: "DescribeTargetGroupsResult", "TargetGroups")
        } catch let error as DriverError where error.status == .notFound {
            return []
        }
    }

    /// The group's targets that are registered: neither draining (being deregistered) nor unknown to it.
    func nlbTargets(_ groupARN: String, _ elb: EC2Client, _ context: CallContext?) throws -> [XMLNode] {
        try elb.call("DescribeTargetHealth", ["TargetGroupArn": groupARN], context: context)
            .members(at: "DescribeTargetHealthResult", "TargetHealthDescriptions")
            .filter { target in
                let health = target.find("TargetHealth")
                return health?.string("State") != "draining" && health?.string("Reason") != "Target.NotRegistered"
            }
    }
}
