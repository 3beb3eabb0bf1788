// nlb.*: an ELBv2 network load balancer (one subnet per zone of the VPC) with one TCP/UDP listener
// forwarding to one target group of the VPC's instances. The load balancer and its target group
// are tagged Name=<Spider name>; the NLB's ID is the load balancer's ARN. A failed create removes
// what it had made.
import Foundation
import SpiderDriverKit
import SpiderModels

extension AWSConnection {
    func createNLB(_ request: NLBReqInfo, _ context: CallContext) throws -> NLBInfo {
        let name = try NLBRequestChecks.awsName(try requireName(request.IId.NameId))
        let scheme = try NLBRequestChecks.scheme(request.Type)
        try NLBRequestChecks.checkScope(request.Scope)
        let listener = try NLBRequestChecks.port(request.Listener, field: "Listener")
        let group = try NLBRequestChecks.port(NLBPortReqInfo(Protocol: request.VMGroup.Protocol, Port: request.VMGroup.Port),
                                              field: "VMGroup")
        let check = try NLBRequestChecks.healthCheck(request.HealthChecker, fillDefaults: false)
        let vpcID = try requireSystemID(request.VpcIID, "VPC", field: "VpcIID")
        let elb = try elbv2()
        let ec2 = try ec2()
        let instanceIDs = try nlbInstances(request.VMGroup.VMs, vpcID: vpcID, field: "VMGroup.VMs", ec2, context)
        let subnets = try nlbSubnets(vpcID, ec2, context)
        // ELBv2 answers a create of an existing name with that balancer: refuse it here instead.
        var byName = EC2Params()
        byName.members("Names", [name])
        if (try? elb.call("DescribeLoadBalancers", byName, context: context))?
            .members(at: "DescribeLoadBalancersResult", "LoadBalancers").isEmpty == false {
            throw DriverError.alreadyExists("an AWS load balancer named '\(name)' already exists in \(settings.region ?? "")")
        }
        let tags = [[("Key", "Name"), ("Value", name)]] + (request.TagList ?? []).filter { $0.Key != "Name" }
            .map { [("Key", $0.Key), ("Value", $0.Value)] }

        var lbParams: EC2Params = ["Name": name, "Type": "network", "Scheme": scheme, "IpAddressType": "ipv4"]
        lbParams.members("Subnets", subnets)
        lbParams.members("Tags", tags)
        guard let balancer = try elb.call("CreateLoadBalancer", lbParams, context: context)
            .members(at: "CreateLoadBalancerResult", "LoadBalancers").first else {
            throw DriverError.internal("aws CreateLoadBalancer answered without a load balancer")
        }
        let arn = balancer.string("LoadBalancerArn")
        var groupARN = ""
        do {
            groupARN = try createTargetGroup(name: name, group, vpcID: vpcID, check: check, tags: tags, elb, context)
            try registerTargets(groupARN, instanceIDs, elb, context)
            var listenerParams: EC2Params = ["LoadBalancerArn": arn, "Protocol": listener.Protocol, "Port": listener.Port,
                                             "DefaultActions.member.1.Type": "forward",
                                             "DefaultActions.member.1.TargetGroupArn": groupARN]
            listenerParams.members("Tags", tags)
            _ = try elb.call("CreateListener", listenerParams, context: context)
        } catch {
            // Undo in reverse; the error that stopped the create is the answer.
            _ = try? elb.call("DeleteLoadBalancer", ["LoadBalancerArn": arn], context: nil)
            if !groupARN.isEmpty { try? deleteTargetGroup(groupARN, elb, context: nil) }
            throw error
        }
        return try nlbParts(try nlbBalancer(arn, elb, context), elb, context).info
    }

    func listNLBs(_ context: CallContext) throws -> NLBList {
        let elb = try elbv2()
        return NLBList(try nlbBalancers(elb, context).map { try nlbParts($0, elb, context).info })
    }

    func getNLB(_ request: IIDRequest, _ context: CallContext) throws -> NLBInfo {
        let elb = try elbv2()
        return try nlbParts(try nlbBalancer(try requireSystemID(request.IId, "NLB"), elb, context), elb, context).info
    }

    /// Listeners, then the balancer, then the target groups only this balancer used.
    func deleteNLB(_ request: IIDRequest, _ context: CallContext) throws -> EmptyResult {
        let elb = try elbv2()
        let balancer = try nlbBalancer(try requireSystemID(request.IId, "NLB"), elb, context)
        let arn = balancer.string("LoadBalancerArn")
        let listeners = try elb.call("DescribeListeners", ["LoadBalancerArn": arn], context: context)
            .members(at: "DescribeListenersResult", "Listeners")
        // The groups the listeners forward to and those ELBv2 links to the balancer, if no other balancer uses them.
        var groupARNs = Set(listeners.flatMap { $0.members(at: "DefaultActions") }.map { $0.string("TargetGroupArn") }.filter { !$0.isEmpty })
        groupARNs.formUnion(try nlbGroups(["LoadBalancerArn": arn], elb, context).map { $0.string("TargetGroupArn") })
        var byARN = EC2Params()
        byARN.members("TargetGroupArns", groupARNs.sorted())
        let groups = groupARNs.isEmpty ? [] : try nlbGroups(byARN, elb, context)
            .filter { $0.members(at: "LoadBalancerArns").allSatisfy { $0.text.trimmingCharacters(in: .whitespaces) == arn } }
        for listener in listeners {
            _ = try elb.call("DeleteListener", ["ListenerArn": listener.string("ListenerArn")], context: context)
        }
        _ = try elb.call("DeleteLoadBalancer", ["LoadBalancerArn": arn], context: context)
        for group in groups { try deleteTargetGroup(group.string("TargetGroupArn"), elb, context: context) }
        return EmptyResult()
    }

    func addNLBVMs(_ request: NLBVMsReqInfo, _ context: CallContext) throws -> NLBInfo {
        let elb = try elbv2()
        let parts = try nlbParts(try nlbBalancer(try requireSystemID(request.IId, "NLB"), elb, context), elb, context)
        let groupARN = try groupARN(parts, request.IId)
        let members = Set(parts.targets.map { $0.find("Target")?.string("Id") ?? "" })
        if let member = request.VMs.first(where: { members.contains($0.SystemId) }) {
            throw DriverError.alreadyExists("VM '\(label(member))' is already in the VM group of NLB '\(label(request.IId))'")
        }
        let ids = try nlbInstances(request.VMs, vpcID: parts.balancer.string("VpcId"), field: "VMs", try ec2(), context)
        try registerTargets(groupARN, ids, elb, context)
        return try nlbParts(parts.balancer, elb, context).info
    }

    func removeNLBVMs(_ request: NLBVMsReqInfo, _ context: CallContext) throws -> EmptyResult {
        let elb = try elbv2()
        let parts = try nlbParts(try nlbBalancer(try requireSystemID(request.IId, "NLB"), elb, context), elb, context)
        let groupARN = try groupARN(parts, request.IId)
        let members = Set(parts.targets.map { $0.find("Target")?.string("Id") ?? "" })
        if let stranger = request.VMs.first(where: { !members.contains($0.SystemId) }) {
            throw DriverError.notFound("VM '\(label(stranger))' is not in the VM group of NLB '\(label(request.IId))'")
        }
        var params: EC2Params = ["TargetGroupArn": groupARN]
        params.members("Targets", request.VMs.map { [("Id", $0.SystemId)] })
        _ = try elb.call("DeregisterTargets", params, context: context)
        return EmptyResult()
    }

    /// ELBv2's target health: "healthy" passes; initial, unhealthy, unused (a stopped instance)
    /// and unavailable do not.
    func nlbHealth(_ request: IIDRequest, _ context: CallContext) throws -> HealthInfo {
        let elb = try elbv2()
        let parts = try nlbParts(try nlbBalancer(try requireSystemID(request.IId, "NLB"), elb, context), elb, context)
        let iid = { (t: XMLNode) in IID(NameId: "", SystemId: t.find("Target")?.string("Id") ?? "") }
        let healthy = parts.targets.filter { $0.find("TargetHealth")?.string("State") == "healthy" }
        let unhealthy = parts.targets.filter { $0.find("TargetHealth")?.string("State") != "healthy" }
        return HealthInfo(AllVMs: parts.targets.map(iid), HealthyVMs: healthy.map(iid), UnHealthyVMs: unhealthy.map(iid))
    }

    func changeNLBListener(_ request: NLBListenerChangeReqInfo, _ context: CallContext) throws -> ListenerInfo {
        let spec = try NLBRequestChecks.port(request.Listener, field: "Listener")
        let elb = try elbv2()
        let parts = try nlbParts(try nlbBalancer(try requireSystemID(request.IId, "NLB"), elb, context), elb, context)
        guard let listener = parts.listener else {
            throw DriverError.conflict("NLB '\(label(request.IId))' has no listener to change")
        }
        _ = try elb.call("ModifyListener", ["ListenerArn": listener.string("ListenerArn"), "Protocol": spec.Protocol,
                                            "Port": spec.Port], context: context)
        return try nlbParts(parts.balancer, elb, context).info.Listener
    }

    /// A target group's protocol and port are fixed in ELBv2: a new group with the same health check
    /// and targets takes over the listener, then the old one goes.
    func changeNLBVMGroup(_ request: NLBVMGroupChangeReqInfo, _ context: CallContext) throws -> VMGroupInfo {
        let spec = try NLBRequestChecks.port(request.VMGroup, field: "VMGroup")
        let elb = try elbv2()
        let parts = try nlbParts(try nlbBalancer(try requireSystemID(request.IId, "NLB"), elb, context), elb, context)
        let oldARN = try groupARN(parts, request.IId)
        guard let old = parts.targetGroup, let listener = parts.listener else {
            throw DriverError.conflict("NLB '\(label(request.IId))' has no listener forwarding to a target group")
        }
        if old.string("Protocol") == spec.Protocol && old.string("Port") == spec.Port { return parts.info.VMGroup }
        var check = EC2Params()
        for key in ["HealthCheckProtocol", "HealthCheckPort", "HealthCheckIntervalSeconds", "HealthCheckTimeoutSeconds",
                    "HealthyThresholdCount", "UnhealthyThresholdCount"] where !old.string(key).isEmpty {
            check[key] = old.string(key)
        }
        if old.string("HealthCheckProtocol") == "HTTP" { check["HealthCheckPath"] = old.string("HealthCheckPath") }
        let name = parts.info.IId.NameId
        let tags = [[("Key", "Name"), ("Value", name)]]
        let newARN = try createTargetGroup(name: name, spec, vpcID: parts.balancer.string("VpcId"), check: check, tags: tags,
                                           elb, context)
        do {
            try registerTargets(newARN, parts.targets.map { $0.find("Target")?.string("Id") ?? "" }, elb, context)
            _ = try elb.call("ModifyListener", ["ListenerArn": listener.string("ListenerArn"), "Protocol": spec.Protocol,
                                                "DefaultActions.member.1.Type": "forward",
                                                "DefaultActions.member.1.TargetGroupArn": newARN], context: context)
        } catch {
            try? deleteTargetGroup(newARN, elb, context: nil)
            throw error
        }
        try deleteTargetGroup(oldARN, elb, context: context)
        return try nlbParts(parts.balancer, elb, context).info.VMGroup
    }

    func changeNLBHealthChecker(_ request: NLBHealthCheckerChangeReqInfo, _ context: CallContext) throws -> HealthCheckerInfo {
        var params = try NLBRequestChecks.healthCheck(request.HealthChecker, fillDefaults: true)
        let elb = try elbv2()
        let parts = try nlbParts(try nlbBalancer(try requireSystemID(request.IId, "NLB"), elb, context), elb, context)
        params["TargetGroupArn"] = try groupARN(parts, request.IId)
        _ = try elb.call("ModifyTargetGroup", params, context: context)
        return try nlbParts(parts.balancer, elb, context).info.HealthChecker
    }

    // MARK: steps

    /// One subnet per availability zone of the VPC (an NLB takes at most one per zone).
    private func nlbSubnets(_ vpcID: String, _ ec2: EC2Client, _ context: CallContext) throws -> [String] {
        var params = EC2Params()
        params.filter("vpc-id", [vpcID])
        var byZone: [String: String] = [:]
        for subnet in try ec2.call("DescribeSubnets", params, context: context).items("subnetSet") {
            byZone[subnet.string("availabilityZone")] = byZone[subnet.string("availabilityZone")] ?? subnet.string("subnetId")
        }
        guard !byZone.isEmpty else {
            throw DriverError.invalidArgument("VpcIID: VPC \(vpcID) has no subnet to place the NLB in")
        }
        return byZone.keys.sorted().compactMap { byZone[$0] }
    }

    /// The instances' IDs after checking each exists, is alive, lives in `vpcID` and appears once.
    private func nlbInstances(_ vms: [IID], vpcID: String, field: String, _ ec2: EC2Client, _ context: CallContext) throws -> [String] {
        var ids: [String] = []
        for (i, vm) in vms.enumerated() {
            let id = try requireSystemID(vm, "VM", field: "\(field)[\(i)]")
            guard !ids.contains(id) else { throw DriverError.invalidArgument("\(field)[\(i)]: VM '\(label(vm))' is named twice") }
            ids.append(id)
        }
        guard !ids.isEmpty else { return [] }
        var params = EC2Params()
        params.filter("instance-id", ids)
        let found = try ec2.call("DescribeInstances", params, context: context).items("reservationSet")
            .flatMap { $0.items("instancesSet") }
        for (i, vm) in vms.enumerated() {
            guard let instance = found.first(where: { $0.string("instanceId") == vm.SystemId }),
                  !["shutting-down", "terminated"].contains(instance.find("instanceState")?.string("name") ?? "") else {
                throw DriverError.notFound("VM '\(label(vm))' (\(vm.SystemId)) does not exist")
            }
            guard instance.string("vpcId") == vpcID else {
                throw DriverError.invalidArgument("\(field)[\(i)]: VM '\(label(vm))' is in VPC \(instance.string("vpcId")), "
                                                  + "not in the NLB's VPC \(vpcID)")
            }
        }
        return ids
    }

    /// A target group of instances; its name is unique per balancer, protocol and port (ELBv2 names
    /// are unique in a region and at most 32 characters).
    private func createTargetGroup(name: String, _ spec: NLBPortReqInfo, vpcID: String, check: EC2Params,
                                   tags: [[(String, String)]], _ elb: EC2Client, _ context: CallContext) throws -> String {
        let hash = "\(name)/\(spec.Protocol)/\(spec.Port)".utf8
            .reduce(0xCBF2_9CE4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
        let groupName = String(name.prefix(23)).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
            + "-" + String(String(hash, radix: 16).suffix(8))
        var params: EC2Params = ["Name": groupName, "Protocol": spec.Protocol, "Port": spec.Port, "VpcId": vpcID,
                                 "TargetType": "instance"]
        for (key, value) in check.pairs { params[key] = value }
        params.members("Tags", tags)
        guard let arn = try elb.call("CreateTargetGroup", params, context: context)
            .members(at: "CreateTargetGroupResult", "TargetGroups").first?.string("TargetGroupArn"), !arn.isEmpty else {
            throw DriverError.internal("aws CreateTargetGroup answered without a target group")
        }
        return arn
    }

    private func registerTargets(_ groupARN: String, _ instanceIDs: [String], _ elb: EC2Client, _ context: CallContext) throws {
        guard !instanceIDs.isEmpty else { return }
        var params: EC2Params = ["TargetGroupArn": groupARN]
        params.members("Targets", instanceIDs.map { [("Id", $0)] })
        _ = try elb.call("RegisterTargets", params, context: context)
    }

    /// Deletes a target group; a group still held by a balancer being deleted is retried briefly.
    private func deleteTargetGroup(_ arn: String, _ elb: EC2Client, context: CallContext?) throws {
        for attempt in 1...10 {
            do {
                _ = try elb.call("DeleteTargetGroup", ["TargetGroupArn": arn], context: context)
                return
            } catch let error as DriverError where error.status == .conflict && attempt < 10 {
                if let context, context.deadlineRemainingMs < 2_000 { throw error }
                try context?.checkCancelled()
                usleep(1_000_000)
            }
        }
    }

    private func groupARN(_ parts: NLBParts, _ iid: IID) throws -> String {
        guard let arn = parts.targetGroup?.string("TargetGroupArn"), !arn.isEmpty else {
            throw DriverError.conflict("NLB '\(label(iid))' has no target group")
        }
        return arn
    }

    private func label(_ iid: IID) -> String { iid.NameId.isEmpty ? iid.SystemId : iid.NameId }
}
