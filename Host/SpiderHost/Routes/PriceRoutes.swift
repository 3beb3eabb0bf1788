// Price information: product families and VM prices of a region, with CB-Spider's FilterList.
// The driver returns its price list; the host filters it (PriceFilter) and shapes simple mode.
import SpiderModels

enum PriceRoutes {
    /// `{"ConnectionName": s, "FilterList": [{"Key": s, "Value": s}]}`, the body of a price query.
    struct PriceQuery: Decodable {
        var ConnectionName: String?
        var FilterList: [KeyValue]?
    }

    static func add(to r: inout Router) {
        r.add(.GET, "/spider/productfamily/{RegionName}") { app, req in
            let gw = try gateway(app, req)
            let region = try regionName(req)
            return try gw.answer("price.productfamily.list", PriceRegionRequest(RegionName: region), as: ProductFamilyList.self)
        }
        // GET as CB-Spider documents it; POST for clients that cannot send a body with a GET.
        for method in [HTTPMethodName.GET, .POST] {
            r.add(method.nio, "/spider/priceinfo/vm/{RegionName}") { app, req in
                let gw = try gateway(app, req)
                let region = try regionName(req)
                let filterList = req.body.isEmpty ? [] : try req.decode(PriceQuery.self, what: "price query").FilterList ?? []
                let filter: PriceFilter
                do throws(PriceFilterError) { filter = try PriceFilter(filterList) } catch { throw HostError.badRequest(error.description) }
                let simple = req.flag("simple")
                let request = PriceListRequest(RegionName: region, FilterList: filterList.isEmpty ? nil : filterList)
                if filter.isEmpty && !simple {
                    return try gw.answer("price.vm.list", request, as: CloudPrice.self)
                }
                var prices = try gw.run("price.vm.list", request, as: CloudPrice.self)
                prices.PriceList = prices.PriceList.filter(filter.matches)
                if simple { prices.PriceList = prices.PriceList.map(simplified) }
                return try .json(prices)
            }
        }
    }

    private static func gateway(_ app: SpiderApp, _ req: APIRequest) throws -> DriverGateway {
        try DriverGateway(app, req, needs: \.priceInfoHandler, named: "priceInfoHandler")
    }

    private static func regionName(_ req: APIRequest) throws -> String {
        let region = req.parameter("RegionName")
        try validateName(region, field: "RegionName")
        return region
    }

    /// Simple mode: the spec by name only (CB-Spider: "only VMSpecName").
    private static func simplified(_ price: Price) -> Price {
        var out = price
        out.ProductInfo.VMSpecName = price.ProductInfo.VMSpecName ?? price.ProductInfo.VMSpecInfo?.Name
        out.ProductInfo.VMSpecInfo = nil
        return out
    }
}
