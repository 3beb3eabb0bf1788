// One connection: credentials, a region (none on a pre-connection) and an HTTP client whose
// connections stay open between calls. The operation table lists every operation AWS answers.
import SpiderDriverHTTP
import SpiderDriverKit
import SpiderModels

final class AWSConnection: DriverConnection {
    let settings: AWSSettings
    let http: HTTPClient
    /// Catalogue caches and reboots in flight (compute operations).
    let compute = ComputeState()
    /// Facts learnt from this connection's own creates (subnets' VPCs, VPC parts, key pairs).
    let known = KnownResources()

    init(settings: AWSSettings, http: HTTPClient) {
        self.settings = settings
        self.http = http
    }

    /// EC2 in the connection's region (the fallback region on a pre-connection).
    func ec2() throws -> EC2Client { try ec2(in: settings.region ?? AWSSettings.fallbackRegion) }

    func ec2(in region: String) throws -> EC2Client {
        try EC2Client(http: http, credentials: settings.credentials, region: region, endpointOverride: settings.endpoint)
    }

    static let operations = Operations<AWSConnection>()
        // Regions and zones (also on a pre-connection)
        .aws("regionzone.list", needsRegion: false) { (c, _: EmptyRequest, ctx) in try c.listRegionZones(ctx) }
        .aws("regionzone.get", needsRegion: false) { (c, r: NameRequest, ctx) in try c.getRegionZone(r, ctx) }
        .aws("regionzone.org.list", needsRegion: false) { (c, _: EmptyRequest, ctx) in try c.originalRegions(ctx) }
        .aws("regionzone.org.zones", needsRegion: false) { (c, _: EmptyRequest, ctx) in try c.originalZones(ctx) }
        // VPCs and subnets
        .aws("vpc.create") { (c, r: VPCReqInfo, ctx) in try c.createVPC(r, ctx) }
        .aws("vpc.list") { (c, _: EmptyRequest, ctx) in try c.listVPCs(ctx) }
        .aws("vpc.get") { (c, r: IIDRequest, ctx) in try c.getVPC(r, ctx) }
        .aws("vpc.delete") { (c, r: IIDRequest, ctx) in try c.deleteVPC(r, ctx) }
        .aws("vpc.subnet.add") { (c, r: SubnetAddReqInfo, ctx) in try c.addSubnet(r, ctx) }
        .aws("vpc.subnet.remove") { (c, r: SubnetRemoveReqInfo, ctx) in try c.removeSubnet(r, ctx) }
        // Security groups
        .aws("sg.create") { (c, r: SecurityReqInfo, ctx) in try c.createSecurityGroup(r, ctx) }
        .aws("sg.list") { (c, _: EmptyRequest, ctx) in try c.listSecurityGroups(ctx) }
        .aws("sg.get") { (c, r: IIDRequest, ctx) in try c.getSecurityGroup(r, ctx) }
        .aws("sg.delete") { (c, r: IIDRequest, ctx) in try c.deleteSecurityGroup(r, ctx) }
        .aws("sg.rules.add") { (c, r: SecurityRulesReqInfo, ctx) in try c.addRules(r, ctx) }
        .aws("sg.rules.remove") { (c, r: SecurityRulesReqInfo, ctx) in try c.removeRules(r, ctx) }
        // Key pairs
        .aws("keypair.create") { (c, r: AWSKeyPairReqInfo, ctx) in try c.createKeyPair(r, ctx) }
        .aws("keypair.list") { (c, _: EmptyRequest, ctx) in try c.listKeyPairs(ctx) }
        .aws("keypair.get") { (c, r: IIDRequest, ctx) in try c.getKeyPair(r, ctx) }
        .aws("keypair.delete") { (c, r: IIDRequest, ctx) in try c.deleteKeyPair(r, ctx) }
        .storageOperations()
        .computeOperations()
        .nlbMonitoringOperations()
        .priceOperations()
        .clusterOperations()
}

extension Operations where Connection == AWSConnection {
    /// Registers an operation that calls AWS (never immediate: every one does network I/O).
    /// Outside regionzone.*, a pre-connection answers INVALID_ARGUMENT.
    func aws<Request: Decodable & Sendable, Result: Encodable & Sendable>(
        _ name: String, needsRegion: Bool = true,
        _ body: @escaping @Sendable (AWSConnection, Request, CallContext) throws -> Result
    ) -> Operations {
        on(name) { (connection: AWSConnection, request: Request, context: CallContext) in
            if needsRegion && connection.settings.region == nil {
                throw DriverError.invalidArgument("\(name) needs a region; this pre-connection has none and answers regionzone.* only")
            }
            try context.checkCancelled()
            return try body(connection, request, context)
        }
    }
}
