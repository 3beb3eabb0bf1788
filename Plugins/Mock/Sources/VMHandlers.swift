// vm.*: VMs need a public image, a spec, a VPC with the subnet, security groups of that VPC and a
// key pair (and, on a Windows image, VMUserPasswd: WindowsLogin). States move Creating→Running, Suspending→Suspended, Resuming→Running,
// Rebooting→Running, Terminating→(gone); each transitional state lasts MockSettleMs.
// A terminating VM still uses its subnet, security groups, key pair and addresses, but no longer
// holds its name: a new VM may take it.
import SpiderDriverKit
import SpiderModels

extension MockConnection {
    /// The largest root disk the Mock hands out, in GB.
    static let maxRootDiskGB = 16_384

    func startVM(_ request: VMReqInfo) throws -> VMInfo {
        let name = try requireName(request.IId.NameId, field: "IId.NameId")
        let imageType = request.ImageType.flatMap { $0.isEmpty ? nil : $0 } ?? "PublicImage"
        switch imageType {
        case "PublicImage": break
        case "MyImage": break
        default: throw MockError.invalid("ImageType", "'\(imageType)' is not PublicImage or MyImage")
        }
        try requireIID(request.ImageIID, field: "ImageIID")
        guard !request.VMSpecName.isEmpty else { throw MockError.invalid("VMSpecName", "a VM spec is required") }
        try requireIID(request.VpcIID, field: "VpcIID")
        try requireIID(request.SubnetIID, field: "SubnetIID")
        guard !request.SecurityGroupIIDs.isEmpty else {
            throw MockError.invalid("SecurityGroupIIDs", "at least one security group is required")
        }
        for (index, iid) in request.SecurityGroupIIDs.enumerated() {
            try requireIID(iid, field: "SecurityGroupIIDs[\(index)]")
        }
        try requireIID(request.KeyPairIID, field: "KeyPairIID")

        guard Catalogue.spec(request.VMSpecName, region: region) != nil else {
            throw MockError.notFound("VM spec", request.VMSpecName, in: "region '\(region)'")
        }

        return try mutate { state, now in
            let source = try state.bootImage(imageType, request.ImageIID)
            let image = source.image
            // Windows: RDP as Administrator with the request's password (checked, never kept).
            let windows = Catalogue.platform(of: image) == "WINDOWS"
            if windows { _ = try WindowsLogin.checkedPassword(userId: request.VMUserId, password: request.VMUserPasswd) }
            let rootDiskSize = try Self.rootDiskSize(request.RootDiskSize, source)
            let rootDiskType = Self.orDefault(request.RootDiskType) ?? source.rootDiskType
            // A VM on its way out (Terminating) no longer holds its name.
            guard state.vm(named: name, at: now, includingTerminating: false) == nil else {
                throw MockError.exists("VM", name, in: "region '\(region)'")
            }
            let vpc = try state.vpcs.require(request.VpcIID, "VPC")
            guard let subnet = vpc.info.SubnetInfoList.first(where: { matches($0.IId, request.SubnetIID) }) else {
                throw MockError.notFound("subnet", request.SubnetIID.label, in: "VPC '\(vpc.iid.NameId)'")
            }
            var groups: [IID] = []
            for iid in request.SecurityGroupIIDs {
                guard let group = state.securityGroups.find(iid), group.info.VpcIID.SystemId == vpc.iid.SystemId else {
                    throw MockError.notFound("security group", iid.label, in: "VPC '\(vpc.iid.NameId)'")
                }
                if !groups.contains(group.iid) { groups.append(group.iid) }
            }
            let keyPair = try state.keyPairs.require(request.KeyPairIID, "key pair")
            let dataDisks = try state.disksForNewVM(request.DataDiskIIDs ?? [], zone: subnet.Zone, vm: name)

            let privateIP = try state.freePrivateIP(in: subnet)
            let publicIP = try state.freePublicIP()
            let id = SystemID.make("i") { state.vms[$0] != nil }
            let info = VMInfo(
                IId: IID(NameId: name, SystemId: id),
                StartTime: WallClock.rfc3339(now),
                Region: RegionInfo(Region: region, Zone: subnet.Zone),
                ImageType: imageType,
                ImageIId: source.iid,
                VMSpecName: request.VMSpecName,
                VpcIID: vpc.iid, SubnetIID: subnet.IId, SecurityGroupIIds: groups, KeyPairIId: keyPair.iid,
                RootDiskType: rootDiskType, RootDiskSize: String(rootDiskSize), RootDeviceName: "/dev/sda1",
                DataDiskIIDs: dataDisks.map(\.iid), VMBootDisk: "/dev/sda1", VMBlockDisk: "/dev/sda1",
                VMUserId: windows ? WindowsLogin.user : Self.orDefault(request.VMUserId) ?? Self.defaultVMUser,
                NetworkInterface: SystemID.make("eni") { _ in false },
                PublicIP: publicIP,
                PublicDNS: "mock-" + publicIP.replacingOccurrences(of: ".", with: "-") + ".\(region).mock.cloud",
                PrivateIP: privateIP,
                PrivateDNS: "ip-" + privateIP.replacingOccurrences(of: ".", with: "-") + ".\(region).mock.internal",
                Platform: Catalogue.platform(of: image),
                SSHAccessPoint: windows ? nil : publicIP + ":22", AccessPoint: publicIP + (windows ? ":3389" : ":22"),
                TagList: request.TagList, KeyValueList: source.keyValues)
            state.attach(dataDisks, to: info.IId)
            var record = VMRecord(sequence: state.takeSequence(), info: info, settled: .Running, transitional: nil,
                                  settleAtMs: now)
            record.begin(.Creating, settlingInto: .Running, now: now, settleMs: settings.settleMs)
            state.vms[id] = record
            return info
        }
    }

    func listVMs() -> VMList {
        VMList(snapshot().liveVMs(at: WallClock.nowMs()).map(\.info))
    }

    func getVM(_ request: IIDRequest) throws -> EncodedJSON {
        try liveVM(request.IId).stored.answer
    }

    func vmStatus(_ request: IIDRequest) throws -> VMStatusResult {
        VMStatusResult(Status: try liveVM(request.IId).status(at: WallClock.nowMs()))
    }

    func listVMStatuses() -> VMStatusList {
        let now = WallClock.nowMs()
        return VMStatusList(snapshot().liveVMs(at: now).map { VMStatusInfo(IId: $0.iid, VmStatus: $0.status(at: now)) })
    }

    /// suspend, resume, reboot, terminate: answers the transitional state. Terminating a VM that is
    /// already terminating, suspending a suspended one or resuming a running one answers the same
    /// and changes nothing.
    func controlVM(_ request: IIDRequest, _ control: VMControl) throws -> VMStatusResult {
        if let vm = snapshot().vm(request.IId, at: WallClock.nowMs()), control.isAlreadyDone(vm.status(at: WallClock.nowMs())) {
            return VMStatusResult(Status: control.transitional)   // nothing to change, nothing to save
        }
        return try mutate { state, now in
            guard var vm = state.vm(request.IId, at: now) else { throw MockError.notFound("VM", request.IId.label) }
            let current = vm.status(at: now)
            if (control == .terminate && current == .Terminating) || control.isAlreadyDone(current) {
                return VMStatusResult(Status: control.transitional)
            }
            let balancers = control == .terminate ? state.nlbs(usingVM: vm.iid.SystemId) : []
            if !balancers.isEmpty {
                throw DriverError.conflict("VM '\(vm.iid.NameId)' is in the VM group of NLB(s) " + names(balancers.map(\.iid))
                                           + "; remove it from them first")
            }
            if let required = control.required, current != required {
                throw DriverError.conflict("VM '\(vm.iid.NameId)' is \(current.rawValue); \(control.rawValue) needs "
                                           + required.rawValue)
            }
            vm.begin(control.transitional, settlingInto: control.target, now: now, settleMs: settings.settleMs)
            state.vms[vm.iid.SystemId] = vm
            if control == .terminate { state.detachDisks(fromVM: vm.iid.SystemId) }
            return VMStatusResult(Status: control.transitional)
        }
    }

    // MARK: helpers

    private func liveVM(_ iid: IID) throws -> VMRecord {
        guard let vm = snapshot().vm(iid, at: WallClock.nowMs()) else { throw MockError.notFound("VM", iid.label) }
        return vm
    }

    private func requireIID(_ iid: IID, field: String) throws {
        guard !iid.NameId.isEmpty || !iid.SystemId.isEmpty else {
            throw MockError.invalid(field, "NameId or SystemId is required")
        }
    }

    /// nil for a missing, empty or "default" value.
    private static func orDefault(_ value: String?) -> String? {
        guard let value, !value.isEmpty, value.lowercased() != "default" else { return nil }
        return value
    }

    private static func rootDiskSize(_ requested: String?, _ source: BootImage) throws -> Int {
        let imageSize = source.minimumRootGB
        guard let text = orDefault(requested) else { return imageSize }
        guard let size = Int(text), (imageSize...maxRootDiskGB).contains(size) else {
            throw MockError.invalid("RootDiskSize", "'\(text)' must be a whole number of GB from \(imageSize) "
                                    + "(the root disk of \(source.label)) to \(maxRootDiskGB)")
        }
        return size
    }
}

extension RegionState {
    /// The VM an IID names, unless it is gone. By SystemId when given; else by NameId, preferring
    /// a VM that is not terminating, then the newest.
    func vm(_ iid: IID, at now: Int64) -> VMRecord? {
        if !iid.SystemId.isEmpty {
            guard let vm = vms[iid.SystemId], !vm.isGone(at: now) else { return nil }
            return vm
        }
        return vm(named: iid.NameId, at: now, includingTerminating: false)
            ?? vm(named: iid.NameId, at: now, includingTerminating: true)
    }

    func vm(named name: String, at now: Int64, includingTerminating: Bool) -> VMRecord? {
        guard !name.isEmpty else { return nil }
        return vms.values.filter { vm in
            guard vm.iid.NameId == name, !vm.isGone(at: now) else { return false }
            return includingTerminating || vm.status(at: now) != .Terminating
        }.max { $0.sequence < $1.sequence }
    }

    /// The lowest free assignable address of a subnet.
    func freePrivateIP(in subnet: SubnetInfo) throws -> String {
        let cidr = try IPv4CIDR(subnet.IPv4_CIDR, field: "subnet IPv4_CIDR")
        let used = Set(vms.values.filter { $0.info.SubnetIID.SystemId == subnet.IId.SystemId }.map(\.info.PrivateIP))
            .union(nlbAddresses)
        if let range = cidr.assignable {
            for address in range where !used.contains(IPv4CIDR.format(address)) {
                return IPv4CIDR.format(address)
            }
        }
        throw DriverError.conflict("subnet '\(subnet.IId.NameId)' (\(cidr)) has no free address")
    }

    /// Public addresses come from the documentation blocks (TEST-NET-3, -2, -1), then 100.64.0.0/10.
    static let publicPools: [(base: UInt32, hosts: ClosedRange<UInt32>)] = [
        (0xCB00_7100, 1...254),      // 203.0.113.0/24
        (0xC633_6400, 1...254),      // 198.51.100.0/24
        (0xC000_0200, 1...254),      // 192.0.2.0/24
        (0x6440_0000, 1...0x3F_FFFE), // 100.64.0.0/10
    ]

    func freePublicIP() throws -> String {
        let used = Set(vms.values.map(\.info.PublicIP)).union(nlbAddresses)
        for pool in Self.publicPools {
            for host in pool.hosts {
                let address = IPv4CIDR.format(pool.base + host)
                if !used.contains(address) { return address }
            }
        }
        throw DriverError.retryable("no public IP address is free in region", afterMs: 1000)
    }
}
