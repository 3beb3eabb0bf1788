// nlb.*: an NLB is an Octavia load balancer with one listener, one pool (round robin) whose
// members are the group's VMs (each member named by its server's ID, at the VM's address in its
// subnet) and a health monitor. Its VIP sits in the VPC's first subnet; a PUBLIC one gets a
// floating IP on the VIP's port, which is the listener's IP. Octavia refuses changes while a load
// balancer is PENDING_*, so every step waits for ACTIVE. Delete is Octavia's cascade delete, after
// the floating IP. Changing a listener's or group's protocol or port is not offered (Octavia keeps
// them fixed): those operations answer 501.
import Foundation
import SpiderDriverKit
import SpiderModels

extension OpenStackConnection {
    func createNLB(_ request: NLBReqInfo, _ context: CallContext) throws -> NLBInfo {
        let name = try requireNewName(request.IId.NameId)
        let networkID = try requireOpenStackID(request.VpcIID, "VPC", field: "VpcIID")
        let type = (request.Type ?? "").isEmpty ? "PUBLIC" : request.Type!.uppercased()
        guard ["PUBLIC", "INTERNAL"].contains(type) else { throw DriverError.invalidArgument("Type: '\(type)' is not PUBLIC or INTERNAL") }
        let listenerProtocol = try Self.nlbProtocol(request.Listener.Protocol, field: "Listener.Protocol")
        let listenerPort = try Self.nlbPort(request.Listener.Port, field: "Listener.Port")
        let groupProtocol = try Self.nlbProtocol(request.VMGroup.Protocol, field: "VMGroup.Protocol")
        let groupPort = try Self.nlbPort(request.VMGroup.Port, field: "VMGroup.Port")
        _ = try Self.monitorBody(request.HealthChecker, pool: "")   // INVALID_ARGUMENT before anything is made
        guard let vipSubnet = try api.call(.network, "GET", "/subnets?network_id=\(networkID)", context: context)["subnets"].array.first else {
            throw DriverError.invalidArgument("VPC '\(request.VpcIID.NameId)' has no subnet for the load balancer's address")
        }
        let members = try request.VMGroup.VMs.enumerated().map { index, vm in
            try memberBody(vm, port: groupPort, network: networkID, field: "VMGroup.VMs[\(index)]", context)
        }

        let lb = try api.call(.loadBalancer, "POST", "/lbaas/loadbalancers", body: ["loadbalancer": [
            "name": name, "vip_subnet_id": vipSubnet["id"].string, "description": "spider-nlb type=\(type)",
            "tags": (request.TagList ?? []).map { $0.Value.isEmpty ? $0.Key : "\($0.Key)=\($0.Value)" },
        ]], context: context)["loadbalancer"]
        let lbID = lb["id"].string
        do {
            try waitActive(lbID, context)
            let listenerID = try api.call(.loadBalancer, "POST", "/lbaas/listeners", body: ["listener": [
                "name": name, "loadbalancer_id": lbID, "protocol": listenerProtocol, "protocol_port": listenerPort,
            ]], context: context)["listener"]["id"].string
            try waitActive(lbID, context)
            let poolID = try api.call(.loadBalancer, "POST", "/lbaas/pools", body: ["pool": [
                "name": name, "listener_id": listenerID, "protocol": groupProtocol, "lb_algorithm": "ROUND_ROBIN",
            ]], context: context)["pool"]["id"].string
            try waitActive(lbID, context)
            for member in members {
                try api.call(.loadBalancer, "POST", "/lbaas/pools/\(poolID)/members", body: ["member": member], context: context)
                try waitActive(lbID, context)
            }
            try api.call(.loadBalancer, "POST", "/lbaas/healthmonitors", body: ["healthmonitor": try Self.monitorBody(request.HealthChecker, pool: poolID)],
                         context: context)
            try waitActive(lbID, context)
            if type == "PUBLIC" {
                try api.call(.network, "POST", "/floatingips", body: ["floatingip": [
                    "floating_network_id": try externalNetworkID(context), "port_id": lb["vip_port_id"].string,
                    "description": "spider-nlb \(name)",
                ]], context: context)
            }
            return try describeNLB(lbID, context)
        } catch {
            _ = try? removeNLB(lbID, vipPort: lb["vip_port_id"].string, nil)
            throw error
        }
    }

    func listNLBs(_ context: CallContext) throws -> NLBList {
        let project = try api.projectID(context)
        let lbs = try api.call(.loadBalancer, "GET", "/lbaas/loadbalancers?project_id=\(project)", context: context)["loadbalancers"].array
        return NLBList(try lbs.map { try describeNLB($0["id"].string, context) })
    }

    func getNLB(_ request: IIDRequest, _ context: CallContext) throws -> NLBInfo {
        try describeNLB(try requireOpenStackID(request.IId, "NLB"), context)
    }

    func deleteNLB(_ request: IIDRequest, _ context: CallContext) throws -> EmptyResult {
        let id = try requireOpenStackID(request.IId, "NLB")
        let lb = try loadBalancer(id, context)
        try removeNLB(id, vipPort: lb["vip_port_id"].string, context)
        return EmptyResult()
    }

    func addNLBVMs(_ request: NLBVMsReqInfo, _ context: CallContext) throws -> NLBInfo {
        let (lbID, pool) = try nlbPool(request.IId, context)
        let present = Set(pool.members.map { $0["name"].string })
        if let again = request.VMs.first(where: { present.contains($0.SystemId) }) {
            throw DriverError.alreadyExists("VM '\(again.NameId)' is already in NLB '\(request.IId.NameId)'")
        }
        let lb = try loadBalancer(lbID, context)
        let networkID = try api.call(.network, "GET", "/subnets/\(lb["vip_subnet_id"].string)", context: context)["subnet"]["network_id"].string
        let port = pool.members.first?["protocol_port"].int ?? 80
        for (index, vm) in request.VMs.enumerated() {
            let body = try memberBody(vm, port: port, network: networkID, field: "VMs[\(index)]", context)
            try api.call(.loadBalancer, "POST", "/lbaas/pools/\(pool.id)/members", body: ["member": body], context: context)
            try waitActive(lbID, context)
        }
        return try describeNLB(lbID, context)
    }

    func removeNLBVMs(_ request: NLBVMsReqInfo, _ context: CallContext) throws -> EmptyResult {
        let (lbID, pool) = try nlbPool(request.IId, context)
        var memberIDs: [String] = []
        for vm in request.VMs {
            guard let member = pool.members.first(where: { $0["name"].string == vm.SystemId }) else {
                throw DriverError.notFound("VM '\(vm.NameId)' is not in NLB '\(request.IId.NameId)'")
            }
            memberIDs.append(member["id"].string)
        }
        for id in memberIDs {
            try api.call(.loadBalancer, "DELETE", "/lbaas/pools/\(pool.id)/members/\(id)", context: context)
            try waitActive(lbID, context)
        }
        return EmptyResult()
    }

    func nlbHealth(_ request: IIDRequest, _ context: CallContext) throws -> HealthInfo {
        let (_, pool) = try nlbPool(request.IId, context)
        let all = pool.members.map { IID(NameId: "", SystemId: $0["name"].string) }
        let healthy = pool.members.filter { $0["operating_status"].string == "ONLINE" }.map { IID(NameId: "", SystemId: $0["name"].string) }
        let unhealthy = pool.members.filter { $0["operating_status"].string != "ONLINE" }.map { IID(NameId: "", SystemId: $0["name"].string) }
        return HealthInfo(AllVMs: all, HealthyVMs: healthy, UnHealthyVMs: unhealthy)
    }

    /// CONFLICT when `serverID` is a member of one of the project's load balancers (a VM in an
    /// NLB's group is not terminated). No Octavia in the catalogue: nothing to check.
    func checkVMNotInNLB(_ serverID: String, label: String, _ context: CallContext) throws {
        let token = try api.session.token(context)
        guard (try? api.baseURL(.loadBalancer, token)) != nil else { return }
        let project = try api.projectID(context)
        for pool in try api.call(.loadBalancer, "GET", "/lbaas/pools?project_id=\(project)", context: context)["pools"].array {
            let members = try api.call(.loadBalancer, "GET", "/lbaas/pools/\(pool["id"].string)/members", context: context)["members"].array
            if members.contains(where: { $0["name"].string == serverID }) {
                throw DriverError.conflict("VM \(label) is in the group of NLB '\(pool["name"].string)': remove it from the NLB first")
            }
        }
    }

    // MARK: steps

    func loadBalancer(_ id: String, _ context: CallContext?) throws -> JSON {
        try api.call(.loadBalancer, "GET", "/lbaas/loadbalancers/\(id)", context: context)["loadbalancer"]
    }

    /// Waits until the load balancer is ACTIVE again; ERROR is an error.
    private func waitActive(_ id: String, _ context: CallContext) throws {
        let lb = try Polling.read(context, everyMs: 250, { try self.loadBalancer(id, context) }, until: { lb in
            ["ACTIVE", "ERROR"].contains(lb["provisioning_status"].string)
        })
        guard lb["provisioning_status"].string == "ACTIVE" else {
            throw DriverError.internal("openstack octavia: load balancer '\(lb["name"].string)' is \(lb["provisioning_status"].string)")
        }
    }

    private func nlbPool(_ iid: IID, _ context: CallContext) throws -> (String, (id: String, members: [JSON])) {
        let lbID = try requireOpenStackID(iid, "NLB")
        let lb = try loadBalancer(lbID, context)
        guard let poolID = lb["pools"].array.first?["id"].string else {
            throw DriverError.notFound("NLB '\(iid.NameId)' has no VM group (pool) in Octavia")
        }
        let members = try api.call(.loadBalancer, "GET", "/lbaas/pools/\(poolID)/members", context: context)["members"].array
        return (lbID, (poolID, members))
    }

    private func memberBody(_ vm: IID, port: Int, network: String, field: String, _ context: CallContext) throws -> [String: Any] {
        let serverID = try requireOpenStackID(vm, "VM", field: field)
        let ports = try api.call(.network, "GET", "/ports?device_id=\(serverID)&network_id=\(network)", context: context)["ports"].array
        guard let fixed = ports.first?["fixed_ips"].array.first else {
            throw DriverError.invalidArgument("\(field): VM '\(vm.NameId)' has no address in the NLB's VPC")
        }
        return ["name": serverID, "address": fixed["ip_address"].string, "protocol_port": port, "subnet_id": fixed["subnet_id"].string]
    }

    /// The floating IP of the VIP, then Octavia's cascade delete; waits until the load balancer is gone.
    func removeNLB(_ id: String, vipPort: String, _ context: CallContext?) throws {
        if !vipPort.isEmpty {
            for ip in try api.call(.network, "GET", "/floatingips?port_id=\(vipPort)", context: context)["floatingips"].array {
                try ignoringGone { try api.call(.network, "DELETE", "/floatingips/\(ip["id"].string)", context: context) }
            }
        }
        try ignoringGone { try api.call(.loadBalancer, "DELETE", "/lbaas/loadbalancers/\(id)?cascade=true", context: context) }
        var left = 480
        while left > 0 {
            do { _ = try loadBalancer(id, context) } catch let error as DriverError where error.status == .notFound { return }
            try context?.checkCancelled()
            usleep(250_000)
            left -= 1
        }
        throw DriverError.retryable("openstack octavia: load balancer \(id) is still being deleted", afterMs: 5_000)
    }

    func describeNLB(_ id: String, _ context: CallContext?) throws -> NLBInfo {
        let lb = try loadBalancer(id, context)
        let listener = try lb["listeners"].array.first.map {
            try api.call(.loadBalancer, "GET", "/lbaas/listeners/\($0["id"].string)", context: context)["listener"]
        } ?? JSON(nil)
        let pool = try lb["pools"].array.first.map {
            try api.call(.loadBalancer, "GET", "/lbaas/pools/\($0["id"].string)", context: context)["pool"]
        } ?? JSON(nil)
        let members = pool.exists
            ? try api.call(.loadBalancer, "GET", "/lbaas/pools/\(pool["id"].string)/members", context: context)["members"].array : []
        let monitor = pool["healthmonitor_id"].string.isEmpty ? JSON(nil)
            : try api.call(.loadBalancer, "GET", "/lbaas/healthmonitors/\(pool["healthmonitor_id"].string)", context: context)["healthmonitor"]
        let floating = lb["vip_port_id"].string.isEmpty ? []
            : try api.call(.network, "GET", "/floatingips?port_id=\(lb["vip_port_id"].string)", context: context)["floatingips"].array
        let networkID = lb["vip_network_id"].string
        let type = lb["description"].string.contains("type=INTERNAL") ? "INTERNAL" : "PUBLIC"
        return NLBInfo(
            IId: IID(NameId: lb["name"].string, SystemId: lb["id"].string), VpcIID: IID(NameId: "", SystemId: networkID),
            Type: type, Scope: "REGION",
            Listener: ListenerInfo(Protocol: listener["protocol"].string, IP: floating.first?["floating_ip_address"].string ?? lb["vip_address"].string,
                                   Port: listener["protocol_port"].string, DNSName: "", CspID: listener["id"].string,
                                   KeyValueList: nonEmptyKeyValues([("VipAddress", lb["vip_address"].string)])),
            VMGroup: VMGroupInfo(Protocol: pool["protocol"].string, Port: members.first?["protocol_port"].string ?? "",
                                 VMs: members.map { IID(NameId: "", SystemId: $0["name"].string) }, CspID: pool["id"].string,
                                 KeyValueList: nonEmptyKeyValues([("LbAlgorithm", pool["lb_algorithm"].string)])),
            HealthChecker: HealthCheckerInfo(Protocol: monitor["type"].string, Port: members.first?["protocol_port"].string ?? "",
                                             Interval: monitor["delay"].int ?? 0, Timeout: monitor["timeout"].int ?? 0,
                                             Threshold: monitor["max_retries"].int ?? 0, CspID: monitor["id"].string),
            CreatedTime: lb["created_at"].string,
            TagList: Self.nonEmpty(Self.keyValues(fromTags: lb["tags"].strings)),
            KeyValueList: nonEmptyKeyValues([("ProvisioningStatus", lb["provisioning_status"].string),
                                             ("OperatingStatus", lb["operating_status"].string), ("Provider", lb["provider"].string)]))
    }

    // MARK: request checks

    static func nlbProtocol(_ text: String, field: String) throws -> String {
        let value = text.uppercased()
        guard ["TCP", "UDP"].contains(value) else { throw DriverError.invalidArgument("\(field): '\(text)' is not TCP or UDP") }
        return value
    }

    static func nlbPort(_ text: String, field: String) throws -> Int {
        guard let port = Int(text.trimmingCharacters(in: .whitespaces)), (1...65535).contains(port) else {
            throw DriverError.invalidArgument("\(field): '\(text)' is not a port (1…65535)")
        }
        return port
    }

    /// Octavia's health monitor: TCP/UDP-CONNECT/HTTP, delay (Interval, default 10 s), timeout
    /// (default 5 s, at most the delay), max_retries (Threshold, 1…10, default 3).
    static func monitorBody(_ checker: NLBHealthCheckerReqInfo, pool: String) throws -> [String: Any] {
        let kind: String
        switch checker.Protocol.uppercased() {
        case "TCP": kind = "TCP"
        case "UDP": kind = "UDP-CONNECT"
        case "HTTP": kind = "HTTP"
        case "HTTPS": kind = "HTTPS"
        default: throw DriverError.invalidArgument("HealthChecker.Protocol: '\(checker.Protocol)' is not TCP, UDP, HTTP or HTTPS")
        }
        func number(_ text: String?, _ field: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
            let t = (text ?? "").trimmingCharacters(in: .whitespaces)
            if t.isEmpty || t.lowercased() == "default" || t == "-1" { return value }
            guard let n = Int(t), range.contains(n) else {
                throw DriverError.invalidArgument("HealthChecker.\(field): '\(t)' is not a number in \(range.lowerBound)…\(range.upperBound)")
            }
            return n
        }
        let delay = try number(checker.Interval, "Interval", default: 10, range: 1...3600)
        let timeout = try number(checker.Timeout, "Timeout", default: min(5, delay), range: 1...3600)
        guard timeout <= delay else { throw DriverError.invalidArgument("HealthChecker.Timeout: \(timeout) s is longer than the Interval (\(delay) s)") }
        var body: [String: Any] = ["type": kind, "delay": delay, "timeout": timeout,
                                   "max_retries": try number(checker.Threshold, "Threshold", default: 3, range: 1...10)]
        if !pool.isEmpty { body["pool_id"] = pool }
        return body
    }
}
