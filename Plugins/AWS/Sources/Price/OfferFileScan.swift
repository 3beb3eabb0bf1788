// An offer file read member by member (OfferFileScanner): each product is decoded alone, the ones
// the price list wants are kept with their OnDemand and Reserved terms, and every other member is
// stepped over undecoded, so memory follows what is kept, not the file's size (AWS's region files
// are hundreds of MB to several GB: storage, data transfer, hosts, every duplicate listing).
import Foundation
import SpiderDriverKit

extension OfferFile {
    /// The offer in `bytes`, keeping the products `keep` accepts (and the terms of their SKUs: all
    /// OnDemand ones, the Reserved ones `keepReserved` accepts);
    /// every product still counts for `regionFamilies`. `progress` hears the offset read so far
    /// (after each product and each SKU's terms) and may throw to stop the scan.
    static func scan(_ bytes: UnsafeRawBufferPointer, keeping keep: (Product) -> Bool,
                     keepingReserved keepReserved: (Term) -> Bool = { _ in true },
                     progress: (Int) throws -> Void = { _ in }) throws -> OfferFile {
        var place = ""
        do {
            return try scan(bytes, keep, keepReserved, progress: progress, place: &place)
        } catch let error as OfferFileScanner.Malformed {
            throw DriverError.internal("the AWS price list is not an offer file: \(error)\(place.isEmpty ? "" : " (in '\(place)')")")
        } catch let error as DecodingError {
            throw DriverError.internal("the AWS price list is not an offer file: \(describe(error, at: place))")
        }
    }

    private static func scan(_ bytes: UnsafeRawBufferPointer, _ keep: (Product) -> Bool, _ keepReserved: (Term) -> Bool,
                             progress: (Int) throws -> Void, place: inout String) throws -> OfferFile {
        let scanner = OfferFileScanner(bytes)
        let members = MemberDecoder(bytes: bytes)
        var offer = OfferFile(products: [:], terms: [:])
        var keptSKUs = Set<String>()
        var sawProducts = false, sawTerms = false
        var termsRange: Range<Int>?
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            place = key
            switch key {
            case "formatVersion", "offerCode", "version", "publicationDate":
                let range = try scanner.skipValue()
                let text = try scalar(scanner, range, key: key)
                switch key {
                case "formatVersion": offer.formatVersion = text
                case "offerCode": offer.offerCode = text
                case "version": offer.version = text
                default: offer.publicationDate = text
                }
            case "products":
                try scanner.beginObject()
                while let sku = try scanner.nextKey() {
                    place = "products.\(sku)"
                    let product = try members.decode(Product.self, try scanner.skipValue())
                    offer.noteFamily(of: product)
                    if keep(product) {
                        offer.products[sku] = product
                        keptSKUs.insert(product.sku)
                    }
                    try progress(scanner.position)
                }
                sawProducts = true
            case "terms" where !sawProducts:
                termsRange = try scanner.skipValue()   // read once the kept SKUs are known
                sawTerms = true
            case "terms":
                sawTerms = true
                try scanTerms(scanner, into: &offer, skus: keptSKUs, keepReserved: keepReserved, members: members, progress: progress, place: &place)
            default:
                try scanner.skipValue()
            }
            place = ""
        }
        try scanner.finish()
        guard sawProducts else { throw OfferFileScanner.Malformed(description: "'products' missing") }
        guard sawTerms else { throw OfferFileScanner.Malformed(description: "'terms' missing") }
        if let termsRange {
            try scanTerms(OfferFileScanner(bytes, range: termsRange), into: &offer, skus: keptSKUs, keepReserved: keepReserved, members: members,
                          progress: progress, place: &place)
        }
        return offer
    }

    /// `terms`: type → SKU → terms; only OnDemand and Reserved of the kept SKUs are decoded.
    private static func scanTerms(_ scanner: OfferFileScanner, into offer: inout OfferFile, skus: Set<String>, keepReserved: (Term) -> Bool,
                                  members: MemberDecoder, progress: (Int) throws -> Void, place: inout String) throws {
        try scanner.beginObject()
        while let type = try scanner.nextKey() {
            guard type == onDemand || type == reserved else { try scanner.skipValue(); continue }
            try scanner.beginObject()
            while let sku = try scanner.nextKey() {
                place = "terms.\(type).\(sku)"
                let range = try scanner.skipValue()
                if skus.contains(sku) {
                    var terms = try members.decode([String: Term].self, range)
                    if type == reserved { terms = terms.filter { keepReserved($0.value) } }
                    offer.terms[type, default: [:]][sku] = terms
                }
                try progress(scanner.position)
            }
        }
        place = ""
    }

    /// Decodes one member's bytes in place (no copy: the slice lives as long as the scanned buffer).
    private struct MemberDecoder {
        let bytes: UnsafeRawBufferPointer
        let decoder = JSONDecoder()

        func decode<T: Decodable>(_ type: T.Type, _ range: Range<Int>) throws -> T {
            guard let base = bytes.baseAddress, !range.isEmpty else {
                throw OfferFileScanner.Malformed(description: "an empty value at byte \(range.lowerBound)")
            }
            let data = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base + range.lowerBound), count: range.count,
                            deallocator: .none)
            return try decoder.decode(type, from: data)
        }
    }

    private static func scalar(_ scanner: OfferFileScanner, _ range: Range<Int>, key: String) throws -> String? {
        let first = scanner.slice(range).first
        if first == UInt8(ascii: "n") { return nil }
        guard first == UInt8(ascii: "\"") else {
            throw OfferFileScanner.Malformed(description: "'\(key)' is not a string (byte \(range.lowerBound))")
        }
        return try scanner.string(range)
    }
}
