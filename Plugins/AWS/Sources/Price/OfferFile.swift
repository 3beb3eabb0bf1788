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
            return try JSONDecoder().decode(OfferFile.self, from: data)
        } catch let error as DecodingError {
            throw DriverError.internal("the AWS price list is not an offer file: \(Self.describe(error))")
        }
    }

    /// The terms of one type for one SKU (the inner keys "<sku>.<offerTermCode>" carry nothing more).
    func terms(_ type: String, sku: String) -> [Term] {
        (terms[type]?[sku] ?? [:]).sorted { $0.key < $1.key }.map(\.value)
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "'\(key.stringValue)' missing at '\(path(context))'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(context.debugDescription) at '\(path(context))'"
        @unknown default: return String(describing: error)
        }
    }
}
