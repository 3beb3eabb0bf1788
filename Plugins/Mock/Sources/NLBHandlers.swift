// nlb.*: a network load balancer in one VPC. Its listener (TCP or UDP) gets an address and a DNS
// name when it is created (a public address for a PUBLIC NLB, one from the VPC's first subnet for an
// INTERNAL one); its VM group holds live VMs of the same VPC, each once; a VM is healthy while it
// is Running. A VPC with an NLB cannot be deleted, nor can a VM in an NLB's group be terminated.
import SpiderDriverKit
import SpiderModels

typealias NLBRecord = Record<NLBInfo>
extension NLBInfo: NamedByIID {}

extension MockConnection {
    static let nlbTypes = ["PUBLIC", "INTERNAL"]
    static let nlbScopes = ["REGION", "GLOBAL"]
    static let trafficProtocols = ["TCP", "UDP"]
    static let healthCheckProtocols = ["TCP", "HTTP"]
    /// Health checker ranges and defaults, in seconds and checks (as AWS's NLB has them).
    static let checkIntervals = (range: 5...300, default: 30)
    static let checkTimeouts = (range: 2...120, default: 10)
    static let checkThresholds = (range: 2...10, default: 3)

    func createNLB(_ request: NLBReqInfo) throws -> NLBInfo {
        let name = try requireName(request.IId.NameId, field: "IId.NameId")
        let type = try Self.choice(request.Type, field: "Type", among: Self.nlbTypes, default: "PUBLIC")
        let scope = try Self.choice(request.Scope, field: "Scope", among: Self.nlbScopes, default: "REGION")
        let listener = try Self.portSpec(request.Listener, field: "Listener", protocols: Self.trafficProtocols)
        let group = try Self.portSpec(NLBPortReqInfo(Protocol: request.VMGroup.Protocol, Port: request.VMGroup.Port),
                                      field: "VMGroup", protocols: Self.trafficProtocols)
        let checker = try Self.healthChecker(request.HealthChecker, field: "HealthChecker")
        return try mutate { state, now in
            guard !state.nlbs.hasName(name) else { throw MockError.exists("NLB", name, in: "region '\(region)'") }
            let vpc = try state.vpcs.require(request.VpcIID, "VPC")
            guard let subnet = vpc.info.SubnetInfoList.first else {
                throw MockError.invalid("VpcIID", "VPC '\(vpc.iid.NameId)' has no subnet to place the NLB in")
            }
            let vms = try state.groupVMs(request.VMGroup.VMs, field: "VMGroup.VMs", vpc: vpc.iid, at: now)
            let id = SystemID.make("nlb") { state.nlbs[$0] != nil }
            let suffix = String(id.suffix(8))
            let ip = type == "PUBLIC" ? try state.freePublicIP() : try state.freePrivateIP(in: subnet)
            let dns = type == "PUBLIC" ? "\(name)-\(suffix).elb.\(region).mock.cloud" : "internal-\(name)-\(suffix).elb.\(region).mock.internal"
            let info = NLBInfo(
                IId: IID(NameId: name, SystemId: id), VpcIID: vpc.iid, Type: type, Scope: scope,
                Listener: ListenerInfo(Protocol: listener.Protocol, IP: ip, Port: listener.Port, DNSName: dns,
                                       CspID: SystemID.make("listener") { _ in false }),
                VMGroup: VMGroupInfo(Protocol: group.Protocol, Port: group.Port, VMs: vms,
                                     CspID: SystemID.make("tg") { _ in false }),
                HealthChecker: checker, CreatedTime: WallClock.rfc3339(now), TagList: request.TagList)
            state.nlbs[id] = NLBRecord(sequence: state.takeSequence(), info: info)
            return info
        }
    }

    func listNLBs() -> NLBList {
        NLBList(snapshot().nlbs.inCreationOrder.map(\.info))
    }

    func getNLB(_ request: IIDRequest) throws -> EncodedJSON {
        try snapshot().existingNLB(request.IId).stored.answer
    }

    func deleteNLB(_ request: IIDRequest) throws -> EmptyResult {
        try mutate { state, _ in
            let nlb = try state.existingNLB(request.IId)
            state.nlbs[nlb.iid.SystemId] = nil
            return EmptyResult()
        }
    }

    func addNLBVMs(_ request: NLBVMsReqInfo) throws -> NLBInfo {
        try mutate { state, now in
            var nlb = try state.existingNLB(request.IId)
            let added = try state.groupVMs(request.VMs, field: "VMs", vpc: nlb.info.VpcIID, at: now)
            if let member = added.first(where: { vm in nlb.info.VMGroup.VMs.contains { $0.SystemId == vm.SystemId } }) {
                throw MockError.exists("VM", member.NameId, in: "the VM group of NLB '\(nlb.iid.NameId)'")
            }
            nlb.info.VMGroup.VMs += added
            state.nlbs[nlb.iid.SystemId] = nlb
            return nlb.info
        }
    }

    func removeNLBVMs(_ request: NLBVMsReqInfo) throws -> EmptyResult {
        try mutate { state, _ in
            var nlb = try state.existingNLB(request.IId)
            var remaining = nlb.info.VMGroup.VMs
            for iid in request.VMs {
                guard let index = remaining.firstIndex(where: { matches($0, iid) }) else {
                    throw MockError.notFound("VM", iid.label, in: "the VM group of NLB '\(nlb.iid.NameId)'")
                }
                remaining.remove(at: index)
            }
            nlb.info.VMGroup.VMs = remaining
            state.nlbs[nlb.iid.SystemId] = nlb
            return EmptyResult()
        }
    }

    /// Running VMs pass the health check; every other state (creating, suspended, rebooting…) fails it.
    func nlbHealth(_ request: IIDRequest) throws -> HealthInfo {
        let state = snapshot()
        let now = WallClock.nowMs()
        let group = try state.existingNLB(request.IId).info.VMGroup.VMs
        let healthy = group.filter { state.vms[$0.SystemId].map { !$0.isGone(at: now) && $0.status(at: now) == .Running } ?? false }
        let unhealthy = group.filter { vm in !healthy.contains { $0.SystemId == vm.SystemId } }
        return HealthInfo(AllVMs: group, HealthyVMs: healthy, UnHealthyVMs: unhealthy)
    }

    func changeNLBListener(_ request: NLBListenerChangeReqInfo) throws -> ListenerInfo {
        let spec = try Self.portSpec(request.Listener, field: "Listener", protocols: Self.trafficProtocols)
        return try mutate { state, _ in
            var nlb = try state.existingNLB(request.IId)
            nlb.info.Listener.Protocol = spec.Protocol
            nlb.info.Listener.Port = spec.Port
            state.nlbs[nlb.iid.SystemId] = nlb
            return nlb.info.Listener
        }
    }

    func changeNLBVMGroup(_ request: NLBVMGroupChangeReqInfo) throws -> VMGroupInfo {
        let spec = try Self.portSpec(request.VMGroup, field: "VMGroup", protocols: Self.trafficProtocols)
        return try mutate { state, _ in
            var nlb = try state.existingNLB(request.IId)
            nlb.info.VMGroup.Protocol = spec.Protocol
            nlb.info.VMGroup.Port = spec.Port
            state.nlbs[nlb.iid.SystemId] = nlb
            return nlb.info.VMGroup
        }
    }

    func changeNLBHealthChecker(_ request: NLBHealthCheckerChangeReqInfo) throws -> HealthCheckerInfo {
        let checker = try Self.healthChecker(request.HealthChecker, field: "HealthChecker")
        return try mutate { state, _ in
            var nlb = try state.existingNLB(request.IId)
            nlb.info.HealthChecker = checker
            state.nlbs[nlb.iid.SystemId] = nlb
            return checker
        }
    }

    // MARK: checks

    /// One of `values` (any case), or `fallback` when empty or "default".
    private static func choice(_ text: String?, field: String, among values: [String], default fallback: String) throws -> String {
        guard let text, !text.isEmpty, text.lowercased() != "default" else { return fallback }
        guard values.contains(text.uppercased()) else {
            throw MockError.invalid(field, "'\(text)' is not one of \(values.joined(separator: ", "))")
        }
        return text.uppercased()
    }

    /// A protocol among `protocols` and a port from 1 to 65535, normalised.
    private static func portSpec(_ spec: NLBPortReqInfo, field: String, protocols: [String]) throws -> NLBPortReqInfo {
        guard protocols.contains(spec.Protocol.uppercased()) else {
            throw MockError.invalid("\(field).Protocol", "'\(spec.Protocol)' is not one of \(protocols.joined(separator: ", "))")
        }
        guard let port = Int(spec.Port.trimmingCharacters(in: .whitespaces)), (1...65535).contains(port) else {
            throw MockError.invalid("\(field).Port", "'\(spec.Port)' is not a port from 1 to 65535")
        }
        return NLBPortReqInfo(Protocol: spec.Protocol.uppercased(), Port: String(port))
    }

    private static func healthChecker(_ spec: NLBHealthCheckerReqInfo, field: String) throws -> HealthCheckerInfo {
        let target = try portSpec(NLBPortReqInfo(Protocol: spec.Protocol, Port: spec.Port), field: field, protocols: healthCheckProtocols)
        let interval = try seconds(spec.Interval, field: "\(field).Interval", checkIntervals)
        let timeout = try seconds(spec.Timeout, field: "\(field).Timeout", checkTimeouts)
        let threshold = try seconds(spec.Threshold, field: "\(field).Threshold", checkThresholds)
        guard timeout <= interval else {
            throw MockError.invalid("\(field).Timeout", "\(timeout) s is longer than the interval of \(interval) s")
        }
        return HealthCheckerInfo(Protocol: target.Protocol, Port: target.Port, Interval: interval, Timeout: timeout, Threshold: threshold)
    }

    private static func seconds(_ text: String?, field: String, _ limits: (range: ClosedRange<Int>, default: Int)) throws -> Int {
        guard let text, !text.isEmpty, text.lowercased() != "default", text != "-1" else { return limits.default }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), limits.range.contains(value) else {
            throw MockError.invalid(field, "'\(text)' is not a whole number from \(limits.range.lowerBound) to \(limits.range.upperBound)")
        }
        return value
    }
}

extension RegionState {
    func existingNLB(_ iid: IID) throws -> NLBRecord {
        let nlb = try nlbs.require(iid, "NLB")
        return nlb
    }

    /// VMs for an NLB's group: each exists, is not terminating, is in `vpc`, and is named once.
    func groupVMs(_ iids: [IID], field: String, vpc: IID, at now: Int64) throws -> [IID] {
        var found: [IID] = []
        for (index, iid) in iids.enumerated() {
            guard let vm = self.vm(iid, at: now) else { throw MockError.notFound("VM", iid.label) }
            guard vm.status(at: now) != .Terminating else {
                throw DriverError.conflict("VM '\(vm.iid.NameId)' is Terminating; it cannot join an NLB")
            }
            guard vm.info.VpcIID.SystemId == vpc.SystemId else {
                throw MockError.invalid("\(field)[\(index)]", "VM '\(vm.iid.NameId)' is in VPC '\(vm.info.VpcIID.NameId)', "
                                        + "not in the NLB's VPC '\(vpc.NameId)'")
            }
            guard !found.contains(vm.iid) else {
                throw MockError.invalid("\(field)[\(index)]", "VM '\(vm.iid.NameId)' is named twice")
            }
            found.append(vm.iid)
        }
        return found
    }

    /// The NLBs whose VM group holds this VM.
    func nlbs(usingVM vmID: String) -> [NLBRecord] {
        nlbs.inCreationOrder.filter { $0.info.VMGroup.VMs.contains { $0.SystemId == vmID } }
    }

    /// Listener addresses, which VMs must not be given.
    var nlbAddresses: Set<String> { Set(nlbs.values.map(\.info.Listener.IP)) }
}
