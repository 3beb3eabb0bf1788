// regionzone.*: Keystone's regions, each with the availability zones its Nova reports (a region
// whose catalogue has no compute service has no zones). Zone `available` → Available, else Unavailable.
import Foundation
import SpiderDriverKit
import SpiderModels

extension OpenStackConnection {
    func listRegionZones(_ context: CallContext) throws -> RegionZoneList {
        let regions = try keystoneRegions(context)
        return RegionZoneList(try regions.map { region in
            Self.regionZone(region, zones: try novaZones(in: region["id"].string, context))
        })
    }

    func getRegionZone(_ request: NameRequest, _ context: CallContext) throws -> RegionZoneInfo {
        guard let region = try keystoneRegions(context).first(where: { $0["id"].string == request.Name }) else {
            throw DriverError.notFound("region '\(request.Name)' does not exist in this OpenStack's Keystone")
        }
        return Self.regionZone(region, zones: try novaZones(in: request.Name, context))
    }

    func originalRegions(_ context: CallContext) throws -> [String: JSONValue] {
        ["RegionInfo": .array(try keystoneRegions(context).map(\.jsonValue))]
    }

    /// The connection's region's zones; every region's on a pre-connection.
    func originalZones(_ context: CallContext) throws -> [String: JSONValue] {
        let regions = try settings.region.map { [$0] } ?? keystoneRegions(context).map { $0["id"].string }
        return ["ZoneInfo": .array(try regions.flatMap { try novaZones(in: $0, context) }.map(\.jsonValue))]
    }

    // MARK: calls

    func keystoneRegions(_ context: CallContext) throws -> [JSON] {
        try api.call(.identity, "GET", "/regions", context: context)["regions"].array
    }

    /// Nova's zones in `region`; none when the region has no compute endpoint.
    func novaZones(in region: String, _ context: CallContext) throws -> [JSON] {
        let token = try api.session.token(context)
        guard (try? token.catalog.url(types: OpenStackService.compute.types, interface: settings.interface, region: region)) != nil else {
            return []
        }
        return try api.call(.compute, "GET", "/os-availability-zone", inRegion: region, context: context)["availabilityZoneInfo"].array
    }

    // MARK: shapes

    static func regionZone(_ region: JSON, zones: [JSON]) -> RegionZoneInfo {
        let name = region["id"].string
        var keyValues: [KeyValue] = []
        if !region["description"].string.isEmpty { keyValues.append(KeyValue(Key: "Description", Value: region["description"].string)) }
        if !region["parent_region_id"].string.isEmpty {
            keyValues.append(KeyValue(Key: "ParentRegionId", Value: region["parent_region_id"].string))
        }
        return RegionZoneInfo(Name: name, DisplayName: name, CSPDisplayName: name, ZoneList: zones.map(zone),
                              KeyValueList: keyValues.isEmpty ? nil : keyValues)
    }

    static func zone(_ zone: JSON) -> ZoneInfo {
        let name = zone["zoneName"].string
        let available = zone["zoneState"]["available"].bool
        return ZoneInfo(Name: name, DisplayName: name, CSPDisplayName: name,
                        Status: available == nil ? "StatusNotSupported" : (available! ? "Available" : "Unavailable"),
                        KeyValueList: nil)
    }
}
