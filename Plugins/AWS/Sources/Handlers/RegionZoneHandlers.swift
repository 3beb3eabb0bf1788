// regionzone.*: DescribeRegions, and DescribeAvailabilityZones asked of each region (a region
// answers only for its own zones), in parallel. Zone state `available` → Available, any other
// (information, impaired, unavailable, constrained) → Unavailable.
import Foundation
import SpiderDriverKit
import SpiderModels
import Synchronization

extension AWSConnection {
    func listRegionZones(_ context: CallContext) throws -> RegionZoneList {
        let regions = try describeRegions(context)
        let zones = try zonesByRegion(regions.map { $0.string("regionName") }, context)
        return RegionZoneList(regions.map { Self.regionZone($0, zones: zones[$0.string("regionName")] ?? []) })
    }

    func getRegionZone(_ request: NameRequest, _ context: CallContext) throws -> RegionZoneInfo {
        guard let region = try describeRegions(context).first(where: { $0.string("regionName") == request.Name }) else {
            throw DriverError.notFound("region '\(request.Name)' does not exist or is not enabled for this account")
        }
        return Self.regionZone(region, zones: try describeZones(in: request.Name, context))
    }

    func originalRegions(_ context: CallContext) throws -> [String: JSONValue] {
        ["RegionInfo": .array(try describeRegions(context).map(\.json))]
    }

    /// The connection's region's zones; every region's on a pre-connection.
    func originalZones(_ context: CallContext) throws -> [String: JSONValue] {
        if let region = settings.region {
            return ["ZoneInfo": .array(try describeZones(in: region, context).map(\.json))]
        }
        let names = try describeRegions(context).map { $0.string("regionName") }
        let zones = try zonesByRegion(names, context)
        return ["ZoneInfo": .array(names.flatMap { zones[$0] ?? [] }.map(\.json))]
    }

    // MARK: EC2 calls

    func describeRegions(_ context: CallContext) throws -> [XMLNode] {
        try ec2().call("DescribeRegions", context: context).items("regionInfo")
    }

    func describeZones(in region: String, _ context: CallContext) throws -> [XMLNode] {
        try ec2(in: region).call("DescribeAvailabilityZones", context: context).items("availabilityZoneInfo")
    }

    /// Zones of each region, asked concurrently (a handful of threads; the first error wins).
    private func zonesByRegion(_ regions: [String], _ context: CallContext) throws -> [String: [XMLNode]] {
        let results = Mutex<[String: Result<[XMLNode], any Error>]>([:])
        let next = Atomic<Int>(0)
        let workers = min(8, regions.count)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < regions.count else { return }
                let region = regions[index]
                let result = Result { try describeZones(in: region, context) }
                results.withLock { $0[region] = result }
                if case .failure = result { return }
            }
        }
        var out: [String: [XMLNode]] = [:]
        for region in regions {
            guard let result = results.withLock({ $0[region] }) else { continue }
            out[region] = try result.get()
        }
        return out
    }

    // MARK: shapes

    static func regionZone(_ region: XMLNode, zones: [XMLNode]) -> RegionZoneInfo {
        let name = region.string("regionName")
        var keyValues = [KeyValue(Key: "Endpoint", Value: region.string("regionEndpoint"))]
        if !region.string("optInStatus").isEmpty { keyValues.append(KeyValue(Key: "OptInStatus", Value: region.string("optInStatus"))) }
        return RegionZoneInfo(Name: name, DisplayName: name, CSPDisplayName: name,
                              ZoneList: zones.map(zone), KeyValueList: keyValues)
    }

    static func zone(_ zone: XMLNode) -> ZoneInfo {
        let name = zone.string("zoneName")
        var keyValues: [KeyValue] = []
        for (key, field) in [("ZoneId", "zoneId"), ("ZoneType", "zoneType"), ("State", "zoneState"), ("OptInStatus", "optInStatus")] {
            let value = zone.string(field)
            if !value.isEmpty { keyValues.append(KeyValue(Key: key, Value: value)) }
        }
        return ZoneInfo(Name: name, DisplayName: name, CSPDisplayName: name,
                        Status: zoneStatus(zone.string("zoneState")), KeyValueList: keyValues)
    }

    static func zoneStatus(_ state: String) -> String {
        switch state {
        case "available": "Available"
        case "": "StatusNotSupported"
        default: "Unavailable"
        }
    }
}
