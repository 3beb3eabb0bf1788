// AWS Price List "offer file" (JSON, formatVersion v1.0) as AWS publishes it per service and
// region (…/offers/v1.0/aws/AmazonEC2/current/<region>/index.json): products keyed by SKU, and
// terms by term type ("OnDemand", "Reserved") → SKU → "<sku>.<offerTermCode>" → term.
import Foundation
import SpiderDriverKit

struct OfferFile: Decodable, Sendable {
    var formatVersion: String?
    var offerCode: String?
    /// e.g. "20230322145651": the price list's own version.
    var version: String?
    var publicationDate: String?
    var products: [String: Product]
    var terms: [String: [String: [String: Term]]]
    /// Region code → the product families it has, from every product of the file (also the
    /// ones a scan does not keep): the regions and families the price list answers for.
    var regionFamilies: [String: Set<String>] = [:]

    private enum CodingKeys: String, CodingKey {
        case formatVersion, offerCode, version, publicationDate, products, terms
    }

    struct Product: Decodable, Sendable {
        var sku: String
        /// "Compute Instance", "Compute Instance (bare metal)", "Storage", …; a few products have none.
        var productFamily: String?
        /// Every attribute value is a string ("2", "8 GiB", "3.1 GHz", "EBS only").
        var attributes: [String: String]
    }

    struct Term: Decodable, Sendable {
        var offerTermCode: String
        var sku: String
        var effectiveDate: String?
        var priceDimensions: [String: PriceDimension]
        /// Empty for OnDemand; LeaseContractLength, OfferingClass, PurchaseOption for Reserved.
        var termAttributes: [String: String]?
    }

    struct PriceDimension: Decodable, Sendable {
        var rateCode: String
        var description: String?
        var beginRange: String?
        var endRange: String?
        /// "Hrs" for instance hours, "Quantity" for a reserved term's upfront fee.
        var unit: String
        /// Currency code → decimal string ("USD": "0.0960000000"; "CNY" in the China regions).
        var pricePerUnit: [String: String]
    }

    /// Term types as the offer file names them.
    static let onDemand = "OnDemand"
    static let reserved = "Reserved"

    /// Decodes an offer file; a reply that is not one is the cloud's fault, not the caller's.
    static func decode(_ data: Data) throws -> OfferFile {
        do {
            var offer = try JSONDecoder().decode(OfferFile.self, from: data)
            for product in offer.products.values { offer.noteFamily(of: product) }
            return offer
        } catch let error as DecodingError {
            throw DriverError.internal("the AWS price list is not an offer file: \(Self.describe(error))")
        }
    }

    /// The terms of one type for one SKU (the inner keys "<sku>.<offerTermCode>" carry nothing more).
    func terms(_ type: String, sku: String) -> [Term] {
        (terms[type]?[sku] ?? [:]).sorted { $0.key < $1.key }.map(\.value)
    }

    /// Counts `product` for its region's families (a product without a family still makes its region known).
    mutating func noteFamily(of product: Product) {
        guard let region = product.attributes["regionCode"] else { return }
        regionFamilies[region, default: []].formUnion(product.productFamily.map { [$0] } ?? [])
    }

    /// What is wrong, at the coding path below `prefix` (a scan decodes members one by one).
    static func describe(_ error: DecodingError, at prefix: String = "") -> String {
        func path(_ context: DecodingError.Context) -> String {
            ([prefix].filter { !$0.isEmpty } + context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue })
                .joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "'\(key.stringValue)' missing at '\(path(context))'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(context.debugDescription) at '\(path(context))'"
        @unknown default: return String(describing: error)
        }
    }
}
