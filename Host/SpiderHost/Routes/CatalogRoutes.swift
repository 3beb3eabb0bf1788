// What a cloud offers — regions/zones, public images, VM specs — read through the driver.
import SpiderModels

enum CatalogRoutes {
    static func add(to r: inout Router) {
        catalog(&r, "/spider/regionzone", param: "Name", \.regionZoneHandler, "regionZoneHandler",
                list: ("regionzone.list", RegionZoneList.self), get: ("regionzone.get", RegionZoneInfo.self))
        catalog(&r, "/spider/vmimage", param: "Name", \.imageHandler, "imageHandler",
                list: ("image.list", ImageList.self), get: ("image.get", ImageInfo.self))
        catalog(&r, "/spider/vmspec", param: "Name", \.vmspecHandler, "vmspecHandler",
                list: ("vmspec.list", VMSpecList.self), get: ("vmspec.get", VMSpecInfo.self))
    }

    /// A list route and a get-by-name route over two driver operations.
    private static func catalog<L: Codable & Sendable, G: Codable & Sendable>(
        _ r: inout Router, _ base: String, param: String,
        _ capability: KeyPath<DriverCapabilities, Bool> & Sendable, _ capabilityName: String,
        list: (String, L.Type), get: (String, G.Type)
    ) {
        r.add(.GET, base) { app, req in
            let gw = try DriverGateway(app, req, needs: capability, named: capabilityName)
            return try gw.answer(list.0, EmptyResult(), as: L.self)
        }
        r.add(.GET, base + "/{\(param)}") { app, req in
            let gw = try DriverGateway(app, req, needs: capability, named: capabilityName)
            return try gw.answer(get.0, NameRequest(Name: req.parameter(param)), as: G.self)
        }
    }
}
