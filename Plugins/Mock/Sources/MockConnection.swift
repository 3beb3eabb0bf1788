// One connection: a tenant seen from one region, with its fault-injection knobs.
// The operation table below lists every operation the Mock answers.
import SpiderDriverKit
import SpiderModels

final class MockConnection: DriverConnection {
    let settings: ConnectionSettings
    let tenant: Tenant

    init(settings: ConnectionSettings, tenant: Tenant) {
        self.settings = settings
        self.tenant = tenant
    }

    /// The connection's region; "" on a pre-connection, where only regionzone.* runs.
    var region: String { settings.region?.name ?? "" }
    var isPreConnection: Bool { settings.region == nil }

    /// This connection's region, as it is now (no file I/O).
    func snapshot() -> RegionState { tenant.snapshot(region) }

    /// Changes this connection's region and saves the tenant.
    func mutate<T>(_ body: (inout RegionState, Int64) throws -> T) throws -> T {
        try tenant.mutate(region, body)
    }

    // Reads answer from memory, so the host may try them on its I/O thread (`read`);
    // changes save the tenant's file and always run on a worker thread (`mock`).
    static let operations = Operations<MockConnection>()
        // Catalogue
        .read("regionzone.list") { (c, _: EmptyRequest) in c.listRegionZones() }
        .read("regionzone.get") { (c, r: NameRequest) in try c.getRegionZone(r) }
        .read("regionzone.org.list") { (c, _: EmptyRequest) in c.originalRegions() }
        .read("regionzone.org.zones") { (c, _: EmptyRequest) in c.originalZones() }
        .read("image.list") { (c, _: EmptyRequest) in c.listImages() }
        .read("image.get") { (c, r: NameRequest) in try c.getImage(r) }
        .read("vmspec.list") { (c, _: EmptyRequest) in c.listSpecs() }
        .read("vmspec.get") { (c, r: NameRequest) in try c.getSpec(r) }
        .read("vmspec.org.list") { (c, _: EmptyRequest) in c.originalSpecs() }
        .read("vmspec.org.get") { (c, r: NameRequest) in try c.originalSpec(r) }
        // VPCs and subnets
        .mock("vpc.create") { (c, r: VPCReqInfo) in try c.createVPC(r) }
        .read("vpc.list") { (c, _: EmptyRequest) in c.listVPCs() }
        .read("vpc.get") { (c, r: IIDRequest) in try c.getVPC(r) }
        .mock("vpc.delete") { (c, r: IIDRequest) in try c.deleteVPC(r) }
        .mock("vpc.subnet.add") { (c, r: SubnetAddReqInfo) in try c.addSubnet(r) }
        .mock("vpc.subnet.remove") { (c, r: SubnetRemoveReqInfo) in try c.removeSubnet(r) }
        // Security groups
        .mock("sg.create") { (c, r: SecurityReqInfo) in try c.createSecurityGroup(r) }
        .read("sg.list") { (c, _: EmptyRequest) in c.listSecurityGroups() }
        .read("sg.get") { (c, r: IIDRequest) in try c.getSecurityGroup(r) }
        .mock("sg.delete") { (c, r: IIDRequest) in try c.deleteSecurityGroup(r) }
        .mock("sg.rules.add") { (c, r: SecurityRulesReqInfo) in try c.addRules(r) }
        .mock("sg.rules.remove") { (c, r: SecurityRulesReqInfo) in try c.removeRules(r) }
        // Key pairs
        .mock("keypair.create") { (c, r: KeyPairReqInfo) in try c.createKeyPair(r) }
        .read("keypair.list") { (c, _: EmptyRequest) in c.listKeyPairs() }
        .read("keypair.get") { (c, r: IIDRequest) in try c.getKeyPair(r) }
        .mock("keypair.delete") { (c, r: IIDRequest) in try c.deleteKeyPair(r) }
        // VMs
        .mock("vm.start") { (c, r: VMReqInfo) in try c.startVM(r) }
        .read("vm.list") { (c, _: EmptyRequest) in c.listVMs() }
        .read("vm.get") { (c, r: IIDRequest) in try c.getVM(r) }
        .read("vm.status") { (c, r: IIDRequest) in try c.vmStatus(r) }
        .read("vm.status.list") { (c, _: EmptyRequest) in c.listVMStatuses() }
        .mock("vm.suspend") { (c, r: IIDRequest) in try c.controlVM(r, .suspend) }
        .mock("vm.resume") { (c, r: IIDRequest) in try c.controlVM(r, .resume) }
        .mock("vm.reboot") { (c, r: IIDRequest) in try c.controlVM(r, .reboot) }
        .mock("vm.terminate") { (c, r: IIDRequest) in try c.controlVM(r, .terminate) }
        // Prices, VM metrics and tags
        .read("price.productfamily.list") { (c, r: PriceRegionRequest) in try c.listProductFamilies(r) }
        .read("price.vm.list") { (c, r: PriceListRequest) in try c.listPrices(r) }
        .read("monitoring.vm.get") { (c, r: VMMonitoringRequest) in try c.vmMetrics(r) }
        .mock("tag.add") { (c, r: TagAddReqInfo) in try c.addTag(r) }
        .read("tag.list") { (c, r: TagTargetRequest) in try c.listTags(r) }
        .read("tag.get") { (c, r: TagKeyReqInfo) in try c.getTag(r) }
        .mock("tag.remove") { (c, r: TagKeyReqInfo) in try c.removeTag(r) }
        .read("tag.find") { (c, r: TagFindReqInfo) in try c.findTags(r) }
        // Disks
        .mock("disk.create") { (c, r: DiskReqInfo) in try c.createDisk(r) }
        .read("disk.list") { (c, _: EmptyRequest) in c.listDisks() }
        .read("disk.get") { (c, r: IIDRequest) in try c.getDisk(r) }
        .mock("disk.delete") { (c, r: IIDRequest) in try c.deleteDisk(r) }
        .mock("disk.resize") { (c, r: DiskResizeReqInfo) in try c.resizeDisk(r) }
        .mock("disk.attach") { (c, r: DiskAttachReqInfo) in try c.attachDisk(r) }
        .mock("disk.detach") { (c, r: DiskAttachReqInfo) in try c.detachDisk(r) }
        // MyImages
        .mock("myimage.snapshot") { (c, r: MyImageReqInfo) in try c.snapshotVM(r) }
        .read("myimage.list") { (c, _: EmptyRequest) in c.listMyImages() }
        .read("myimage.get") { (c, r: IIDRequest) in try c.getMyImage(r) }
        .mock("myimage.delete") { (c, r: IIDRequest) in try c.deleteMyImage(r) }
        // Network load balancers
        .mock("nlb.create") { (c, r: NLBReqInfo) in try c.createNLB(r) }
        .read("nlb.list") { (c, _: EmptyRequest) in c.listNLBs() }
        .read("nlb.get") { (c, r: IIDRequest) in try c.getNLB(r) }
        .mock("nlb.delete") { (c, r: IIDRequest) in try c.deleteNLB(r) }
        .mock("nlb.vms.add") { (c, r: NLBVMsReqInfo) in try c.addNLBVMs(r) }
        .mock("nlb.vms.remove") { (c, r: NLBVMsReqInfo) in try c.removeNLBVMs(r) }
        .read("nlb.health") { (c, r: IIDRequest) in try c.nlbHealth(r) }
        .mock("nlb.listener.change") { (c, r: NLBListenerChangeReqInfo) in try c.changeNLBListener(r) }
        .mock("nlb.vmgroup.change") { (c, r: NLBVMGroupChangeReqInfo) in try c.changeNLBVMGroup(r) }
        .mock("nlb.healthchecker.change") { (c, r: NLBHealthCheckerChangeReqInfo) in try c.changeNLBHealthChecker(r) }
        // Managed Kubernetes clusters
        .mock("cluster.create") { (c, r: ClusterReqInfo) in try c.createCluster(r) }
        .read("cluster.list") { (c, _: EmptyRequest) in c.listClusters() }
        .read("cluster.get") { (c, r: IIDRequest) in try c.getCluster(r) }
        .mock("cluster.delete") { (c, r: IIDRequest) in try c.deleteCluster(r) }
        .mock("cluster.nodegroup.add") { (c, r: NodeGroupAddReqInfo) in try c.addNodeGroup(r) }
        .mock("cluster.nodegroup.remove") { (c, r: NodeGroupTargetReqInfo) in try c.removeNodeGroup(r) }
        .mock("cluster.nodegroup.autoscaling") { (c, r: NodeGroupAutoScalingReqInfo) in try c.setNodeGroupAutoScaling(r) }
        .mock("cluster.nodegroup.resize") { (c, r: NodeGroupResizeReqInfo) in try c.resizeNodeGroup(r) }
        .mock("cluster.upgrade") { (c, r: ClusterUpgradeReqInfo) in try c.upgradeCluster(r) }
        .read("cluster.token") { (c, r: IIDRequest) in try c.clusterToken(r) }
        // Counts of everything, in one call (the host's dashboard)
        .read("resource.count") { (c, _: EmptyRequest) in c.countResources() }
}

extension Operations where Connection == MockConnection {
    /// Registers an operation that changes nothing and may be answered at once.
    fileprivate func read<Request: Decodable & Sendable, Result: Encodable & Sendable>(
        _ name: String, _ body: @escaping @Sendable (MockConnection, Request) throws -> Result
    ) -> Operations {
        mock(name, immediate: true, body)
    }

    /// Registers an operation that first pays the connection's injected latency and failures.
    fileprivate func mock<Request: Decodable & Sendable, Result: Encodable & Sendable>(
        _ name: String, immediate: Bool = false, _ body: @escaping @Sendable (MockConnection, Request) throws -> Result
    ) -> Operations {
        let needsRegion = !name.hasPrefix("regionzone.")
        return on(name, immediate: immediate) { (connection: MockConnection, request: Request, context: CallContext) in
            if needsRegion && connection.isPreConnection {
                throw DriverError.invalidArgument("\(name) needs a region; this pre-connection has none and answers regionzone.* only")
            }
            try connection.settings.faults.apply(context, operation: name)
            return try body(connection, request)
        }
    }
}
