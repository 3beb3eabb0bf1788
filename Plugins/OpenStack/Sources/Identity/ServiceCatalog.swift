// Keystone's service catalogue: which URL answers for a service type in a region on an interface.
import SpiderDriverKit

struct ServiceCatalog: Sendable {
    struct Endpoint: Sendable, Equatable {
        let type: String
        let interface: String
        let region: String
        let url: String
    }

    let endpoints: [Endpoint]

    init(endpoints: [Endpoint]) { self.endpoints = endpoints }

    /// The catalogue of a token's body (`token.catalog`).
    init(_ catalog: JSON) {
        var list: [Endpoint] = []
        for service in catalog.array {
            for endpoint in service["endpoints"].array {
                let region = endpoint["region_id"].string.isEmpty ? endpoint["region"].string : endpoint["region_id"].string
                list.append(Endpoint(type: service["type"].string, interface: endpoint["interface"].string,
                                     region: region, url: endpoint["url"].string))
            }
        }
        endpoints = list
    }

    /// The URL of the first of `types` on `interface` in `region` (any region when nil), without a
    /// trailing slash; NOT_FOUND naming what is missing when the cloud has none.
    func url(types: [String], interface: String, region: String?) throws -> String {
        for type in types {
            let candidates = endpoints.filter { $0.type == type && $0.interface == interface }
            if let match = candidates.first(where: { region == nil || $0.region == region }) {
                var url = match.url
                while url.hasSuffix("/") { url.removeLast() }
                return url
            }
        }
        let regions = Set(endpoints.filter { types.contains($0.type) }.map(\.region)).sorted()
        let whereText = region.map { " in region '\($0)'" } ?? ""
        let others = regions.isEmpty ? "the catalogue has no such service"
                                     : "the catalogue has it in: \(regions.joined(separator: ", "))"
        throw DriverError.notFound("OpenStack service '\(types[0])' has no \(interface) endpoint\(whereText) (\(others))")
    }

    /// Region IDs the catalogue mentions, sorted.
    var regions: [String] { Set(endpoints.map(\.region).filter { !$0.isEmpty }).sorted() }
}
