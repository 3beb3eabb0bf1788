// price.*: the Mock cloud's price list. Hourly USD prices built like a real cloud's: per vCPU,
// per GiB of memory and per GPU, plus a Windows licence per vCPU, scaled by region; each spec is
// priced for Linux and Windows under two pricing policies (on demand, and one-year reserved).
import Foundation
import SpiderDriverKit
import SpiderModels

enum PriceTable {
    static let version = "1.0"
    static let productFamilies = ["Compute Instance", "Storage"]

    static let perVCpuHour = 0.0208
    static let perGiBHour = 0.0026
    static let windowsPerVCpuHour = 0.046
    /// One-year reserved costs this fraction of on demand.
    static let reservedDiscount = 0.62
    static let perGpuHour: [String: Double] = ["Tesla T4": 0.35, "A100": 2.9]

    /// Regions further from "Mockville" cost more, as real clouds' regions do.
    static let regionFactor: [String: Double] = [
        "default": 1.0, "mock-region-1": 1.0, "mock-region-2": 1.08, "mock-region-3": 1.15,
    ]

    static let operatingSystems = ["Linux", "Windows"]
    static let pricingPolicies = ["OnDemand", "Reserved1Yr"]

    static func prices(region: String) -> [Price] {
        let factor = regionFactor[region] ?? 1.0
        var list: [Price] = []
        for spec in Catalogue.specs(region: region) {
            for os in operatingSystems {
                for policy in pricingPolicies {
                    list.append(price(spec, os: os, policy: policy, region: region, factor: factor))
                }
            }
        }
        return list
    }

    static func hourly(_ spec: VMSpecInfo, os: String, policy: String, factor: Double) -> Double {
        let vcpus = Double(spec.VCpu.Count) ?? 0
        let gib = (Double(spec.MemSizeMiB) ?? 0) / 1024
        let gpus = (spec.Gpu ?? []).reduce(0.0) { sum, gpu in
            sum + (Double(gpu.Count) ?? 0) * (perGpuHour[gpu.Model ?? ""] ?? 1.0)
        }
        var price = vcpus * perVCpuHour + gib * perGiBHour + gpus
        if os == "Windows" { price += vcpus * windowsPerVCpuHour }
        if policy == "Reserved1Yr" { price *= reservedDiscount }
        return price * factor
    }

    private static func price(_ spec: VMSpecInfo, os: String, policy: String, region: String, factor: Double) -> Price {
        let productID = "\(region)-\(spec.Name)-\(os.lowercased())"
        let family = spec.KeyValueList?.first { $0.Key == "Family" }?.Value ?? ""
        let product = ProductInfo(
            ProductId: productID, VMSpecInfo: spec, OSDistribution: os,
            Description: "\(spec.Name) running \(os) in \(region)",
            CSPProductInfo: .object(["instanceFamily": .string(family), "operatingSystem": .string(os),
                                     "location": .string(region), "productFamily": .string("Compute Instance")]))
        let term = policy == "OnDemand" ? "OnDemand" : "Reserved"
        let amount = String(format: "%.4f", hourly(spec, os: os, policy: policy, factor: factor))
        let onDemand = OnDemand(PricingId: "\(productID)-\(policy.lowercased())", Unit: "Hour", Currency: "USD",
                                Price: amount, Description: "$\(amount) per hour for \(spec.Name) \(os) (\(policy))")
        var termInfo: [String: JSONValue] = ["termType": .string(term)]
        if term == "Reserved" { termInfo["leaseContractLength"] = .string("1yr"); termInfo["purchaseOption"] = .string("No Upfront") }
        return Price(ProductInfo: product, PriceInfo: PriceInfo(PricingPolicy: policy, OnDemand: onDemand, CSPPriceInfo: .object(termInfo)))
    }
}

extension MockConnection {
    func listProductFamilies(_ request: PriceRegionRequest) throws -> ProductFamilyList {
        try Self.requirePriceRegion(request.RegionName)
        return ProductFamilyList(PriceTable.productFamilies)
    }

    /// The whole price list of the region: the host applies the user's filters.
    func listPrices(_ request: PriceListRequest) throws -> CloudPrice {
        try Self.requirePriceRegion(request.RegionName)
        return CloudPrice(Meta: PriceMeta(Version: PriceTable.version, Description: "Mock cloud price data"),
                          CloudName: "MOCK", RegionName: request.RegionName,
                          PriceList: PriceTable.prices(region: request.RegionName))
    }

    private static func requirePriceRegion(_ name: String) throws {
        guard Catalogue.region(name) != nil else { throw MockError.notFound("region", name) }
    }
}
