// The EC2 offer file (Fixtures/price/ec2-offer.json: two regions, Linux and Windows, on demand and
// reserved terms, plus the duplicate listings AWS publishes) as CB-Spider's price list, and the
// FilterList rules the host applies.
import Foundation
import SpiderDriverKit
import SpiderModels
import Testing
@testable import AWSDriver

@Suite("AWS price list")
struct PriceListTests {
    static func list() throws -> EC2PriceList {
        try EC2PriceList(data: Data(FixtureFiles.bytes("price/ec2-offer.json")))
    }

    private func kv(_ pairs: [(String, String)]) -> [KeyValue] { pairs.map { KeyValue(Key: $0.0, Value: $0.1) } }

    private func find(_ prices: [Price], _ spec: String, _ os: String, _ policy: String = "OnDemand") -> Price? {
        prices.first { $0.ProductInfo.VMSpecInfo?.Name == spec && $0.ProductInfo.OSDistribution == os && $0.PriceInfo.PricingPolicy == policy }
    }

    @Test("the offer file decodes: metadata, products by SKU, terms by type and SKU")
    func decodes() throws {
        let offer = try OfferFile.decode(Data(FixtureFiles.bytes("price/ec2-offer.json")))
        #expect(offer.formatVersion == "v1.0")
        #expect(offer.offerCode == "AmazonEC2")
        #expect(offer.version == "20251120154512")
        #expect(offer.products.count == 16)
        #expect(offer.products["M5LARGELNXUSE1AA"]?.attributes["instanceType"] == "m5.large")
        let onDemand = offer.terms(OfferFile.onDemand, sku: "M5LARGELNXUSE1AA")
        #expect(onDemand.map(\.offerTermCode) == ["JRTCKXETXF"])
        #expect(onDemand.first?.priceDimensions.values.first?.pricePerUnit["USD"] == "0.0960000000")
        #expect(offer.terms(OfferFile.reserved, sku: "T3MICROLNXUSE1AA").count == 4)
        #expect(offer.terms(OfferFile.reserved, sku: "no-such-sku").isEmpty)
    }

    @Test("a reply that is not an offer file is an internal error naming what is wrong")
    func notAnOfferFile() {
        for text in ["<html>rate exceeded</html>", #"{"products": {}}"#, #"{"products": {"A": {"sku": "A"}}, "terms": {}}"#] {
            let error = #expect(throws: DriverError.self) { try EC2PriceList(data: Data(text.utf8)) }
            #expect(error?.status == .internal, "\(text)")
            #expect(error?.message.contains("not an offer file") == true, "\(error?.message ?? "")")
        }
    }

    @Test("each region's instance prices: specs, OS, hourly USD, AWS's own data alongside")
    func mapping() throws {
        let list = try Self.list()
        #expect(list.regions == ["eu-west-1", "us-east-1"])
        let cloud = try list.cloudPrice(region: "us-east-1")
        #expect(cloud.CloudName == "AWS")
        #expect(cloud.RegionName == "us-east-1")
        #expect(cloud.Meta.Version == "20251120154512")
        #expect(cloud.Meta.Description?.contains("AmazonEC2") == true)

        let m5 = try #require(find(cloud.PriceList, "m5.large", "Linux"))
        #expect(m5.ProductInfo.ProductId == "M5LARGELNXUSE1AA")
        #expect(m5.ZoneName == nil)
        let spec = try #require(m5.ProductInfo.VMSpecInfo)
        #expect(spec.Region == "us-east-1")
        #expect(spec.VCpu.Count == "2")
        #expect(spec.VCpu.ClockGHz == "3.1")
        #expect(spec.MemSizeMiB == "8192")
        #expect(spec.DiskSizeGB == "-1", "EBS only: no disk of its own")
        #expect(spec.Gpu == nil)
        #expect(spec.KeyValueList?.contains(KeyValue(Key: "instanceFamily", Value: "General purpose")) == true)
        #expect(spec.KeyValueList?.contains { $0.Key == "gpuMemory" } == false, "NA attributes are left out")
        #expect(m5.PriceInfo.OnDemand.Price == "0.096")
        #expect(m5.PriceInfo.OnDemand.Currency == "USD")
        #expect(m5.PriceInfo.OnDemand.Unit == "Hour")
        #expect(m5.PriceInfo.OnDemand.PricingId == "M5LARGELNXUSE1AA.JRTCKXETXF.6YS6EN2CT7")
        #expect(m5.PriceInfo.OnDemand.Description == "$0.096 per On Demand Linux m5.large Instance Hour")
        #expect(m5.ProductInfo.Description == "m5.large, Linux, Shared tenancy, US East (N. Virginia)")
        guard case .object(let product)? = m5.ProductInfo.CSPProductInfo, case .object(let attributes)? = product["attributes"] else {
            Issue.record("CSPProductInfo is AWS's product: \(String(describing: m5.ProductInfo.CSPProductInfo))"); return
        }
        #expect(product["sku"] == .string("M5LARGELNXUSE1AA"))
        #expect(attributes["usagetype"] == .string("BoxUsage:m5.large"))
        guard case .object(let term)? = m5.PriceInfo.CSPPriceInfo else { Issue.record("CSPPriceInfo is AWS's term"); return }
        #expect(term["termType"] == .string("OnDemand"))
        #expect(term["offerTermCode"] == .string("JRTCKXETXF"))

        #expect(find(cloud.PriceList, "m5.large", "Windows")?.PriceInfo.OnDemand.Price == "0.188")
        #expect(find(cloud.PriceList, "t3.micro", "Windows")?.PriceInfo.OnDemand.Price == "0.0196")
        let gpu = try #require(find(cloud.PriceList, "p3.8xlarge", "Linux")?.ProductInfo.VMSpecInfo)
        #expect(gpu.Gpu?.map(\.Count) == ["4"])
        #expect(gpu.MemSizeMiB == String(244 * 1024))
        let big = try #require(find(cloud.PriceList, "x1e.16xlarge", "Linux")?.ProductInfo.VMSpecInfo)
        #expect(big.MemSizeMiB == String(1952 * 1024), "AWS writes thousands with commas: 1,952 GiB")
        #expect(big.DiskSizeGB == "1920")
        #expect(find(cloud.PriceList, "m5d.large", "Linux")?.ProductInfo.VMSpecInfo?.DiskSizeGB == "75")

        // The other region has its own prices; nothing of us-east-1 leaks in.
        let eu = try list.cloudPrice(region: "eu-west-1")
        #expect(eu.PriceList.count == 3)
        #expect(find(eu.PriceList, "m5.large", "Linux")?.PriceInfo.OnDemand.Price == "0.107")
        #expect(eu.PriceList.allSatisfy { $0.ProductInfo.VMSpecInfo?.Region == "eu-west-1" })
    }

    @Test("one price per instance type, OS and policy: AWS's duplicate listings and storage are left out")
    func selection() throws {
        let prices = try Self.list().prices(region: "us-east-1")
        let keys = prices.map { "\($0.ProductInfo.VMSpecInfo!.Name) \($0.ProductInfo.OSDistribution!) \($0.PriceInfo.PricingPolicy!)" }
        #expect(keys == [
            "m5.large Linux OnDemand", "m5.large Linux Reserved1Yr", "m5.large Windows OnDemand",
            "m5d.large Linux OnDemand", "p3.8xlarge Linux OnDemand",
            "t3.micro Linux OnDemand", "t3.micro Linux Reserved1Yr", "t3.micro Linux Reserved3Yr", "t3.micro Windows OnDemand",
            "x1e.16xlarge Linux OnDemand",
        ])
        for sku in ["M5LARGELNXUNUSED", "M5LARGELNXDEDICA", "M5LARGEWINBYOLAA", "M5LARGEWINSQLSTD", "GP3STORAGEUSE1AA"] {
            #expect(!prices.contains { $0.ProductInfo.ProductId == sku }, "\(sku)")
        }
        // Reserved: standard, no upfront only (its hourly rate is the whole price).
        #expect(find(prices, "t3.micro", "Linux", "Reserved1Yr")?.PriceInfo.OnDemand.Price == "0.0065")
        #expect(find(prices, "t3.micro", "Linux", "Reserved3Yr")?.PriceInfo.OnDemand.Price == "0.0045")
        #expect(find(prices, "t3.micro", "Linux", "Reserved1Yr")?.PriceInfo.OnDemand.PricingId == "T3MICROLNXUSE1AA.4NA7Y494T4.6YS6EN2CT7")

        // A wider selection brings the dedicated listing back.
        var wider = EC2PriceList.Selection()
        wider.tenancies = ["Shared", "Dedicated"]
        let offer = try OfferFile.decode(Data(FixtureFiles.bytes("price/ec2-offer.json")))
        #expect(try EC2PriceList(offer, selection: wider).prices(region: "us-east-1").contains { $0.ProductInfo.ProductId == "M5LARGELNXDEDICA" })
    }

    @Test("product families of a region; an unknown region is NOT_FOUND")
    func familiesAndRegions() throws {
        let list = try Self.list()
        #expect(try list.productFamilies(region: "eu-west-1").productfamily == ["Compute Instance", "Storage"])
        for call in [{ _ = try list.productFamilies(region: "mars-north-1") }, { _ = try list.cloudPrice(region: "mars-north-1") }] {
            let error = #expect(throws: DriverError.self) { try call() }
            #expect(error?.status == .notFound)
            #expect(error?.message.contains("mars-north-1") == true)
        }
    }

    @Test("filters: each key kind, ANDed, keys in any case, numeric comparisons; no match is an empty list")
    func filters() throws {
        let list = try Self.list()
        func names(_ pairs: [(String, String)]) throws -> [String] {
            try list.cloudPrice(region: "us-east-1", filters: kv(pairs)).PriceList.map {
                "\($0.ProductInfo.VMSpecInfo!.Name) \($0.ProductInfo.OSDistribution!) \($0.PriceInfo.PricingPolicy!)"
            }
        }
        #expect(try names([("VMSpecName", "m5.large"), ("OSDistribution", "windows")]) == ["m5.large Windows OnDemand"])
        #expect(try names([("vmspecname", "T3.MICRO"), ("pricingpolicy", "reserved3yr")]) == ["t3.micro Linux Reserved3Yr"])
        #expect(try names([("VCpu.Count", ">=32"), ("PricingPolicy", "OnDemand")]) == ["p3.8xlarge Linux OnDemand", "x1e.16xlarge Linux OnDemand"])
        #expect(try names([("MemSizeMiB", "8192"), ("OSDistribution", "Linux"), ("PricingPolicy", "OnDemand")])
                == ["m5.large Linux OnDemand", "m5d.large Linux OnDemand"])
        #expect(try names([("Price", "<0.01")]) == ["t3.micro Linux Reserved1Yr", "t3.micro Linux Reserved3Yr"])
        #expect(try names([("Price", "> 10")]) == ["p3.8xlarge Linux OnDemand", "x1e.16xlarge Linux OnDemand"])
        #expect(try names([("Gpu.Count", "4")]) == ["p3.8xlarge Linux OnDemand"])
        #expect(try names([("DiskSizeGB", ">0")]) == ["m5d.large Linux OnDemand", "x1e.16xlarge Linux OnDemand"])
        #expect(try names([("VCpu.ClockGHz", "2.5"), ("OSDistribution", "Windows")]) == ["t3.micro Windows OnDemand"])
        #expect(try names([("ProductId", "M5LARGEWINUSE1AA")]) == ["m5.large Windows OnDemand"])
        #expect(try names([("PricingId", "M5LARGELNXUSE1AA.4NA7Y494T4.6YS6EN2CT7")]) == ["m5.large Linux Reserved1Yr"])
        #expect(try names([("Currency", "usd"), ("Unit", "hour"), ("VMSpecName", "m5d.large")]) == ["m5d.large Linux OnDemand"])
        #expect(try names([("Description", "x1e.16xlarge, Linux, Shared tenancy, US East (N. Virginia)")]) == ["x1e.16xlarge Linux OnDemand"])
        #expect(try names([("OSDistribution", "")]).count == 10, "an empty value matches everything")
        #expect(try names([("VMSpecName", "m5.large"), ("OSDistribution", "RHEL")]).isEmpty)
        #expect(try names([("ZoneName", "us-east-1a")]).isEmpty, "offer-file prices are region-wide")
        #expect(try names([("Gpu.Model", "V100")]).isEmpty, "the offer file names no GPU model")
    }

    @Test("a bad filter is INVALID_ARGUMENT naming the entry")
    func badFilters() throws {
        let list = try Self.list()
        let unknown = #expect(throws: DriverError.self) { try list.cloudPrice(region: "us-east-1", filters: kv([("VMSpecName", "x"), ("Colour", "red")])) }
        #expect(unknown?.status == .invalidArgument)
        #expect(unknown?.message.contains("FilterList[1].Key 'Colour'") == true, "\(unknown?.message ?? "")")
        let notANumber = #expect(throws: DriverError.self) { try list.cloudPrice(region: "us-east-1", filters: kv([("Price", ">= cheap")])) }
        #expect(notANumber?.status == .invalidArgument)
        #expect(notANumber?.message.contains("needs a number") == true)
    }

    @Test("decimals lose AWS's padding, never precision; attribute numbers read as AWS writes them")
    func numbers() {
        #expect(EC2PriceList.decimal("0.0960000000") == "0.096")
        #expect(EC2PriceList.decimal("12.2400000000") == "12.24")
        #expect(EC2PriceList.decimal("0.0000000000") == "0")
        #expect(EC2PriceList.decimal("1161") == "1161")
        #expect(EC2PriceList.decimal("0.0000001234") == "0.0000001234")
        #expect(EC2InstanceAttributes.number(in: "Up to 3.3 GHz") == 3.3)
        #expect(EC2InstanceAttributes.number(in: "0.5 GiB") == 0.5)
        #expect(EC2InstanceAttributes.number(in: "3,904 GiB") == 3904)
        #expect(EC2InstanceAttributes.number(in: "NA") == nil)
        #expect(EC2InstanceAttributes.instanceStoreGB("2 x 900 NVMe SSD") == 1800)
        #expect(EC2InstanceAttributes.instanceStoreGB("EBS only") == nil)
        #expect(EC2InstanceAttributes.text(512) == "512")
        #expect(EC2InstanceAttributes.text(0.5) == "0.5")
    }
}
