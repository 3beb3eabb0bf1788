// vpc.*: a VPC is a Neutron network with its subnets and a router whose gateway is the external
// network, each subnet an interface of it, so VMs can reach out and take floating IPs (as
// CB-Spider's OpenStack driver does). OpenStack networks have no CIDR of their own: the VPC's is
// kept in the network's description ("spider-vpc cidr=<CIDR> router=<router ID>"), which also
// names the router. A failed create removes what it made; a delete refuses (CONFLICT) while ports
// other than the router's and DHCP's use the network, before anything is touched.
import Foundation
import SpiderDriverKit
import SpiderModels

extension OpenStackConnection {
    func createVPC(_ request: VPCReqInfo, _ context: CallContext) throws -> VPCInfo {
        let name = try requireNewName(request.IId.NameId)
        let externalID = try externalNetworkID(context)
        let router = try api.call(.network, "POST", "/routers", body: [
            "router": ["name": name, "admin_state_up": true, "external_gateway_info": ["network_id": externalID],
                       "description": "spider-vpc router"],
        ], context: context)["router"]
        let routerID = router["id"].string
        var networkID = ""
        do {
            let network = try api.call(.network, "POST", "/networks", body: ["network": [
                "name": name, "admin_state_up": true, "description": Self.vpcDescription(cidr: request.IPv4_CIDR, routerID: routerID),
            ]], context: context)["network"]
            networkID = network["id"].string
            try applyTags(request.TagList, to: .neutron(collection: "networks", id: networkID), context)
            let subnets = try request.SubnetInfoList.enumerated().map { index, subnet in
                try createSubnet(subnet, network: networkID, router: routerID, field: "SubnetInfoList[\(index)]", context)
            }
            // Without tags, the network and subnets as they were answered are the VPC: no read-back needed.
            let tagged = !(request.TagList ?? []).isEmpty || request.SubnetInfoList.contains { !($0.TagList ?? []).isEmpty }
            return tagged ? try describeVPC(networkID, context)
                : Self.vpcInfo(network, cidr: Self.descriptionField(network, "cidr"), subnets: subnets, zone: settings.zone)
        } catch {
            // Best effort, ignoring the call's cancellation: leave nothing half made behind.
            if networkID.isEmpty {
                _ = try? api.call(.network, "DELETE", "/routers/\(routerID)", context: nil)
            } else {
                try? removeVPC(networkID, routerID: routerID, nil)
            }
            throw error
        }
    }

    func listVPCs(_ context: CallContext) throws -> VPCList {
        let project = try api.projectID(context)
        let networks = try api.call(.network, "GET", "/networks?project_id=\(project)", context: context)["networks"].array
            .filter { $0["router:external"].bool != true }
        let subnets = try api.call(.network, "GET", "/subnets?project_id=\(project)", context: context)["subnets"].array
        return VPCList(networks.map { network in
            Self.vpcInfo(network, cidr: Self.descriptionField(network, "cidr"),
                         subnets: subnets.filter { $0["network_id"].string == network["id"].string }, zone: settings.zone)
        })
    }

    func getVPC(_ request: IIDRequest, _ context: CallContext) throws -> VPCInfo {
        try describeVPC(try requireOpenStackID(request.IId, "VPC"), context)
    }

    func deleteVPC(_ request: IIDRequest, _ context: CallContext) throws -> EmptyResult {
        let networkID = try requireOpenStackID(request.IId, "VPC")
        let network = try api.call(.network, "GET", "/networks/\(networkID)", context: context)["network"]
        let label = request.IId.NameId.isEmpty ? networkID : "'\(request.IId.NameId)'"
        let ports = try api.call(.network, "GET", "/ports?network_id=\(networkID)", context: context)["ports"].array
        let users = ports.filter { !Self.infrastructureOwners.contains($0["device_owner"].string) }
        if !users.isEmpty {
            let owners = Set(users.map { $0["device_owner"].string.isEmpty ? "a port" : $0["device_owner"].string }).sorted()
            throw DriverError.conflict("VPC \(label) is in use: \(users.count) port(s) on it (\(owners.joined(separator: ", "))); "
                                       + "delete its VMs and load balancers first")
        }
        let routerID = Self.descriptionField(network, "router")
        try removeVPC(networkID, routerID: routerID.isEmpty ? nil : routerID,
                      known: (subnetIDs: network["subnets"].array.map(\.string), ports: ports), context)
        return EmptyResult()
    }

    func addSubnet(_ request: SubnetAddReqInfo, _ context: CallContext) throws -> VPCInfo {
        let networkID = try requireOpenStackID(request.VPCIID, "VPC", field: "VPCIID")
        _ = try requireNewName(request.SubnetInfo.IId.NameId, field: "SubnetInfo.IId.NameId")
        let network = try api.call(.network, "GET", "/networks/\(networkID)", context: context)["network"]
        try createSubnet(request.SubnetInfo, network: networkID, router: Self.descriptionField(network, "router"),
                         field: "SubnetInfo", context)
        return try describeVPC(networkID, context)
    }

    func removeSubnet(_ request: SubnetRemoveReqInfo, _ context: CallContext) throws -> EmptyResult {
        let networkID = try requireOpenStackID(request.VPCIID, "VPC", field: "VPCIID")
        let subnetID = try requireOpenStackID(request.SubnetIID, "subnet", field: "SubnetIID")
        let subnet = try api.call(.network, "GET", "/subnets/\(subnetID)", context: context)["subnet"]
        guard subnet["network_id"].string == networkID else {
            throw DriverError.notFound("subnet '\(request.SubnetIID.NameId)' (\(subnetID)) is not in VPC '\(request.VPCIID.NameId)' (\(networkID))")
        }
        let users = try api.call(.network, "GET", "/ports?network_id=\(networkID)&fixed_ips=subnet_id%3D\(subnetID)",
                                 context: context)["ports"].array
        if users.contains(where: { !Self.infrastructureOwners.contains($0["device_owner"].string) }) {
            throw DriverError.conflict("subnet '\(request.SubnetIID.NameId)' is in use by VMs or load balancers")
        }
        for port in users where port["device_owner"].string == "network:router_interface" {
            try ignoringGone {
                try api.call(.network, "PUT", "/routers/\(port["device_id"].string)/remove_router_interface",
                             body: ["subnet_id": subnetID], context: context)
            }
        }
        try api.call(.network, "DELETE", "/subnets/\(subnetID)", context: context)
        return EmptyResult()
    }

    // MARK: steps

    /// Ports Spider's VPC itself puts on a network; any other port means something uses it.
    static let infrastructureOwners: Set<String> = ["network:router_interface", "network:dhcp", "network:router_gateway",
                                                     "network:router_interface_distributed", "network:ha_router_replicated_interface"]

    func describeVPC(_ networkID: String, _ context: CallContext?) throws -> VPCInfo {
        let network = try api.call(.network, "GET", "/networks/\(networkID)", context: context)["network"]
        let subnets = try api.call(.network, "GET", "/subnets?network_id=\(networkID)", context: context)["subnets"].array
        return Self.vpcInfo(network, cidr: Self.descriptionField(network, "cidr"), subnets: subnets, zone: settings.zone)
    }

    @discardableResult
    private func createSubnet(_ subnet: SubnetInfo, network: String, router: String, field: String,
                              _ context: CallContext) throws -> JSON {
        let name = try requireNewName(subnet.IId.NameId, field: "\(field).IId.NameId")
        let created = try api.call(.network, "POST", "/subnets", body: [
            "subnet": ["name": name, "network_id": network, "cidr": subnet.IPv4_CIDR, "ip_version": 4, "enable_dhcp": true],
        ], context: context)["subnet"]
        try applyTags(subnet.TagList, to: .neutron(collection: "subnets", id: created["id"].string), context)
        if !router.isEmpty {
            try api.call(.network, "PUT", "/routers/\(router)/add_router_interface", body: ["subnet_id": created["id"].string],
                         context: context)
        }
        return created
    }

    /// Router interfaces, the router, subnets, then the network; parts already gone are fine. `known`:
    /// the network's subnet IDs and ports when the caller has just read them (else they are read here).
    func removeVPC(_ networkID: String, routerID: String?, known: (subnetIDs: [String], ports: [JSON])? = nil,
                   _ context: CallContext?) throws {
        let subnetIDs = try known?.subnetIDs
            ?? api.call(.network, "GET", "/subnets?network_id=\(networkID)", context: context)["subnets"].array.map { $0["id"].string }
        let ports = try known?.ports
            ?? api.call(.network, "GET", "/ports?network_id=\(networkID)&device_owner=network:router_interface", context: context)["ports"].array
        var routers = Set(routerID.map { [$0] } ?? [])
        for port in ports where port["device_owner"].string == "network:router_interface" {
            routers.insert(port["device_id"].string)
        }
        for router in routers.sorted() where !router.isEmpty {
            for subnetID in subnetIDs {
                try ignoringGone(alsoConflicts: false) {
                    try api.call(.network, "PUT", "/routers/\(router)/remove_router_interface",
                                 body: ["subnet_id": subnetID], context: context)
                }
            }
            // Only the router Spider made for this VPC goes; another router keeps living without the interface.
            if router == routerID { try ignoringGone { try api.call(.network, "DELETE", "/routers/\(router)", context: context) } }
        }
        for subnetID in subnetIDs {
            try ignoringGone { try api.call(.network, "DELETE", "/subnets/\(subnetID)", context: context) }
        }
        try api.call(.network, "DELETE", "/networks/\(networkID)", context: context)
    }

    /// Runs `body`, taking NOT_FOUND (and neutron's "not an interface" 404/400 when asked) as done.
    func ignoringGone(alsoConflicts: Bool = false, _ body: () throws -> Void) throws {
        do { try body() } catch let error as DriverError where error.status == .notFound
            || (error.status == .invalidArgument && error.cloudError?.contains("has no interface") == true)
            || (alsoConflicts && error.status == .conflict) {}
    }

    /// The external network's ID: the one the connection names, else the only one the project sees.
    func externalNetworkID(_ context: CallContext?) throws -> String {
        try externalNetworkCache.get {
            let externals = try api.call(.network, "GET", "/networks?router:external=true", context: context)["networks"].array
            if let wanted = settings.externalNetwork {
                guard let match = externals.first(where: { $0["id"].string == wanted || $0["name"].string == wanted }) else {
                    let names = externals.map { $0["name"].string }.joined(separator: ", ")
                    throw DriverError.invalidArgument("ExternalNetwork '\(wanted)' is not an external network here (external: \(names.isEmpty ? "none" : names))")
                }
                return match["id"].string
            }
            guard let only = externals.first else {
                throw DriverError.invalidArgument("this OpenStack has no external network for routers and floating IPs "
                                                  + "(ask its operator, or name one with the key ExternalNetwork)")
            }
            if externals.count > 1 {
                let names = externals.map { $0["name"].string }.joined(separator: ", ")
                throw DriverError.invalidArgument("several external networks (\(names)): choose one with the key ExternalNetwork")
            }
            return only["id"].string
        }
    }

    // MARK: shapes

    static func vpcDescription(cidr: String, routerID: String) -> String {
        "spider-vpc cidr=\(cidr) router=\(routerID)"
    }

    /// A `key=value` word of a network's description (Spider's VPC record), or "".
    static func descriptionField(_ network: JSON, _ key: String) -> String {
        for word in network["description"].string.split(separator: " ") where word.hasPrefix(key + "=") {
            return String(word.dropFirst(key.count + 1))
        }
        return ""
    }

    static func vpcInfo(_ network: JSON, cidr: String, subnets: [JSON], zone: String) -> VPCInfo {
        VPCInfo(IId: IID(NameId: network["name"].string, SystemId: network["id"].string), IPv4_CIDR: cidr,
                SubnetInfoList: subnets.map { subnetInfo($0, zone: zone) },
                TagList: nonEmpty(keyValues(fromTags: network["tags"].strings)),
                KeyValueList: nonEmptyKeyValues([("Status", network["status"].string), ("RouterId", descriptionField(network, "router")),
                                                 ("MTU", network["mtu"].string), ("Shared", network["shared"].string)]))
    }

    static func subnetInfo(_ subnet: JSON, zone: String) -> SubnetInfo {
        SubnetInfo(IId: IID(NameId: subnet["name"].string, SystemId: subnet["id"].string), Zone: zone,
                   IPv4_CIDR: subnet["cidr"].string, TagList: nonEmpty(keyValues(fromTags: subnet["tags"].strings)),
                   KeyValueList: nonEmptyKeyValues([("NetworkId", subnet["network_id"].string), ("GatewayIp", subnet["gateway_ip"].string),
                                                    ("EnableDhcp", subnet["enable_dhcp"].string)]))
    }
}
