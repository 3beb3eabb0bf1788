// What a cloud offers — regions/zones, public images, VM specs — read through the driver.
// Image and spec catalogues are served from the CatalogCache; region data is small and is not.
import Foundation
import SpiderModels

enum CatalogRoutes {
    static func add(to r: inout Router) {
        catalog(&r, "/spider/regionzone", param: "Name", \.regionZoneHandler, "regionZoneHandler",
                list: ("regionzone.list", RegionZoneList.self), get: ("regionzone.get", RegionZoneInfo.self))
        raw(&r, "/spider/orgregion", \.regionZoneHandler, "regionZoneHandler", "regionzone.org.list", OriginalRegionList.self)
        raw(&r, "/spider/orgzone", \.regionZoneHandler, "regionZoneHandler", "regionzone.org.zones", OriginalZoneList.self)

        cached(&r, "/spider/vmimage", \.imageHandler, "imageHandler", .images,
               list: ("image.list", ImageList.self), items: { $0.image.map { ($0.Name, $0) } },
               get: ("image.get", ImageInfo.self))
        cached(&r, "/spider/vmspec", \.vmspecHandler, "vmspecHandler", .specs,
               list: ("vmspec.list", VMSpecList.self), items: { $0.vmspec.map { ($0.Name, $0) } },
               get: ("vmspec.get", VMSpecInfo.self))
        // The raw spec list is cached whole; one raw spec always comes from the driver (its shape is the cloud's).
        cached(&r, "/spider/vmorgspec", \.vmspecHandler, "vmspecHandler", .originalSpecs,
               list: ("vmspec.org.list", OriginalVMSpec.self), items: { _ in [(String, EmptyResult)]() }, get: nil as (String, EmptyResult.Type)?)
        r.add(.GET, "/spider/vmorgspec/{Name}") { app, req in
            let gw = try DriverGateway(app, req, needs: \.vmspecHandler, named: "vmspecHandler")
            return try gw.passThrough("vmspec.org.get", NameRequest(Name: req.parameter("Name")), checkedAs: OriginalVMSpec.self)
        }

        // Before a connection config exists: DriverName + CredentialName, one short-lived connection.
        r.add(.GET, "/spider/preconfig/regionzone", execution: .worker) { app, req in
            try PreConnection(app, req).run("regionzone.list", EmptyResult(), checkedAs: RegionZoneList.self)
        }
        r.add(.GET, "/spider/preconfig/regionzone/{Name}", execution: .worker) { app, req in
            try PreConnection(app, req).run("regionzone.get", NameRequest(Name: req.parameter("Name")), checkedAs: RegionZoneInfo.self)
        }
        r.add(.GET, "/spider/preconfig/orgregion", execution: .worker) { app, req in
            try PreConnection(app, req).run("regionzone.org.list", EmptyResult(), checkedAs: OriginalRegionList.self)
        }
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

    /// One route answering the cloud's own JSON, checked for its key and passed on.
    private static func raw<T: Decodable & Sendable>(
        _ r: inout Router, _ path: String, _ capability: KeyPath<DriverCapabilities, Bool> & Sendable,
        _ capabilityName: String, _ operation: String, _ type: T.Type
    ) {
        r.add(.GET, path) { app, req in
            let gw = try DriverGateway(app, req, needs: capability, named: capabilityName)
            return try gw.passThrough(operation, EmptyResult(), checkedAs: T.self)
        }
    }

    /// A list served from the cache (`?refresh=true` refetches), and a get-by-name answered from
    /// the cached list when it holds the name, else by the driver.
    private static func cached<L: Decodable & Sendable, Item: Encodable & Sendable, G: Codable & Sendable>(
        _ r: inout Router, _ base: String, _ capability: KeyPath<DriverCapabilities, Bool> & Sendable,
        _ capabilityName: String, _ catalogue: CatalogCache.Catalogue,
        list: (String, L.Type), items: @escaping @Sendable (L) -> [(String, Item)], get: (String, G.Type)?
    ) {
        r.add(.GET, base) { app, req in
            let key = CatalogCache.Key(connection: try req.connectionName(), catalogue: catalogue)
            let refresh = req.flag("refresh")
            if !refresh, let hit = app.catalogCache.fresh(key) { return answer(hit.body, .hit) }
            let gw = try DriverGateway(app, req, needs: capability, named: capabilityName)
            let (entry, source) = try app.catalogCache.entry(key, refresh: refresh, immediate: req.immediate,
                                                             deadline: req.call.deadlineNanos) {
                let data = try gw.runRaw(list.0, EmptyResult())
                let decoded = try DriverAnswerCheck.decode(L.self, data, driver: gw.connection.driver.label, operation: list.0)
                var byName: [String: Data] = [:]
                for (name, item) in items(decoded) { byName[name] = try JSONCoding.encoder.encode(item) }
                return (data, byName)
            }
            return answer(entry.body, source)
        }
        guard let get else { return }
        r.add(.GET, base + "/{Name}") { app, req in
            let name = req.parameter("Name")
            let key = CatalogCache.Key(connection: try req.connectionName(), catalogue: catalogue)
            let refresh = req.flag("refresh")
            if !refresh, let item = app.catalogCache.fresh(key)?.items[name] { return answer(item, .hit) }
            let gw = try DriverGateway(app, req, needs: capability, named: capabilityName)
            var response: APIResponse
            do {
                response = try gw.answer(get.0, NameRequest(Name: name), as: G.self)
            } catch let e as HostError {
                response = .error(e)  // the driver's refusal also says it was not the cache's
            }
            response.headers.append((CatalogCache.header, refresh ? CatalogCache.Source.refresh.rawValue : CatalogCache.Source.miss.rawValue))
            return response
        }
    }

    private static func answer(_ body: Data, _ source: CatalogCache.Source) -> APIResponse {
        var response = APIResponse.raw(body)
        response.headers.append((CatalogCache.header, source.rawValue))
        return response
    }
}
