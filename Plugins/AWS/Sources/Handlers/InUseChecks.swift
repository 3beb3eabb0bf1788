// What refuses a delete before anything is touched (OPERATIONS.md): a VPC still used by security
// groups, network load balancers or EKS clusters, and a VM in a load balancer's target group,
// answer CONFLICT naming their users. AWS refuses some of these itself, but only part-way through
// (a VPC's subnets already gone when DeleteVpc is refused), and others not at all (a terminated
// target silently leaves its group).
import SpiderDriverKit
import SpiderModels

extension AWSConnection {
    /// NOT_FOUND for a VPC that does not exist; CONFLICT while anything above uses it. The three
    /// services are asked at once. Every VPC has a default security group that cannot be deleted,
    /// so the group look-up without one says the VPC is missing (saving a DescribeVpcs).
    func checkVPCUnused(_ vpcID: String, label: String, _ ec2: EC2Client, _ context: CallContext) throws {
        let elb = try elbv2(), eks = try eks()
        let users = try Concurrently.run([
            { @Sendable in try self.vpcSecurityGroups(vpcID, label: label, ec2, context) },
            { @Sendable in try Self.unlessDenied { try self.nlbBalancers(elb, context).filter { $0.string("VpcId") == vpcID }
                .map { "NLB '\($0.string("LoadBalancerName"))'" } } },
            { @Sendable in try Self.unlessDenied { try self.clusters(inVPC: vpcID, eks, context).map { "cluster '\($0)'" } } },
        ]).flatMap { $0 }
        if !users.isEmpty {
            throw DriverError.conflict("VPC '\(label)' is used by " + users.joined(separator: ", "))
        }
    }

    /// CONFLICT while the VM is a registered target of a load balancer's group (one look-up when the
    /// region has no target groups; the groups' targets are then asked at once).
    func checkVMNotInNLB(_ instanceID: String, label: String, _ context: CallContext) throws {
        let elb = try elbv2()
        let groups = try Self.unlessDenied { try self.elbv2All("DescribeTargetGroups", list: "TargetGroups", elb, context) }
        let holding = try Concurrently.run(groups.map { group in
            { @Sendable in
                try self.nlbTargets(group.string("TargetGroupArn"), elb, context)
                    .contains { $0.find("Target")?.string("Id") == instanceID } ? group : nil
            }
        }).compactMap { $0 }
        guard !holding.isEmpty else { return }
        let balancers = holding.flatMap { $0.members(at: "LoadBalancerArns") }.map { Self.balancerName(arn: $0.text) }
        throw DriverError.conflict("VM '\(label)' is in the target group of NLB(s) "
                                   + Set(balancers).sorted().map { "'\($0)'" }.joined(separator: ", ")
                                   + "; remove it from the NLB first")
    }

    // MARK: steps

    /// The VPC's security groups other than its default one, as "security group 'name' (sg-…)".
    private func vpcSecurityGroups(_ vpcID: String, label: String, _ ec2: EC2Client, _ context: CallContext) throws -> [String] {
        var filter = EC2Params()
        filter.filter("vpc-id", [vpcID])
        let groups = try ec2.call("DescribeSecurityGroups", filter, context: context).items("securityGroupInfo")
        guard groups.contains(where: { $0.string("groupName") == "default" }) else {
            throw DriverError.notFound("VPC '\(label)' (\(vpcID)) does not exist")
        }
        // A VM in the VPC keeps its security groups alive, and Spider's VMs always have one of
        // Spider's: the group check covers them without a DescribeInstances. A VM outside Spider with
        // only the default group is refused by AWS's own DeleteSubnet (DependencyViolation: CONFLICT).
        return groups.filter { $0.string("groupName") != "default" }
            .map { "security group '\($0.spiderName(or: $0.string("groupName")))' (\($0.string("groupId")))" }
    }

    /// The names of the region's EKS clusters in the VPC (their descriptions asked at once).
    private func clusters(inVPC vpcID: String, _ eks: EKSClient, _ context: CallContext) throws -> [String] {
        let names = try clusterNames(eks, context)
        let configs = try Concurrently.run(names.map { name in
            { @Sendable in
                let cluster = try eks.call("DescribeCluster", "GET", "/clusters/\(EKSClient.segment(name))", context: context)
                let config = (cluster["cluster"] as? [String: Any])?["resourcesVpcConfig"] as? [String: Any] ?? [:]
                return (vpc: config["vpcId"] as? String ?? "", subnet: EKSRecords.strings(config["subnetIds"]).first ?? "")
            }
        })
        // AWS names the VPC; moto keeps only the subnets, whose VPC is then looked up (once for all).
        let unknown = configs.filter { $0.vpc.isEmpty && !$0.subnet.isEmpty && known.vpc(ofSubnet: $0.subnet) == nil }.map(\.subnet)
        var subnetVPCs: [String: String] = [:]
        if !unknown.isEmpty {
            var params = EC2Params()
            params.filter("subnet-id", unknown)
            for subnet in try ec2().call("DescribeSubnets", params, context: context).items("subnetSet") {
                subnetVPCs[subnet.string("subnetId")] = subnet.string("vpcId")
            }
        }
        return zip(names, configs).filter { _, config in
            let vpc = !config.vpc.isEmpty ? config.vpc : known.vpc(ofSubnet: config.subnet) ?? subnetVPCs[config.subnet]
            return vpc == vpcID
        }.map(\.0)
    }

    /// A credential allowed EC2 but not ELBv2 or EKS cannot see their resources; it cannot have made
    /// any through Spider either, so the check passes (AWS still refuses a subnet with their interfaces).
    static func unlessDenied<T>(_ body: () throws -> [T]) throws -> [T] {
        do { return try body() } catch let error as DriverError where error.status == .permissionDenied { return [] }
    }

    /// An ELBv2 ARN's balancer name (…:loadbalancer/net/<name>/<id>).
    static func balancerName(arn: String) -> String {
        let parts = arn.split(separator: "/")
        return parts.count >= 3 ? String(parts[parts.count - 2]) : arn
    }
}
