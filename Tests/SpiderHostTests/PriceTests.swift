// Price information on the Mock: product families, the whole price list, the FilterList (each
// key kind, AND, case-insensitive keys, numeric comparisons, unknown keys), simple mode, and 501
// from a driver without priceInfoHandler.
import Foundation
import SpiderClient
import SpiderModels
import Testing

@Suite("Price information")
struct PriceTests {
    private func prices(_ host: HostProcess, _ c: RegisteredConnection, region: String = "default",
                        _ filters: [(String, String)] = [], query: String = "") throws -> CloudPrice {
        var body: [String: Any] = ["ConnectionName": c.name]
        if !filters.isEmpty { body["FilterList"] = Fixtures.keyValues(filters) }
        return try host.must("GET", "/spider/priceinfo/vm/\(region)" + c.query + query, json: body).decode(CloudPrice.self)
    }

    @Test("product families and the region's whole price list, per spec, OS and pricing policy")
    func wholeList() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "price")
        let families = try host.must("GET", "/spider/productfamily/default" + c.query).decode(ProductFamilyList.self)
        #expect(families.productfamily.contains("Compute Instance"))

        let all = try prices(host, c)
        #expect(all.CloudName == "MOCK")
        #expect(all.RegionName == "default")
        #expect(!all.Meta.Version.isEmpty)
        let specs = try host.must("GET", "/spider/vmspec" + c.query).decode(VMSpecList.self).vmspec
        #expect(all.PriceList.count == specs.count * 4, "every spec for Linux and Windows, on demand and reserved")
        for price in all.PriceList {
            #expect(price.ProductInfo.VMSpecInfo != nil)
            #expect(price.PriceInfo.OnDemand.Currency == "USD")
            #expect(price.PriceInfo.OnDemand.Unit == "Hour")
            #expect((Double(price.PriceInfo.OnDemand.Price) ?? 0) > 0, "\(price.PriceInfo.OnDemand)")
        }
        // Prices are realistic: more vCPUs and a Windows licence cost more; reserved costs less;
        // a farther region costs more.
        func hourly(_ list: CloudPrice, _ spec: String, _ os: String, _ policy: String) -> Double {
            Double(list.PriceList.first {
                $0.ProductInfo.VMSpecInfo?.Name == spec && $0.ProductInfo.OSDistribution == os && $0.PriceInfo.PricingPolicy == policy
            }?.PriceInfo.OnDemand.Price ?? "") ?? -1
        }
        #expect(hourly(all, "mock-vmspec-01", "Linux", "OnDemand") < hourly(all, "mock-vmspec-02", "Linux", "OnDemand"))
        #expect(hourly(all, "mock-vmspec-01", "Linux", "OnDemand") < hourly(all, "mock-vmspec-01", "Windows", "OnDemand"))
        #expect(hourly(all, "mock-vmspec-02", "Linux", "Reserved1Yr") < hourly(all, "mock-vmspec-02", "Linux", "OnDemand"))
        let far = try prices(host, c, region: "mock-region-3")
        #expect(far.RegionName == "mock-region-3")
        #expect(hourly(all, "mock-vmspec-03", "Linux", "OnDemand") < hourly(far, "mock-vmspec-03", "Linux", "OnDemand"))

        try host.expect("GET", "/spider/productfamily/no-such-region" + c.query, status: 404, mentioning: ["no-such-region"])
        try host.expect("GET", "/spider/priceinfo/vm/no-such-region" + c.query, status: 404, mentioning: ["no-such-region"])
        host.expectReady()
    }

    @Test("each filter key kind, ANDed, keys in any case; an empty match is an empty list")
    func filters() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "pricefilter")
        let all = try prices(host, c).PriceList
        func specName(_ p: Price) -> String { p.ProductInfo.VMSpecInfo?.Name ?? "" }
        func number(_ s: String?) -> Double { Double(s ?? "") ?? .nan }
        func gpus(_ p: Price) -> Int { (p.ProductInfo.VMSpecInfo?.Gpu ?? []).reduce(0) { $0 + (Int($1.Count) ?? 0) } }

        // Each filter answers exactly what the same condition selects from the whole list.
        let cases: [([(String, String)], (Price) -> Bool)] = [
            ([("VMSpecName", "mock-vmspec-02")], { specName($0) == "mock-vmspec-02" }),
            ([("specname", "MOCK-VMSPEC-02")], { specName($0) == "mock-vmspec-02" }),
            ([("VCpu.Count", "4")], { $0.ProductInfo.VMSpecInfo?.VCpu.Count == "4" }),
            ([("vcpu.count", ">=16")], { number($0.ProductInfo.VMSpecInfo?.VCpu.Count) >= 16 }),
            ([("MemSizeMiB", "<8192")], { number($0.ProductInfo.VMSpecInfo?.MemSizeMiB) < 8192 }),
            ([("Gpu.Count", "0")], { gpus($0) == 0 }),
            ([("GPU.COUNT", ">=4")], { gpus($0) >= 4 }),
            ([("OSDistribution", "windows")], { $0.ProductInfo.OSDistribution == "Windows" }),
            ([("PricingPolicy", "Reserved1Yr")], { $0.PriceInfo.PricingPolicy == "Reserved1Yr" }),
            ([("Price", "<0.05")], { number($0.PriceInfo.OnDemand.Price) < 0.05 }),
            ([("VCpu.Count", "4"), ("OSDistribution", "Linux"), ("pricingpolicy", "OnDemand")], {
                $0.ProductInfo.VMSpecInfo?.VCpu.Count == "4" && $0.ProductInfo.OSDistribution == "Linux"
                    && $0.PriceInfo.PricingPolicy == "OnDemand"
            }),
        ]
        for (filters, condition) in cases {
            let got = try prices(host, c, filters).PriceList.map(\.PriceInfo.OnDemand.PricingId)
            let want = all.filter(condition).map(\.PriceInfo.OnDemand.PricingId)
            #expect(!want.isEmpty && want.count < all.count, "the case \(filters) selects some but not all")
            #expect(got == want, "filter \(filters)")
        }
        // The AND case is exactly two specs (03, 04), on Linux, on demand.
        #expect(try prices(host, c, [("VCpu.Count", "4"), ("OSDistribution", "Linux"), ("PricingPolicy", "OnDemand")]).PriceList.count == 2)

        #expect(try prices(host, c, [("VMSpecName", "no-such-spec")]).PriceList.isEmpty)
        #expect(try prices(host, c, [("VCpu.Count", "4"), ("Gpu.Count", ">=1")]).PriceList.isEmpty, "no 4-vCPU spec has a GPU")

        // POST carries the same query, for clients that cannot send a body with GET.
        let posted = try host.must("POST", "/spider/priceinfo/vm/default", json: [
            "ConnectionName": c.name, "FilterList": Fixtures.keyValues([("VMSpecName", "mock-vmspec-07")]),
        ]).decode(CloudPrice.self)
        #expect(posted.PriceList.count == 4 && posted.PriceList.allSatisfy { specName($0) == "mock-vmspec-07" })

        let body = { (filters: [(String, String)]) -> [String: Any] in
            ["ConnectionName": c.name, "FilterList": Fixtures.keyValues(filters)]
        }
        try host.expect("GET", "/spider/priceinfo/vm/default" + c.query, json: body([("VCpu.Count", "2"), ("Colour", "red")]),
                        status: 400, mentioning: ["FilterList[1].Key", "Colour"])
        try host.expect("GET", "/spider/priceinfo/vm/default" + c.query, json: body([("Price", "<cheap")]),
                        status: 400, mentioning: ["FilterList[0].Value"])
        try host.expect("GET", "/spider/priceinfo/vm/default" + c.query, json: ["ConnectionName": c.name, "FilterList": "x"],
                        status: 400, mentioning: ["FilterList"])
        host.expectReady()
    }

    @Test("simple mode names the spec instead of describing it")
    func simpleMode() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "pricesimple")
        let simple = try prices(host, c, [("VCpu.Count", "2")], query: "&simple=true")
        #expect(simple.PriceList.count == 4)
        for price in simple.PriceList {
            #expect(price.ProductInfo.VMSpecName == "mock-vmspec-02")
            #expect(price.ProductInfo.VMSpecInfo == nil)
        }
        let unfiltered = try prices(host, c, query: "&simple=true")
        #expect(unfiltered.PriceList.allSatisfy { $0.ProductInfo.VMSpecName != nil && $0.ProductInfo.VMSpecInfo == nil })
        #expect(try prices(host, c, query: "&simple=false").PriceList.allSatisfy { $0.ProductInfo.VMSpecInfo != nil })
    }

    @Test("a driver without priceInfoHandler answers 501 naming it")
    func unsupported() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerCExample(host)
        try host.expect("GET", "/spider/productfamily/example-east" + c.query, status: 501, mentioning: ["priceInfoHandler"])
        try host.expect("GET", "/spider/priceinfo/vm/example-east" + c.query, status: 501, mentioning: ["priceInfoHandler"])
    }
}
