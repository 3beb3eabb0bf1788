// What a connection config says: tenant, region, zone, and the Mock's tuning knobs.
import SpiderDriverKit

struct ConnectionSettings: Sendable {
    /// The tenant: connections with the same MockName share one cloud.
    let mockName: String
    /// nil on a pre-connection (no region keys at all), which answers regionzone.* only.
    let region: Catalogue.Region?
    /// The default zone for new subnets (the region's first zone unless `Zone` says otherwise).
    let zone: String
    /// How long a VM's transitional state lasts (`MockSettleMs`, default 0).
    let settleMs: Int64
    let faults: FaultInjector
    /// How long connecting takes (`MockConnectLatencyMs`, default 0): a cloud slow to reach.
    let connectLatencyMs: Int

    static let maxLatencyMs = 600_000
    static let maxConnectLatencyMs = 60_000
    static let maxSettleMs = 86_400_000

    init(_ info: ConnectionInfo) throws {
        mockName = try info.credential("MockName")
        let latency = try Self.integer(info, "MockLatencyMs", max: Self.maxLatencyMs)
        settleMs = Int64(try Self.integer(info, "MockSettleMs", max: Self.maxSettleMs))
        faults = try Self.faults(info, latencyMs: latency)
        connectLatencyMs = try Self.integer(info, "MockConnectLatencyMs", max: Self.maxConnectLatencyMs)

        if info.region.isEmpty {  // a pre-connection: the host asks which regions exist
            region = nil
            zone = ""
            return
        }
        guard let regionName = info.option("Region"), !regionName.isEmpty else {
            throw DriverError.invalidArgument("region key 'Region' is missing or empty")
        }
        guard let region = Catalogue.region(regionName) else {
            let known = Catalogue.regions.map(\.name).joined(separator: ", ")
            throw DriverError.invalidArgument("region key 'Region': unknown region '\(regionName)' (known: \(known))")
        }
        self.region = region

        if let zone = info.option("Zone"), !zone.isEmpty {
            guard region.zones.contains(where: { $0.name == zone }) else {
                let known = region.zones.map(\.name).joined(separator: ", ")
                throw DriverError.invalidArgument(
                    "region key 'Zone': zone '\(zone)' is not in region '\(region.name)' (known: \(known))")
            }
            self.zone = zone
        } else {
            self.zone = region.zones[0].name
        }
    }

    private static func faults(_ info: ConnectionInfo, latencyMs latency: Int) throws -> FaultInjector {
        var failureRate = 0.0
        var failureRateText = "0"
        if let text = Self.trimmed(info.option("MockFailureRate")) {
            guard let rate = Double(text), rate.isFinite, (0...1).contains(rate) else {
                throw DriverError.invalidArgument("key 'MockFailureRate': '\(text)' is not a number from 0.0 to 1.0")
            }
            failureRate = rate
            failureRateText = text
        }
        return FaultInjector(latencyMs: latency, failureRate: failureRate, failureRateText: failureRateText,
                             crashOn: Self.trimmed(info.option("MockCrashOn")),
                             rendezvous: try Self.trimmed(info.option("MockRendezvous")).map(RendezvousSetting.init(parsing:)))
    }

    private static func integer(_ info: ConnectionInfo, _ key: String, max: Int) throws -> Int {
        guard let text = trimmed(info.option(key)) else { return 0 }
        guard let value = Int(text), (0...max).contains(value) else {
            throw DriverError.invalidArgument("key '\(key)': '\(text)' is not a whole number of milliseconds from 0 to \(max)")
        }
        return value
    }

    private static func trimmed(_ value: String?) -> String? {
        guard let value else { return nil }
        let text = value.trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? nil : text
    }
}
