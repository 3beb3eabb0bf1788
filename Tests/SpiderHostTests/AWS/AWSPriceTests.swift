// The AWS driver's prices in a real spiderd: the EC2 offer-file fixture split per region as AWS
// publishes it (<base>/<region>/index.json), served by python3's http.server on 127.0.0.1, and a
// connection whose PriceListURL points there. Product families and prices (GET and POST, with a
// FilterList) must carry the fixture's values; an unknown region is 404; a fetched file is kept.
import Foundation
import SpiderModels
import Testing

@Suite("AWS driver prices from an offer file over HTTP", .serialized)
struct AWSPriceTests {
    static let fixture = TestPaths.repository + "/Tests/AWSDriverTests/Fixtures/price/ec2-offer.json"

    /// The fixture's products and terms of one region: what AWS's file for that region holds.
    static func offerFile(region: String) throws -> Data {
        var offer = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixture))) as? [String: Any])
        let products = (offer["products"] as? [String: [String: Any]] ?? [:]).filter {
            ($0.value["attributes"] as? [String: String])?["regionCode"] == region
        }
        offer["products"] = products
        offer["terms"] = (offer["terms"] as? [String: [String: Any]] ?? [:]).mapValues { bySKU in
            bySKU.filter { products[$0.key] != nil }
        }
        return try JSONSerialization.data(withJSONObject: offer)
    }

    /// The fixture's own hourly USD price of an on-demand SKU ("0.0960000000").
    static func fixturePrice(sku: String) throws -> String {
        let offer = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixture))) as? [String: Any])
        let terms = try #require(((offer["terms"] as? [String: Any])?["OnDemand"] as? [String: Any])?[sku] as? [String: Any])
        let dimensions = try #require((terms.values.first as? [String: Any])?["priceDimensions"] as? [String: Any])
        return try #require(((dimensions.values.first as? [String: Any])?["pricePerUnit"] as? [String: String])?["USD"])
    }

    struct Stack {
        let site: TempFolder
        let server: StaticHTTPServer
        let host: HostProcess
        let connection: RegisteredConnection
        /// The folder the driver's PriceListURL names.
        var base: String { site.file("offers/v1.0/aws/AmazonEC2/current") }
    }

    /// Offer files for us-east-1 and eu-west-1 under a base path, a host with the AWS bundle, and
    /// a connection in us-east-1 whose PriceListURL is that base (with a trailing slash).
    static func stack() throws -> Stack {
        let site = try TempFolder(prefix: "spider-price")
        let base = site.file("offers/v1.0/aws/AmazonEC2/current")
        for region in ["us-east-1", "eu-west-1"] {
            try FileManager.default.createDirectory(atPath: "\(base)/\(region)", withIntermediateDirectories: true)
            try offerFile(region: region).write(to: URL(fileURLWithPath: "\(base)/\(region)/index.json"))
        }
        let server = try StaticHTTPServer(serving: site.path, scratch: site)
        let (host, connection) = try AWSStack.host(tag: "awsprice", zone: false,
                                                   keys: [("PriceListURL", "\(server.url)/offers/v1.0/aws/AmazonEC2/current/")])
        return Stack(site: site, server: server, host: host, connection: connection)
    }

    private static func find(_ prices: [Price], _ spec: String, _ os: String, _ policy: String = "OnDemand") -> Price? {
        prices.first { $0.ProductInfo.VMSpecInfo?.Name == spec && $0.ProductInfo.OSDistribution == os && $0.PriceInfo.PricingPolicy == policy }
    }

    private static func names(_ list: CloudPrice) -> [String] {
        list.PriceList.map { "\($0.ProductInfo.VMSpecInfo?.Name ?? "?") \($0.ProductInfo.OSDistribution ?? "?") \($0.PriceInfo.PricingPolicy ?? "?")" }
    }

    @Test("product families and the whole price list of a region carry the offer file's values")
    func wholeList() throws {
        let s = try Self.stack()
        let c = s.connection
        let families = try s.host.must("GET", "/spider/productfamily/us-east-1\(c.query)").decode(ProductFamilyList.self)
        #expect(families.productfamily == ["Compute Instance", "Storage"])

        let all = try s.host.must("GET", "/spider/priceinfo/vm/us-east-1\(c.query)").decode(CloudPrice.self)
        #expect(all.CloudName == "AWS")
        #expect(all.RegionName == "us-east-1")
        #expect(all.Meta.Version == "20251120154512")
        #expect(Self.names(all) == [
            "m5.large Linux OnDemand", "m5.large Linux Reserved1Yr", "m5.large Windows OnDemand",
            "m5d.large Linux OnDemand", "p3.8xlarge Linux OnDemand",
            "t3.micro Linux OnDemand", "t3.micro Linux Reserved1Yr", "t3.micro Linux Reserved3Yr", "t3.micro Windows OnDemand",
            "x1e.16xlarge Linux OnDemand",
        ])
        let m5 = try #require(Self.find(all.PriceList, "m5.large", "Linux"))
        #expect(try Self.fixturePrice(sku: "M5LARGELNXUSE1AA") == "0.0960000000")
        #expect(m5.PriceInfo.OnDemand.Price == "0.096")
        #expect(m5.PriceInfo.OnDemand.Currency == "USD")
        #expect(m5.PriceInfo.OnDemand.Unit == "Hour")
        #expect(m5.PriceInfo.OnDemand.PricingId == "M5LARGELNXUSE1AA.JRTCKXETXF.6YS6EN2CT7")
        #expect(m5.ProductInfo.ProductId == "M5LARGELNXUSE1AA")
        #expect(m5.ProductInfo.VMSpecInfo?.VCpu.Count == "2")
        #expect(m5.ProductInfo.VMSpecInfo?.MemSizeMiB == "8192")
        #expect(m5.ProductInfo.VMSpecInfo?.Region == "us-east-1")
        #expect(Self.find(all.PriceList, "t3.micro", "Windows")?.PriceInfo.OnDemand.Price
                == EC2Decimal.trimmed(try Self.fixturePrice(sku: "T3MICROWINUSE1AA")))
        #expect(Self.find(all.PriceList, "p3.8xlarge", "Linux")?.ProductInfo.VMSpecInfo?.Gpu?.first?.Count == "4")

        // Another region than the connection's: its own file, its own prices.
        let eu = try s.host.must("GET", "/spider/priceinfo/vm/eu-west-1\(c.query)").decode(CloudPrice.self)
        #expect(eu.RegionName == "eu-west-1")
        #expect(Self.names(eu) == ["m5.large Linux OnDemand", "m5.large Windows OnDemand", "t3.micro Linux OnDemand"])
        #expect(Self.find(eu.PriceList, "m5.large", "Linux")?.PriceInfo.OnDemand.Price
                == EC2Decimal.trimmed(try Self.fixturePrice(sku: "M5LARGELNXEUW1AA")))
        #expect(eu.PriceList.allSatisfy { $0.ProductInfo.VMSpecInfo?.Region == "eu-west-1" })

        // A region the price list has no file for: 404 naming it.
        try s.host.expect("GET", "/spider/productfamily/mars-north-1\(c.query)", status: 404, mentioning: ["mars-north-1"])
        try s.host.expect("GET", "/spider/priceinfo/vm/mars-north-1\(c.query)", status: 404, mentioning: ["mars-north-1"])
        s.host.expectReady()
    }

    @Test("a FilterList in a GET or POST body selects by spec, OS, policy and price; a bad one is 400")
    func filters() throws {
        let s = try Self.stack()
        let c = s.connection
        func body(_ pairs: [(String, String)]) -> [String: Any] {
            ["ConnectionName": c.name, "FilterList": Fixtures.keyValues(pairs)]
        }
        let got = try s.host.must("GET", "/spider/priceinfo/vm/us-east-1", json: body([("VMSpecName", "t3.micro"), ("OSDistribution", "Linux")]))
            .decode(CloudPrice.self)
        #expect(Self.names(got) == ["t3.micro Linux OnDemand", "t3.micro Linux Reserved1Yr", "t3.micro Linux Reserved3Yr"])
        #expect(got.PriceList.map(\.PriceInfo.OnDemand.Price) == ["0.0104", "0.0065", "0.0045"])

        let posted = try s.host.must("POST", "/spider/priceinfo/vm/us-east-1", json: body([("Price", "> 10")])).decode(CloudPrice.self)
        #expect(Self.names(posted) == ["p3.8xlarge Linux OnDemand", "x1e.16xlarge Linux OnDemand"])
        #expect(posted.PriceList.map(\.PriceInfo.OnDemand.Price)
                == [EC2Decimal.trimmed(try Self.fixturePrice(sku: "P38XLLNXUSE1AAAA")), EC2Decimal.trimmed(try Self.fixturePrice(sku: "X1E16XLLNXUSE1AA"))])

        let eu = try s.host.must("POST", "/spider/priceinfo/vm/eu-west-1", json: body([("VMSpecName", "m5.large"), ("OSDistribution", "windows")]))
            .decode(CloudPrice.self)
        #expect(Self.names(eu) == ["m5.large Windows OnDemand"])
        #expect(eu.PriceList.first?.PriceInfo.OnDemand.Price == EC2Decimal.trimmed(try Self.fixturePrice(sku: "M5LARGEWINEUW1AA")))

        let none = try s.host.must("POST", "/spider/priceinfo/vm/us-east-1", json: body([("OSDistribution", "RHEL")])).decode(CloudPrice.self)
        #expect(none.PriceList.isEmpty)
        try s.host.expect("POST", "/spider/priceinfo/vm/us-east-1", json: body([("Colour", "red")]), status: 400, mentioning: ["Colour"])
        // simple mode: the spec by name.
        let simple = try s.host.must("POST", "/spider/priceinfo/vm/us-east-1?simple=true", json: body([("VMSpecName", "m5d.large")]))
            .decode(CloudPrice.self)
        #expect(simple.PriceList.map { $0.ProductInfo.VMSpecName } == ["m5d.large"])
        #expect(simple.PriceList.allSatisfy { $0.ProductInfo.VMSpecInfo == nil })
    }

    @Test("a region's file is fetched once and kept: removed from the server, its prices still answer")
    func cached() throws {
        let s = try Self.stack()
        let c = s.connection
        let first = try s.host.must("GET", "/spider/priceinfo/vm/us-east-1\(c.query)").decode(CloudPrice.self)
        try FileManager.default.removeItem(atPath: "\(s.base)/us-east-1/index.json")
        try FileManager.default.removeItem(atPath: "\(s.base)/eu-west-1/index.json")
        let again = try s.host.must("GET", "/spider/priceinfo/vm/us-east-1\(c.query)").decode(CloudPrice.self)
        #expect(Self.names(again) == Self.names(first))
        #expect(try s.host.must("GET", "/spider/productfamily/us-east-1\(c.query)").decode(ProductFamilyList.self).productfamily
                == ["Compute Instance", "Storage"])
        // A region never fetched is asked for afresh, and the server no longer has it.
        try s.host.expect("GET", "/spider/priceinfo/vm/eu-west-1\(c.query)", status: 404, mentioning: ["eu-west-1"])
    }
}

/// AWS's decimals without their padding ("0.0960000000" → "0.096"), as the driver answers them.
enum EC2Decimal {
    static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var s = text
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s.isEmpty ? "0" : s
    }
}
