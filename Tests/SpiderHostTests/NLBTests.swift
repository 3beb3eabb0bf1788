// Network load balancers over the socket on the Mock driver: lifecycle (VMs in and out, health as
// VMs are suspended, listener/VM group/health checker changes), the error cases, the VPC and VM
// dependencies, state across a restart, destroy, and 501 on a driver without nlbhandler.
import Foundation
import SpiderClient
import SpiderModels
import Testing

@Suite("Network load balancers")
struct NLBTests {
    @Test("create, list, get, add VMs, health as a VM is suspended and resumed, changes, remove VMs, delete")
    func lifecycle() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "nlb")
        let q = c.query
        let ids = try host.createStack(c)
        let vm2 = try host.must("POST", "/spider/vm", json: Requests.vmInStack(c.name, "vm-02")).decode(VMInfo.self)
        let vm1 = IID(NameId: "vm-01", SystemId: ids.vm)

        let nlb = try host.must("POST", "/spider/nlb", json: Requests.nlb(c.name, "nlb-01")).decode(NLBInfo.self)
        #expect(nlb.IId.NameId == "nlb-01" && !nlb.IId.SystemId.isEmpty)
        #expect(nlb.VpcIID == IID(NameId: "vpc-01", SystemId: ids.vpc))
        #expect(nlb.Type == "PUBLIC" && nlb.Scope == "REGION")
        #expect(nlb.Listener.Protocol == "TCP" && nlb.Listener.Port == "80")
        #expect(!nlb.Listener.IP.isEmpty && nlb.Listener.DNSName.hasPrefix("nlb-01-"), "\(nlb.Listener)")
        #expect(nlb.VMGroup.Protocol == "TCP" && nlb.VMGroup.Port == "8080" && nlb.VMGroup.VMs == [vm1])
        #expect(nlb.HealthChecker == HealthCheckerInfo(Protocol: "TCP", Port: "8080", Interval: 30, Timeout: 10, Threshold: 3),
                "defaults: \(nlb.HealthChecker)")
        #expect(!nlb.CreatedTime.isEmpty)

        #expect(try host.must("GET", "/spider/nlb" + q).decode(NLBList.self).nlb.map(\.IId) == [nlb.IId])
        #expect(try get(host, "nlb-01", q).Listener == nlb.Listener)

        let grown = try host.must("POST", "/spider/nlb/nlb-01/vms", json: Requests.nlbVMs(c.name, ["vm-02"])).decode(NLBInfo.self)
        #expect(grown.VMGroup.VMs == [vm1, vm2.IId])
        #expect(try health(host, "nlb-01", q) == HealthInfo(AllVMs: [vm1, vm2.IId], HealthyVMs: [vm1, vm2.IId], UnHealthyVMs: []))

        // A suspended VM fails the health check; resumed, it passes again.
        try host.must("PUT", "/spider/controlvm/vm-02?action=suspend", json: Requests.connection(c.name))
        #expect(try health(host, "nlb-01", q) == HealthInfo(AllVMs: [vm1, vm2.IId], HealthyVMs: [vm1], UnHealthyVMs: [vm2.IId]))
        try host.must("PUT", "/spider/controlvm/vm-02?action=resume", json: Requests.connection(c.name))
        #expect(try health(host, "nlb-01", q).UnHealthyVMs.isEmpty)

        // Changes: the listener keeps its address and name; the VM group keeps its VMs.
        let listener = try host.must("PUT", "/spider/nlb/nlb-01/listener", json: Requests.nlbChange(c.name, ["Protocol": "udp", "Port": "53"]))
            .decode(ListenerInfo.self)
        #expect(listener.Protocol == "UDP" && listener.Port == "53")
        #expect(listener.IP == nlb.Listener.IP && listener.DNSName == nlb.Listener.DNSName)
        let group = try host.must("PUT", "/spider/nlb/nlb-01/vmgroup", json: Requests.nlbChange(c.name, ["Protocol": "UDP", "Port": "5353"]))
            .decode(VMGroupInfo.self)
        #expect(group.Protocol == "UDP" && group.Port == "5353" && group.VMs == [vm1, vm2.IId])
        let checker = try host.must("PUT", "/spider/nlb/nlb-01/healthchecker", json: Requests.nlbChange(c.name, [
            "Protocol": "HTTP", "Port": "80", "Interval": "10", "Timeout": "5", "Threshold": "2",
        ])).decode(HealthCheckerInfo.self)
        #expect(checker == HealthCheckerInfo(Protocol: "HTTP", Port: "80", Interval: 10, Timeout: 5, Threshold: 2))
        let changed = try get(host, "nlb-01", q)
        #expect(changed.Listener == listener && changed.VMGroup == group && changed.HealthChecker == checker)

        // Remove a VM; it may then be terminated (a member may not).
        try host.expect("DELETE", "/spider/vm/vm-02" + q, status: 409, mentioning: ["vm-02", "nlb-01"])
        let removed = try host.must("DELETE", "/spider/nlb/nlb-01/vms", json: Requests.nlbVMs(c.name, ["vm-02"]))
        #expect(removed.json["Result"] as? String == "true")
        #expect(try get(host, "nlb-01", q).VMGroup.VMs == [vm1])
        try host.must("DELETE", "/spider/vm/vm-02" + q)

        // An internal NLB takes an address inside the VPC's subnet, and may start with no VMs.
        let inner = try host.must("POST", "/spider/nlb", json: Requests.nlb(c.name, "nlb-int", vms: [], extra: ["Type": "INTERNAL"]))
            .decode(NLBInfo.self)
        #expect(inner.Type == "INTERNAL" && inner.Listener.IP.hasPrefix("10.0.1.") && inner.Listener.DNSName.hasPrefix("internal-"),
                "\(inner.Listener)")
        #expect(inner.VMGroup.VMs.isEmpty)
        #expect(try health(host, "nlb-int", q) == HealthInfo(AllVMs: [], HealthyVMs: [], UnHealthyVMs: []))
        #expect(try host.must("GET", "/spider/countnlb/\(c.name)").json["count"] as? Int == 2)

        try host.must("DELETE", "/spider/nlb/nlb-01" + q)
        try host.must("DELETE", "/spider/nlb/nlb-int", json: Requests.connection(c.name))
        try host.expect("GET", "/spider/nlb/nlb-01" + q, status: 404, mentioning: ["nlb-01"])
        #expect(try host.must("GET", "/spider/nlb" + q).decode(NLBList.self).nlb.isEmpty)
        try host.must("DELETE", "/spider/vm/vm-01" + q)
    }

    @Test("unknown names 404, bad values 400 naming the field, duplicates and dependencies 409")
    func errors() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "nlberr")
        let q = c.query
        try host.createStack(c)
        try host.must("POST", "/spider/vm", json: Requests.vmInStack(c.name, "vm-02"))
        // A VM in another VPC.
        try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-02", cidr: "10.1.0.0/16", subnets: [("subnet-02", "10.1.1.0/24")]))
        try host.must("POST", "/spider/securitygroup", json: Requests.securityGroup(c.name, "sg-02", vpc: "vpc-02", rules: [Requests.rule("22")]))
        try host.must("POST", "/spider/vm", json: Requests.vm(c.name, "vm-far", vpc: "vpc-02", subnet: "subnet-02",
                                                            securityGroups: ["sg-02"], keyPair: "keypair-01"))
        try host.must("POST", "/spider/nlb", json: Requests.nlb(c.name, "nlb-01"))

        // Unknown names.
        try host.expect("POST", "/spider/nlb", json: Requests.nlb(c.name, "nlb-x", vpc: "no-vpc"), status: 404, mentioning: ["no-vpc"])
        try host.expect("POST", "/spider/nlb", json: Requests.nlb(c.name, "nlb-x", vms: ["vm-01", "ghost"]), status: 404, mentioning: ["ghost"])
        try host.expect("GET", "/spider/nlb/nope" + q, status: 404, mentioning: ["nope"])
        try host.expect("DELETE", "/spider/nlb/nope" + q, status: 404, mentioning: ["nope"])
        try host.expect("GET", "/spider/nlb/nope/health" + q, status: 404, mentioning: ["nope"])
        try host.expect("POST", "/spider/nlb/nope/vms", json: Requests.nlbVMs(c.name, ["vm-02"]), status: 404, mentioning: ["nope"])
        try host.expect("POST", "/spider/nlb/nlb-01/vms", json: Requests.nlbVMs(c.name, ["ghost"]), status: 404, mentioning: ["ghost"])
        try host.expect("PUT", "/spider/nlb/nope/listener", json: Requests.nlbChange(c.name, ["Protocol": "TCP", "Port": "81"]),
                        status: 404, mentioning: ["nope"])

        // VMs of another VPC, named twice, or already in the group.
        try host.expect("POST", "/spider/nlb", json: Requests.nlb(c.name, "nlb-x", vms: ["vm-far"]), status: 400,
                        mentioning: ["VMGroup.VMs[0]", "vm-far", "vpc-02", "vpc-01"])
        try host.expect("POST", "/spider/nlb/nlb-01/vms", json: Requests.nlbVMs(c.name, ["vm-02", "vm-far"]), status: 400,
                        mentioning: ["VMs[1]", "vm-far", "vpc-02"])
        try host.expect("POST", "/spider/nlb", json: Requests.nlb(c.name, "nlb-x", vms: ["vm-01", "vm-01"]), status: 400,
                        mentioning: ["ReqInfo.VMGroup.VMs", "vm-01", "twice"])
        try host.expect("POST", "/spider/nlb/nlb-01/vms", json: Requests.nlbVMs(c.name, ["vm-01"]), status: 409, mentioning: ["vm-01", "nlb-01"])
        try host.expect("POST", "/spider/nlb/nlb-01/vms", json: Requests.nlbVMs(c.name, []), status: 400, mentioning: ["ReqInfo.VMs"])
        try host.expect("DELETE", "/spider/nlb/nlb-01/vms", json: Requests.nlbVMs(c.name, ["vm-02"]), status: 404, mentioning: ["vm-02", "nlb-01"])
        #expect(try get(host, "nlb-01", q).VMGroup.VMs.map(\.NameId) == ["vm-01"], "refused changes left the group as it was")

        // Bad values.
        let bad: [(json: [String: Any], field: String)] = [
            (Requests.nlb(c.name, "nlb-x", listener: ["Protocol": "TCP", "Port": "0"]), "Listener.Port"),
            (Requests.nlb(c.name, "nlb-x", listener: ["Protocol": "TCP", "Port": "65536"]), "Listener.Port"),
            (Requests.nlb(c.name, "nlb-x", listener: ["Protocol": "TCP", "Port": "http"]), "Listener.Port"),
            (Requests.nlb(c.name, "nlb-x", listener: ["Protocol": "ICMP", "Port": "80"]), "Listener.Protocol"),
            (Requests.nlb(c.name, "nlb-x", listener: ["Protocol": "TCP", "Port": ""]), "ReqInfo.Listener.Port"),
            (Requests.nlb(c.name, "nlb-x", group: ["Protocol": "TCP", "Port": "99999"]), "VMGroup.Port"),
            (Requests.nlb(c.name, "nlb-x", group: ["Protocol": "HTTP", "Port": "80"]), "VMGroup.Protocol"),
            (Requests.nlb(c.name, "nlb-x", checker: ["Protocol": "TCP", "Port": "8080", "Interval": "1"]), "HealthChecker.Interval"),
            (Requests.nlb(c.name, "nlb-x", checker: ["Protocol": "TCP", "Port": "8080", "Interval": "5", "Timeout": "10"]), "HealthChecker.Timeout"),
            (Requests.nlb(c.name, "nlb-x", checker: ["Protocol": "UDP", "Port": "8080"]), "HealthChecker.Protocol"),
            (Requests.nlb(c.name, "nlb-x", extra: ["Type": "SECRET"]), "Type"),
            (Requests.nlb(c.name, "nlb-x", extra: ["Scope": "PLANET"]), "Scope"),
            (Requests.nlb(c.name, ""), "ReqInfo.Name"),
            (Requests.nlb(c.name, "nlb-x", vpc: ""), "ReqInfo.VPCName"),
        ]
        for (json, field) in bad {
            try host.expect("POST", "/spider/nlb", json: json, status: 400, mentioning: [field])
        }
        var noListener = Requests.nlb(c.name, "nlb-x")
        var info = noListener["ReqInfo"] as? [String: Any] ?? [:]
        info["Listener"] = nil
        noListener["ReqInfo"] = info
        try host.expect("POST", "/spider/nlb", json: noListener, status: 400, mentioning: ["Listener"])
        try host.expect("PUT", "/spider/nlb/nlb-01/listener", json: Requests.nlbChange(c.name, ["Protocol": "TCP", "Port": "70000"]),
                        status: 400, mentioning: ["Listener.Port"])
        try host.expect("PUT", "/spider/nlb/nlb-01/vmgroup", json: Requests.nlbChange(c.name, ["Protocol": "SCTP", "Port": "80"]),
                        status: 400, mentioning: ["VMGroup.Protocol"])
        try host.expect("PUT", "/spider/nlb/nlb-01/healthchecker", json: Requests.nlbChange(c.name, [
            "Protocol": "TCP", "Port": "80", "Threshold": "50",
        ]), status: 400, mentioning: ["HealthChecker.Threshold"])
        try host.expect("PUT", "/spider/nlb/nlb-01/listener", json: Requests.nlbChange(c.name, ["Port": "80"]), status: 400,
                        mentioning: ["Protocol"])

        // Duplicates and dependencies.
        try host.expect("POST", "/spider/nlb", json: Requests.nlb(c.name, "nlb-01", vms: []), status: 409, mentioning: ["nlb-01"])
        try host.must("DELETE", "/spider/nlb/nlb-01/vms", json: Requests.nlbVMs(c.name, ["vm-01"]))
        try host.must("DELETE", "/spider/vm/vm-01" + q)
        try host.must("DELETE", "/spider/vm/vm-02" + q)
        try host.must("DELETE", "/spider/securitygroup/sg-01" + q)
        try host.expect("DELETE", "/spider/vpc/vpc-01" + q, status: 409, mentioning: ["vpc-01", "nlb-01"])
        #expect(try host.must("GET", "/spider/nlb" + q).decode(NLBList.self).nlb.map(\.IId.NameId) == ["nlb-01"],
                "failed creates left nothing behind")
        try host.must("DELETE", "/spider/nlb/nlb-01" + q)
        try host.must("DELETE", "/spider/vpc/vpc-01" + q)
        host.expectReady()
    }

    @Test("an NLB, its VMs and its health survive a host restart; destroy deletes it before its VMs")
    func survivesRestartAndDestroy() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "nlbrestart")
        let q = c.query
        let ids = try host.createStack(c)
        let nlb = try host.must("POST", "/spider/nlb", json: Requests.nlb(c.name, "nlb-01")).decode(NLBInfo.self)

        try host.restart()

        let after = try get(host, "nlb-01", q)
        #expect(after.IId == nlb.IId && after.Listener == nlb.Listener && after.VMGroup == nlb.VMGroup)
        let vm1 = IID(NameId: "vm-01", SystemId: ids.vm)
        #expect(try health(host, "nlb-01", q) == HealthInfo(AllVMs: [vm1], HealthyVMs: [vm1], UnHealthyVMs: []))
        try host.expect("POST", "/spider/nlb", json: Requests.nlb(c.name, "nlb-01"), status: 409, mentioning: ["nlb-01"])
        try host.expect("DELETE", "/spider/vm/vm-01" + q, status: 409, mentioning: ["vm-01", "nlb-01"])

        let report = try host.must("DELETE", "/spider/destroy", json: Requests.connection(c.name))
        #expect(report.json["IsAllDestroyed"] as? Bool == true, "\(report.text)")
        try host.expect("GET", "/spider/nlb/nlb-01" + q, status: 404)
        #expect(try host.must("GET", "/spider/countnlb/\(c.name)").json["count"] as? Int == 0)
    }

    @Test("NLBs join the IID map: unregister, all-list, register under a new name, delete by cloud ID")
    func iidManagement() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "nlbreg")
        let q = c.query
        try host.createStack(c)
        let id = try host.must("POST", "/spider/nlb", json: Requests.nlb(c.name, "nlb-01")).decode(NLBInfo.self).IId.SystemId

        try host.must("DELETE", "/spider/regnlb/nlb-01", json: Requests.connection(c.name))
        try host.expect("GET", "/spider/nlb/nlb-01" + q, status: 404)
        #expect(try host.must("GET", "/spider/nlb" + q).decode(NLBList.self).nlb.isEmpty, "an unmapped NLB is not listed")
        let all = try host.must("GET", "/spider/allnlb" + q).json["AllList"] as? [String: Any]
        #expect((all?["OnlyCSPList"] as? [[String: Any]])?.compactMap { $0["SystemId"] as? String } == [id])
        try host.expect("DELETE", "/spider/vm/vm-01" + q, status: 409, mentioning: ["vm-01"])
        let owner = try host.must("POST", "/spider/getnlbowner", json: ["ConnectionName": c.name, "ReqInfo": ["CSPId": id]]).decode(IID.self)
        #expect(owner.NameId == "vpc-01" && !owner.SystemId.isEmpty)
        try host.expect("POST", "/spider/getnlbowner", json: ["ConnectionName": c.name, "ReqInfo": ["CSPId": "nlb-nope"]], status: 404,
                        mentioning: ["nlb-nope"])
        try host.expect("POST", "/spider/getnlbowner", json: ["ConnectionName": c.name, "ReqInfo": ["CSPId": ""]], status: 400,
                        mentioning: ["ReqInfo.CSPId"])

        let register: [String: Any] = ["ConnectionName": c.name, "ReqInfo": ["Name": "lb-again", "VPCName": "vpc-01", "CSPId": id]]
        let shown = try host.must("POST", "/spider/regnlb", json: register).decode(NLBInfo.self)
        #expect(shown.IId == IID(NameId: "lb-again", SystemId: id) && shown.VpcIID.NameId == "vpc-01")
        #expect(try host.must("GET", "/spider/nlb/lb-again/health" + q).decode(NLBHealthResponse.self).healthinfo.HealthyVMs.map(\.NameId) == ["vm-01"])
        #expect(try host.must("GET", "/spider/countnlb/\(c.name)").json["count"] as? Int == 1)

        try host.must("DELETE", "/spider/cspnlb/\(id)", json: Requests.connection(c.name))
        try host.expect("GET", "/spider/nlb/lb-again" + q, status: 404)
        #expect(try host.must("GET", "/spider/countnlb/\(c.name)").json["count"] as? Int == 0)
        try host.must("DELETE", "/spider/vm/vm-01" + q)
    }

    @Test("a driver without nlbhandler is 501 naming it")
    func unsupported() throws {
        let host = try HostProcess()
        let ce = try Fixtures.registerCExample(host)
        try host.expect("GET", "/spider/nlb" + ce.query, status: 501, mentioning: ["nlbhandler"])
        try host.expect("POST", "/spider/nlb", json: Requests.nlb(ce.name, "nlb-01"), status: 501, mentioning: ["nlbhandler"])
        try host.expect("GET", "/spider/nlb/nlb-01/health" + ce.query, status: 501, mentioning: ["nlbhandler"])
        try host.expect("POST", "/spider/nlb/nlb-01/vms", json: Requests.nlbVMs(ce.name, ["vm-01"]), status: 501, mentioning: ["nlbhandler"])
        try host.expect("PUT", "/spider/nlb/nlb-01/listener", json: Requests.nlbChange(ce.name, ["Protocol": "TCP", "Port": "80"]),
                        status: 501, mentioning: ["nlbhandler"])
        try host.expect("DELETE", "/spider/nlb/nlb-01" + ce.query, status: 501, mentioning: ["nlbhandler"])
    }

    // MARK: helpers

    private func get(_ host: HostProcess, _ name: String, _ q: String) throws -> NLBInfo {
        try host.must("GET", "/spider/nlb/\(name)" + q).decode(NLBInfo.self)
    }

    private func health(_ host: HostProcess, _ name: String, _ q: String) throws -> HealthInfo {
        try host.must("GET", "/spider/nlb/\(name)/health" + q).decode(NLBHealthResponse.self).healthinfo
    }
}
