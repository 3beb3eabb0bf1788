// An EC2 offer file as CB-Spider's price list: every instance product of a region priced for its
// operating system, on demand and (standard, no upfront) reserved for one and three years, with
// the hourly price in `OnDemand` as OPERATIONS.md's `price.vm.list` asks.
import Foundation
import SpiderDriverKit
import SpiderModels

struct EC2PriceList: Sendable {
    static let cloudName = "AWS"

    /// Which instance products become prices. AWS lists each instance type many times over:
    /// unused and allocated capacity reservations, pre-installed SQL Server, bring-your-own-licence
    /// Windows, dedicated tenancy. The defaults keep the plain price a user pays to run one.
    struct Selection: Sendable {
        var tenancies: Set<String> = ["Shared"]
        var capacityStatuses: Set<String> = ["Used"]
        var preInstalledSoftware: Set<String> = ["NA"]
        var excludedLicenseModels: Set<String> = ["Bring your own license"]
        init() {}

        /// Whether `product` is an instance listing this selection prices.
        func keeps(_ product: OfferFile.Product) -> Bool {
            let a = product.attributes
            guard product.productFamily?.hasPrefix("Compute Instance") == true else { return false }
            return tenancies.contains(a["tenancy"] ?? "")
                && capacityStatuses.contains(a["capacitystatus"] ?? "Used")
                && preInstalledSoftware.contains(a["preInstalledSw"] ?? "NA")
                && !excludedLicenseModels.contains(a["licenseModel"] ?? "")
        }
    }

    let offer: OfferFile
    let selection: Selection

    init(_ offer: OfferFile, selection: Selection = Selection()) {
        self.offer = offer
        self.selection = selection
    }

    /// The offer file in `data`, scanned member by member keeping only what `selection` prices.
    init(data: Data, selection: Selection = Selection()) throws {
        let offer = try data.withUnsafeBytes {
            try OfferFile.scan($0, keeping: selection.keeps, keepingReserved: Self.pricesReserved)
        }
        self.init(offer, selection: selection)
    }

    /// The offer file in `file`, scanned in place; the pages read are given back as the scan goes,
    /// and a call cancelled or past its deadline stops it (a GB file takes a while).
    init(file: MappedFile, selection: Selection = Selection(), context: CallContext? = nil) throws {
        var checkedAt = 0
        let offer = try OfferFile.scan(file.bytes, keeping: selection.keeps, keepingReserved: Self.pricesReserved) { offset in
            file.release(before: offset)
            guard let context, abs(offset - checkedAt) >= 1 << 20 else { return }
            checkedAt = offset
            try context.checkCancelled()
        }
        self.init(offer, selection: selection)
    }

    /// The regions the file has products for (by `regionCode`).
    var regions: [String] {
        offer.regionFamilies.keys.sorted()
    }

    /// `price.productfamily.list`: the region's product families ("Compute Instance", "Storage", …).
    func productFamilies(region: String) throws -> ProductFamilyList {
        ProductFamilyList(try families(in: region).sorted())
    }

    /// `price.vm.list`: the region's prices that match `filters` (the host's filter rules).
    func cloudPrice(region: String, filters: [KeyValue] = []) throws -> CloudPrice {
        let filter: PriceFilter
        do throws(PriceFilterError) { filter = try PriceFilter(filters) } catch { throw DriverError.invalidArgument(error.description) }
        let description = ["AWS Price List", offer.offerCode, offer.publicationDate.map { "published \($0)" }]
            .compactMap { $0 }.joined(separator: " ")
        return CloudPrice(Meta: PriceMeta(Version: offer.version ?? offer.formatVersion ?? "", Description: description),
                          CloudName: Self.cloudName, RegionName: region,
                          PriceList: try prices(region: region).filter(filter.matches))
    }

    /// Every price of the region, sorted by instance type, operating system and pricing policy.
    func prices(region: String) throws -> [Price] {
        var list: [(key: String, price: Price)] = []
        for product in try products(in: region) where selection.keeps(product) {
            guard let spec = EC2InstanceAttributes.spec(product.attributes, region: region),
                  let os = product.attributes["operatingSystem"], os != "NA" else { continue }
            let info = productInfo(product, spec: spec, os: os)
            for (rank, policy, term) in pricedTerms(sku: product.sku) {
                guard let price = hourlyPrice(term) else { continue }
                let key = "\(spec.Name)|\(os)|\(rank)|\(policy)|\(product.sku)"
                list.append((key, Price(ProductInfo: info, PriceInfo: priceInfo(term, policy: policy, dimension: price))))
            }
        }
        return list.sorted { $0.key < $1.key }.map(\.price)
    }

    // MARK: - Products

    private func families(in region: String) throws -> Set<String> {
        guard let families = offer.regionFamilies[region] else {
            throw DriverError.notFound("region '\(region)' has no products in the AWS price list")
        }
        return families
    }

    private func products(in region: String) throws -> [OfferFile.Product] {
        _ = try families(in: region)
        return offer.products.values.filter { $0.attributes["regionCode"] == region }.sorted { $0.sku < $1.sku }
    }

    private func productInfo(_ product: OfferFile.Product, spec: VMSpecInfo, os: String) -> ProductInfo {
        let a = product.attributes
        let description = [spec.Name, os, a["tenancy"].map { "\($0) tenancy" }, a["location"]]
            .compactMap { $0 }.joined(separator: ", ")
        let csp: JSONValue = .object([
            "sku": .string(product.sku),
            "productFamily": product.productFamily.map(JSONValue.string) ?? .null,
            "attributes": .object(a.mapValues(JSONValue.string)),
        ])
        return ProductInfo(ProductId: product.sku, VMSpecInfo: spec, OSDistribution: os, Description: description,
                           CSPProductInfo: csp)
    }

    // MARK: - Terms

    /// The SKU's terms as (sort rank, PricingPolicy, term): on demand first, then reserved terms
    /// of the standard class without upfront payment (whose hourly rate is the whole price).
    private func pricedTerms(sku: String) -> [(Int, String, OfferFile.Term)] {
        var out = offer.terms(OfferFile.onDemand, sku: sku).map { (0, "OnDemand", $0) }
        for term in offer.terms(OfferFile.reserved, sku: sku) {
            guard Self.pricesReserved(term),
                  let years = EC2InstanceAttributes.number(in: term.termAttributes?["LeaseContractLength"]) else { continue }
            out.append((Int(years), "Reserved\(EC2InstanceAttributes.text(years))Yr", term))
        }
        return out
    }

    /// A reserved term of the standard class without upfront payment: the only kind priced, so
    /// the only kind a scan keeps (a SKU has a dozen reserved terms).
    static func pricesReserved(_ term: OfferFile.Term) -> Bool {
        let t = term.termAttributes ?? [:]
        return t["PurchaseOption"] == "No Upfront" && (t["OfferingClass"] ?? "standard") == "standard"
    }

    /// The term's hourly dimension and its price in USD (else the file's currency, e.g. CNY).
    private func hourlyPrice(_ term: OfferFile.Term) -> (dimension: OfferFile.PriceDimension, currency: String, amount: String)? {
        let hourly = term.priceDimensions.values.sorted { $0.rateCode < $1.rateCode }.first { $0.unit == "Hrs" }
        guard let hourly else { return nil }
        let currency = hourly.pricePerUnit["USD"] != nil ? "USD" : hourly.pricePerUnit.keys.sorted().first
        guard let currency, let amount = hourly.pricePerUnit[currency].map(Self.decimal) else { return nil }
        return (hourly, currency, amount)
    }

    private func priceInfo(_ term: OfferFile.Term, policy: String,
                           dimension price: (dimension: OfferFile.PriceDimension, currency: String, amount: String)) -> PriceInfo {
        let onDemand = OnDemand(PricingId: price.dimension.rateCode, Unit: "Hour", Currency: price.currency,
                                Price: price.amount, Description: price.dimension.description)
        var csp: [String: JSONValue] = [
            "termType": .string(policy == "OnDemand" ? OfferFile.onDemand : OfferFile.reserved),
            "offerTermCode": .string(term.offerTermCode),
            "sku": .string(term.sku),
            "termAttributes": .object((term.termAttributes ?? [:]).mapValues(JSONValue.string)),
            "priceDimensions": .object(term.priceDimensions.mapValues(Self.json)),
        ]
        if let date = term.effectiveDate { csp["effectiveDate"] = .string(date) }
        return PriceInfo(PricingPolicy: policy, OnDemand: onDemand, CSPPriceInfo: .object(csp))
    }

    private static func json(_ d: OfferFile.PriceDimension) -> JSONValue {
        var object: [String: JSONValue] = [
            "rateCode": .string(d.rateCode), "unit": .string(d.unit),
            "pricePerUnit": .object(d.pricePerUnit.mapValues(JSONValue.string)),
        ]
        if let v = d.description { object["description"] = .string(v) }
        if let v = d.beginRange { object["beginRange"] = .string(v) }
        if let v = d.endRange { object["endRange"] = .string(v) }
        return .object(object)
    }

    /// AWS's decimal without its padding: "0.0960000000" → "0.096", "12.2400000000" → "12.24",
    /// "0.0000000000" → "0". Exact (text, never through a Double).
    static func decimal(_ text: String) -> String {
        var s = text.trimmingCharacters(in: .whitespaces)
        guard s.contains(".") else { return s }
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s.isEmpty ? "0" : s
    }
}
