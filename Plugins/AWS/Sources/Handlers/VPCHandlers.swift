// vpc.*: a VPC with its subnets, each tagged Name=<Spider name>. Like CB-Spider, a new VPC gets an
// internet gateway and a default route to it in its main route table, so its VMs can reach out;
// deleting the VPC takes them (and its subnets) away again. A failed create removes what it made.
import SpiderDriverKit
import SpiderModels

extension AWSConnection {
    func createVPC(_ request: VPCReqInfo, _ context: CallContext) throws -> VPCInfo {
        let name = try requireName(request.IId.NameId)
        let ec2 = try ec2()
        var params: EC2Params = ["CidrBlock": request.IPv4_CIDR]
        params.tagSpecification("vpc", name: name, tags: request.TagList)
        let vpc = try ec2.call("CreateVpc", params, context: context).find("vpc")
        let vpcID = vpc?.string("vpcId") ?? ""
        guard let vpc, !vpcID.isEmpty else { throw DriverError.internal("aws CreateVpc answered without a vpcId") }
        known.vpcMade(vpcID)
        do {
            try addInternetAccess(vpcID, name: name, ec2, context)
            var subnets: [XMLNode] = []
            for (index, subnet) in request.SubnetInfoList.enumerated() {
                subnets.append(try createSubnet(subnet, in: vpcID, field: "SubnetInfoList[\(index)]", ec2, context))
            }
            // The create answers describe what was made: no read-back needed.
            return Self.vpcInfo(vpc, subnets: subnets)
        } catch {
            // Best effort, ignoring the call's cancellation: leave nothing half made behind.
            try? removeVPC(vpcID, ec2, nil)
            throw error
        }
    }

    func listVPCs(_ context: CallContext) throws -> VPCList {
        let ec2 = try ec2()
        let vpcs = try ec2.call("DescribeVpcs", context: context).items("vpcSet")
        let subnets = try ec2.call("DescribeSubnets", context: context).items("subnetSet")
        return VPCList(vpcs.map { vpc in
            Self.vpcInfo(vpc, subnets: subnets.filter { $0.string("vpcId") == vpc.string("vpcId") })
        })
    }

    func getVPC(_ request: IIDRequest, _ context: CallContext) throws -> VPCInfo {
        try describeVPC(try requireSystemID(request.IId, "VPC"), try ec2(), context)
    }

    func deleteVPC(_ request: IIDRequest, _ context: CallContext) throws -> EmptyResult {
        let ec2 = try ec2()
        let vpcID = try requireSystemID(request.IId, "VPC")
        // NOT_FOUND (from the security-group look-up) or CONFLICT before anything is touched.
        try checkVPCUnused(vpcID, label: request.IId.NameId.isEmpty ? vpcID : request.IId.NameId, ec2, context)
        if let parts = known.parts(of: vpcID), try removeMadeVPC(vpcID, parts, ec2, context) {
            return EmptyResult()
        }
        try removeVPC(vpcID, ec2, context)
        return EmptyResult()
    }

    func addSubnet(_ request: SubnetAddReqInfo, _ context: CallContext) throws -> VPCInfo {
        let ec2 = try ec2()
        let vpcID = try requireSystemID(request.VPCIID, "VPC", field: "VPCIID")
        _ = try requireName(request.SubnetInfo.IId.NameId, field: "SubnetInfo.IId.NameId")
        try createSubnet(request.SubnetInfo, in: vpcID, field: "SubnetInfo", ec2, context)
        return try describeVPC(vpcID, ec2, context)
    }

    func removeSubnet(_ request: SubnetRemoveReqInfo, _ context: CallContext) throws -> EmptyResult {
        let ec2 = try ec2()
        let vpcID = try requireSystemID(request.VPCIID, "VPC", field: "VPCIID")
        let subnetID = try requireSystemID(request.SubnetIID, "subnet", field: "SubnetIID")
        try checkSubnet(subnetID, label: request.SubnetIID.NameId, in: vpcID, vpcLabel: request.VPCIID.NameId, ec2, context)
        _ = try ec2.call("DeleteSubnet", ["SubnetId": subnetID], context: context)
        known.forgetSubnet(subnetID)
        return EmptyResult()
    }

    // MARK: steps

    func describeVPC(_ vpcID: String, _ ec2: EC2Client, _ context: CallContext?) throws -> VPCInfo {
        var params = EC2Params()
        params.list("VpcId", [vpcID])
        guard let vpc = try ec2.call("DescribeVpcs", params, context: context).items("vpcSet").first else {
            throw DriverError.notFound("VPC \(vpcID) does not exist")
        }
        var filter = EC2Params()
        filter.filter("vpc-id", [vpcID])
        let subnets = try ec2.call("DescribeSubnets", filter, context: context).items("subnetSet")
        return Self.vpcInfo(vpc, subnets: subnets)
    }

    /// The new subnet as CreateSubnet answers it.
    @discardableResult
    private func createSubnet(_ subnet: SubnetInfo, in vpcID: String, field: String, _ ec2: EC2Client,
                              _ context: CallContext) throws -> XMLNode {
        let name = try requireName(subnet.IId.NameId, field: "\(field).IId.NameId")
        var params: EC2Params = ["VpcId": vpcID, "CidrBlock": subnet.IPv4_CIDR]
        let zone = subnet.Zone.isEmpty ? settings.zone : subnet.Zone
        if !zone.isEmpty { params["AvailabilityZone"] = zone }
        params.tagSpecification("subnet", name: name, tags: subnet.TagList)
        guard let created = try ec2.call("CreateSubnet", params, context: context).find("subnet") else {
            throw DriverError.internal("aws CreateSubnet answered without a subnet")
        }
        known.subnet(created.string("subnetId"), in: vpcID, made: true)
        return created
    }

    private func addInternetAccess(_ vpcID: String, name: String, _ ec2: EC2Client, _ context: CallContext) throws {
        var params = EC2Params()
        params.tagSpecification("internet-gateway", name: name, tags: nil)
        let gateway = try ec2.call("CreateInternetGateway", params, context: context)
            .find("internetGateway")?.string("internetGatewayId") ?? ""
        guard !gateway.isEmpty else { throw DriverError.internal("aws CreateInternetGateway answered without an ID") }
        known.gateway(gateway, of: vpcID)
        _ = try ec2.call("AttachInternetGateway", ["InternetGatewayId": gateway, "VpcId": vpcID], context: context)
        var filter = EC2Params()
        filter.filter("vpc-id", [vpcID])
        filter.filter("association.main", ["true"])
        guard let table = try ec2.call("DescribeRouteTables", filter, context: context).items("routeTableSet").first else {
            throw DriverError.internal("aws: VPC \(vpcID) has no main route table")
        }
        _ = try ec2.call("CreateRoute", ["RouteTableId": table.string("routeTableId"), "DestinationCidrBlock": "0.0.0.0/0",
                                         "GatewayId": gateway], context: context)
    }

    /// NOT_FOUND when the subnet is missing or outside the VPC (which covers a missing VPC). A
    /// subnet this connection has seen in the VPC needs no look-up: subnets never move.
    func checkSubnet(_ subnetID: String, label: String, in vpcID: String, vpcLabel: String, _ ec2: EC2Client,
                     _ context: CallContext) throws {
        var owner = known.vpc(ofSubnet: subnetID)
        if owner == nil {
            var params = EC2Params()
            params.list("SubnetId", [subnetID])
            do {
                owner = try ec2.call("DescribeSubnets", params, context: context).items("subnetSet").first?.string("vpcId")
            } catch let error as DriverError where error.status == .notFound {
                owner = nil
            }
            if let owner { known.subnet(subnetID, in: owner, made: false) }
        }
        guard owner == vpcID else {
            let subnet = label.isEmpty ? subnetID : "'\(label)' (\(subnetID))"
            let vpc = vpcLabel.isEmpty ? vpcID : "'\(vpcLabel)' (\(vpcID))"
            throw DriverError.notFound("subnet \(subnet) is not in VPC \(vpc), or one of them does not exist")
        }
    }

    /// Removes a VPC this connection made through the parts it recorded, without looking them up.
    /// False when AWS refuses the VPC for parts made elsewhere: the caller then looks them up.
    private func removeMadeVPC(_ vpcID: String, _ parts: KnownResources.VPCParts, _ ec2: EC2Client,
                               _ context: CallContext) throws -> Bool {
        // A part already gone (removed outside Spider) is what this delete wants.
        func ignoringGone(_ body: () throws -> Void) throws {
            do { try body() } catch let error as DriverError where error.status == .notFound
                || error.cloudError?.hasPrefix("Gateway.NotAttached") == true {}
        }
        for subnetID in parts.subnets {
            try ignoringGone { _ = try ec2.call("DeleteSubnet", ["SubnetId": subnetID], context: context) }
        }
        for gatewayID in parts.gateways {
            try ignoringGone {
                _ = try ec2.call("DetachInternetGateway", ["InternetGatewayId": gatewayID, "VpcId": vpcID], context: context)
            }
            try ignoringGone { _ = try ec2.call("DeleteInternetGateway", ["InternetGatewayId": gatewayID], context: context) }
        }
        do {
            _ = try ec2.call("DeleteVpc", ["VpcId": vpcID], context: context)
        } catch let error as DriverError where error.cloudError?.hasPrefix("DependencyViolation") == true {
            known.forgetVPC(vpcID)
            return false
        }
        known.forgetVPC(vpcID)
        return true
    }

    /// Subnets, internet gateways, then the VPC; extra route tables (Spider makes none) only when
    /// AWS refuses the VPC for them, so the usual delete spends no look-up on them.
    private func removeVPC(_ vpcID: String, _ ec2: EC2Client, _ context: CallContext?) throws {
        var filter = EC2Params()
        filter.filter("vpc-id", [vpcID])
        for subnet in try ec2.call("DescribeSubnets", filter, context: context).items("subnetSet") {
            _ = try ec2.call("DeleteSubnet", ["SubnetId": subnet.string("subnetId")], context: context)
        }
        var attached = EC2Params()
        attached.filter("attachment.vpc-id", [vpcID])
        for gateway in try ec2.call("DescribeInternetGateways", attached, context: context).items("internetGatewaySet") {
            let id = gateway.string("internetGatewayId")
            _ = try ec2.call("DetachInternetGateway", ["InternetGatewayId": id, "VpcId": vpcID], context: context)
            _ = try ec2.call("DeleteInternetGateway", ["InternetGatewayId": id], context: context)
        }
        do {
            _ = try ec2.call("DeleteVpc", ["VpcId": vpcID], context: context)
        } catch let error as DriverError where error.cloudError?.hasPrefix("DependencyViolation") == true {
            let extra = try ec2.call("DescribeRouteTables", filter, context: context).items("routeTableSet")
                .filter { !$0.items("associationSet").contains(where: { $0.string("main") == "true" }) }
            guard !extra.isEmpty else { throw error }
            for table in extra {
                _ = try ec2.call("DeleteRouteTable", ["RouteTableId": table.string("routeTableId")], context: context)
            }
            _ = try ec2.call("DeleteVpc", ["VpcId": vpcID], context: context)
        }
        known.forgetVPC(vpcID)
    }

    // MARK: shapes

    static func vpcInfo(_ vpc: XMLNode, subnets: [XMLNode]) -> VPCInfo {
        let id = vpc.string("vpcId")
        return VPCInfo(IId: IID(NameId: vpc.spiderName(), SystemId: id), IPv4_CIDR: vpc.string("cidrBlock"),
                       SubnetInfoList: subnets.map(subnetInfo), TagList: vpc.userTags,
                       KeyValueList: keyValues([("State", vpc.string("state")), ("IsDefault", vpc.string("isDefault")),
                                                ("DhcpOptionsId", vpc.string("dhcpOptionsId")),
                                                ("InstanceTenancy", vpc.string("instanceTenancy"))]))
    }

    static func subnetInfo(_ subnet: XMLNode) -> SubnetInfo {
        SubnetInfo(IId: IID(NameId: subnet.spiderName(), SystemId: subnet.string("subnetId")),
                   Zone: subnet.string("availabilityZone"), IPv4_CIDR: subnet.string("cidrBlock"),
                   TagList: subnet.userTags,
                   KeyValueList: keyValues([("VpcId", subnet.string("vpcId")), ("State", subnet.string("state")),
                                            ("AvailabilityZoneId", subnet.string("availabilityZoneId")),
                                            ("AvailableIpAddressCount", subnet.string("availableIpAddressCount"))]))
    }
}
