// The member-by-member scan of an offer file (OfferFileScanner + OfferFile.scan): the same price
// list as decoding the fixture whole, strings full of JSON's own punctuation read right, every
// truncation and malformation an internal error (never a crash or a hang), and nothing kept of
// the products the price list does not select (nor of their terms).
import Foundation
import SpiderDriverKit
import SpiderModels
import Testing
@testable import AWSDriver

@Suite("AWS offer file scan")
struct OfferFileScannerTests {
    static func fixture() throws -> Data { Data(try FixtureFiles.bytes("price/ec2-offer.json")) }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test("the fixture scanned gives the whole decode's regions, families and prices, for any selection")
    func sameAsWholeDecode() throws {
        var wider = EC2PriceList.Selection()
        wider.tenancies = ["Shared", "Dedicated"]
        wider.excludedLicenseModels = []
        for selection in [EC2PriceList.Selection(), wider] {
            let scanned = try EC2PriceList(data: try Self.fixture(), selection: selection)
            let whole = EC2PriceList(try OfferFile.decode(try Self.fixture()), selection: selection)
            #expect(scanned.regions == whole.regions)
            #expect(scanned.regions == ["eu-west-1", "us-east-1"])
            for region in ["us-east-1", "eu-west-1"] {
                #expect(try scanned.productFamilies(region: region).productfamily == whole.productFamilies(region: region).productfamily)
                let prices = try Self.json(try scanned.cloudPrice(region: region))
                #expect(prices == (try Self.json(try whole.cloudPrice(region: region))))
                #expect(prices.contains("0.096") || region == "eu-west-1")
            }
            #expect(scanned.offer.formatVersion == whole.offer.formatVersion)
            #expect(scanned.offer.publicationDate == "2025-11-20T15:45:12Z")
        }
    }

    @Test("products the selection leaves out are not kept, nor their terms; their families still count")
    func unselectedNotKept() throws {
        let offer = try EC2PriceList(data: try Self.fixture()).offer
        for sku in ["GP3STORAGEUSE1AA", "GP3STORAGEEUW1AA", "M5LARGELNXUNUSED", "M5LARGELNXDEDICA", "M5LARGEWINBYOLAA", "M5LARGEWINSQLSTD"] {
            #expect(offer.products[sku] == nil, "\(sku)")
            #expect(offer.terms(OfferFile.onDemand, sku: sku).isEmpty, "\(sku)")
            #expect(offer.terms(OfferFile.reserved, sku: sku).isEmpty, "\(sku)")
        }
        #expect(offer.products.count == 10)
        #expect(Set(offer.terms[OfferFile.onDemand]?.keys.map { $0 } ?? []) == Set(offer.products.keys))
        // Of a SKU's reserved terms only the priced kind (standard, no upfront) is kept.
        #expect(offer.terms(OfferFile.reserved, sku: "T3MICROLNXUSE1AA").map { $0.termAttributes?["LeaseContractLength"] ?? "?" }
                == ["1yr", "3yr"])
        #expect(offer.terms(OfferFile.reserved, sku: "T3MICROLNXUSE1AA").allSatisfy(EC2PriceList.pricesReserved))
        #expect(offer.regionFamilies == ["us-east-1": ["Compute Instance", "Storage"], "eu-west-1": ["Compute Instance", "Storage"]])
    }

    /// A small offer: a skipped product and term full of punctuation, then the kept one.
    static let tricky = #"""
    {"formatVersion":"v1.0","disclaimer":"quote \" brace { bracket [ backslash \\","offerCode":"Amazon\u0045C2",
     "version" : "2025\"x\"" ,"products":{
      "SKIP\"}{][" : {"sku":"SKIP","productFamily":"Data Transfer","attributes":{"a\"}":"}]\\\"[{","regionCode":"us-east-1"}},
      "KEEP":{"sku":"KEEP","productFamily":"Compute Instance","attributes":{"instanceType":"m5.large","vcpu":"2",
        "memory":"8 GiB","tenancy":"Shared","operatingSystem":"Linux","regionCode":"us-east-1",
        "physicalProcessor":"caf\u00e9 \ud83d\ude80 {\"x\": [1, 2]} \\","numbers":"[1,{2}]"}}},
     "terms":{"Spot":{"KEEP":{"x":"}"}},"OnDemand":{"SKIP\"}{][":{"t":"\"}}}}"},
      "KEEP":{"KEEP.AAA":{"offerTermCode":"AAA","sku":"KEEP","priceDimensions":{"KEEP.AAA.B":{"rateCode":"KEEP.AAA.B",
        "unit":"Hrs","pricePerUnit":{"USD":"0.0960000000"},"appliesTo":[]}},"termAttributes":{}}}},"Reserved":{}},
     "attributesList": {"x": [true, false, null, -1.5e3, {"y": "]"}]}}
    """#

    @Test("braces, brackets, quotes, escaped quotes and unicode escapes in keys and values do not confuse the scan")
    func punctuationInStrings() throws {
        let list = try EC2PriceList(data: Data(Self.tricky.utf8))
        #expect(list.offer.offerCode == "AmazonEC2")
        #expect(list.offer.version == #"2025"x""#)
        #expect(list.offer.products.keys.sorted() == ["KEEP"])
        #expect(list.offer.products["KEEP"]?.attributes["physicalProcessor"] == #"café 🚀 {"x": [1, 2]} \"#)
        #expect(list.offer.regionFamilies == ["us-east-1": ["Compute Instance", "Data Transfer"]])
        let prices = try list.prices(region: "us-east-1")
        #expect(prices.map(\.PriceInfo.OnDemand.Price) == ["0.096"])

        // The scanner itself: keys decoded, values' ranges exact.
        let text = #"{"a\"b" : "x\\\"}" , "c\u0064": [1, {"e": "]"}], "f": -2.5e1, "g": null}"#
        let bytes = Array(text.utf8)
        var seen: [String: String] = [:]
        try bytes.withUnsafeBytes { raw in
            let scanner = OfferFileScanner(raw)
            try scanner.beginObject()
            while let key = try scanner.nextKey() {
                seen[key] = String(decoding: bytes[try scanner.skipValue()], as: UTF8.self)
            }
            try scanner.finish()
        }
        #expect(seen == [#"a"b"#: #""x\\\"}""#, "cd": #"[1, {"e": "]"}]"#, "f": "-2.5e1", "g": "null"])
    }

    @Test("terms before products are read once the kept SKUs are known")
    func termsFirst() throws {
        var object = try #require(try JSONSerialization.jsonObject(with: try Self.fixture()) as? [String: Any])
        let removed = object.removeValue(forKey: "terms")
        let terms = try JSONSerialization.data(withJSONObject: try #require(removed))
        let rest = try JSONSerialization.data(withJSONObject: object)
        let reordered = Data(#"{"terms": "#.utf8) + terms + Data(", ".utf8) + rest.dropFirst()
        let list = try EC2PriceList(data: reordered)
        #expect(try Self.json(list.cloudPrice(region: "us-east-1"))
                == (try Self.json(EC2PriceList(data: try Self.fixture()).cloudPrice(region: "us-east-1"))))
    }

    @Test("a file cut anywhere is an internal error naming it, never a crash or a hang")
    func truncated() throws {
        let whole = try Self.fixture()
        let end = try #require(whole.lastIndex(of: UInt8(ascii: "}")))
        var cuts = Set(stride(from: 0, to: end, by: 7))
        cuts.formUnion(0..<min(300, end))
        cuts.formUnion(max(0, end - 300)..<end)
        for cut in cuts.sorted() {
            let error = #expect(throws: DriverError.self, "cut at \(cut)") { try EC2PriceList(data: whole.prefix(cut)) }
            #expect(error?.status == .internal, "cut at \(cut)")
            #expect(error?.message.contains("not an offer file") == true, "cut at \(cut): \(error?.message ?? "")")
        }
        let cut = #expect(throws: DriverError.self) { try EC2PriceList(data: whole.prefix(end / 2)) }
        #expect(cut?.message.contains("truncated") == true, "\(cut?.message ?? "")")
        #expect(try EC2PriceList(data: whole.prefix(end + 1)).offer.products.count == 10, "the whole object is enough")
    }

    @Test("progress hears the offsets read, in order, and an error from it stops the scan as it is (a cancelled call)")
    func progressStops() throws {
        let data = try Self.fixture()
        var offsets: [Int] = []
        _ = try data.withUnsafeBytes { try OfferFile.scan($0, keeping: { _ in true }, progress: { offsets.append($0) }) }
        #expect(offsets.count == 16 + 16 + 2, "after each product and each SKU of OnDemand (16) and Reserved (2)")
        #expect(offsets == offsets.sorted() && offsets.last ?? 0 < data.count)
        let stopped = #expect(throws: DriverError.self) {
            try data.withUnsafeBytes { bytes in
                try OfferFile.scan(bytes, keeping: { _ in true }, progress: { offset in
                    if offset > data.count / 2 { throw DriverError(.cancelled, "stop") }
                })
            }
        }
        #expect(stopped?.status == .cancelled)
    }

    @Test("malformed files are internal errors saying what and where")
    func malformed() {
        let cases: [(String, String)] = [
            ("", "ends at byte 0"),
            ("[]", "expected an object ('{') at byte 0"),
            (#"{"products": {}, "terms": {"Spot": {"A": [{"b": "]"}}}}}"#, "expected ']' at byte 52, found '}'"),
            (#"{"products": {} "terms": {}}"#, "expected ',' or '}' at byte 16"),
            (#"{"products": {}, "terms": {}} x"#, "expected the end of the file at byte 30"),
            (#"{"products": {}, "terms": {"OnDemand": []}}"#, "expected an object ('{')"),
            (#"{"products": {"A": {"sku": 1, "attributes": {}}}, "terms": {}}"#, "at 'products.A.sku'"),
            (#"{"version": 7, "products": {}, "terms": {}}"#, "'version' is not a string"),
            (#"{"products": {}, "terms": {}, "x": tru"#, "truncated"),
            (#"{"products": {}, "terms": {}, "x": }"#, "expected a value at byte 35"),
            (#"{"products": {}}"#, "'terms' missing"),
            (#"{"terms": {}}"#, "'products' missing"),
        ]
        for (text, wanted) in cases {
            let error = #expect(throws: DriverError.self, "\(text)") { try EC2PriceList(data: Data(text.utf8)) }
            #expect(error?.status == .internal, "\(text)")
            #expect(error?.message.contains("not an offer file") == true, "\(text)")
            #expect(error?.message.contains(wanted) == true, "\(text): \(error?.message ?? "")")
        }
    }
}
