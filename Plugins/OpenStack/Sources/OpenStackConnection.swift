// One connection: a Keystone session (token and catalogue) and an HTTP client whose connections
// stay open between calls. The operation table lists every operation OpenStack answers here.
import SpiderDriverHTTP
import SpiderDriverKit
import SpiderModels

final class OpenStackConnection: DriverConnection {
    let settings: OpenStackSettings
    let api: OpenStackAPI
    /// The external network, found once (it does not move).
    let externalNetworkCache = OnceValue<String>()
    /// What a VM start looks up, kept for ten minutes: flavors and images by the name asked for,
    /// key pairs' public keys (for cb-user). A boot that OpenStack refuses forgets its entries.
    let flavorLookups = RememberedLookups<JSON>(lifetime: .seconds(600))
    let imageLookups = RememberedLookups<JSON>(lifetime: .seconds(600))
    let publicKeys = RememberedLookups<String>(lifetime: .seconds(600))

    init(settings: OpenStackSettings, http: HTTPClient) {
        self.settings = settings
        let session = KeystoneSession(settings: settings, http: http)
        api = OpenStackAPI(session: session, http: http, region: settings.region)
    }

    static let operations = Operations<OpenStackConnection>()
        // Regions and zones (also on a pre-connection)
        .openstack("regionzone.list", needsRegion: false) { (c, _: EmptyRequest, ctx) in try c.listRegionZones(ctx) }
        .openstack("regionzone.get", needsRegion: false) { (c, r: NameRequest, ctx) in try c.getRegionZone(r, ctx) }
        .openstack("regionzone.org.list", needsRegion: false) { (c, _: EmptyRequest, ctx) in try c.originalRegions(ctx) }
        .openstack("regionzone.org.zones", needsRegion: false) { (c, _: EmptyRequest, ctx) in try c.originalZones(ctx) }
        // Public images and VM specs (flavors)
        .openstack("image.list") { (c, _: EmptyRequest, ctx) in try c.listImages(ctx) }
        .openstack("image.get") { (c, r: NameRequest, ctx) in try c.getImage(r, ctx) }
        .openstack("vmspec.list") { (c, _: EmptyRequest, ctx) in try c.listVMSpecs(ctx) }
        .openstack("vmspec.get") { (c, r: NameRequest, ctx) in try c.getVMSpec(r, ctx) }
        .openstack("vmspec.org.list") { (c, _: EmptyRequest, ctx) in try c.originalVMSpecs(ctx) }
        .openstack("vmspec.org.get") { (c, r: NameRequest, ctx) in try c.originalVMSpec(r, ctx) }
        // VPCs (network + subnets + router) and subnets
        .openstack("vpc.create") { (c, r: VPCReqInfo, ctx) in try c.createVPC(r, ctx) }
        .openstack("vpc.list") { (c, _: EmptyRequest, ctx) in try c.listVPCs(ctx) }
        .openstack("vpc.get") { (c, r: IIDRequest, ctx) in try c.getVPC(r, ctx) }
        .openstack("vpc.delete") { (c, r: IIDRequest, ctx) in try c.deleteVPC(r, ctx) }
        .openstack("vpc.subnet.add") { (c, r: SubnetAddReqInfo, ctx) in try c.addSubnet(r, ctx) }
        .openstack("vpc.subnet.remove") { (c, r: SubnetRemoveReqInfo, ctx) in try c.removeSubnet(r, ctx) }
        // Security groups
        .openstack("sg.create") { (c, r: SecurityReqInfo, ctx) in try c.createSecurityGroup(r, ctx) }
        .openstack("sg.list") { (c, _: EmptyRequest, ctx) in try c.listSecurityGroups(ctx) }
        .openstack("sg.get") { (c, r: IIDRequest, ctx) in try c.getSecurityGroup(r, ctx) }
        .openstack("sg.delete") { (c, r: IIDRequest, ctx) in try c.deleteSecurityGroup(r, ctx) }
        .openstack("sg.rules.add") { (c, r: SecurityRulesReqInfo, ctx) in try c.addRules(r, ctx) }
        .openstack("sg.rules.remove") { (c, r: SecurityRulesReqInfo, ctx) in try c.removeRules(r, ctx) }
        // Key pairs
        .openstack("keypair.create") { (c, r: KeyPairReqInfo, ctx) in try c.createKeyPair(r, ctx) }
        .openstack("keypair.list") { (c, _: EmptyRequest, ctx) in try c.listKeyPairs(ctx) }
        .openstack("keypair.get") { (c, r: IIDRequest, ctx) in try c.getKeyPair(r, ctx) }
        .openstack("keypair.delete") { (c, r: IIDRequest, ctx) in try c.deleteKeyPair(r, ctx) }
        .computeOperations()
        .storageOperations()
        .nlbOperations()
}

extension Operations where Connection == OpenStackConnection {
    /// Registers an operation that calls OpenStack (never immediate: every one does network I/O).
    /// Outside regionzone.*, a pre-connection answers INVALID_ARGUMENT.
    func openstack<Request: Decodable & Sendable, Result: Encodable & Sendable>(
        _ name: String, needsRegion: Bool = true,
        _ body: @escaping @Sendable (OpenStackConnection, Request, CallContext) throws -> Result
    ) -> Operations {
        on(name) { (connection: OpenStackConnection, request: Request, context: CallContext) in
            if needsRegion && connection.settings.region == nil {
                throw DriverError.invalidArgument("\(name) needs a region; this pre-connection has none and answers regionzone.* only")
            }
            try context.checkCancelled()
            return try body(connection, request, context)
        }
    }
}
