// The price list of a synthetic offer file larger than the scanner's mapping step (Fixtures/price/
// synthetic_offer.py: instance types in 81 listings each with 13 terms, bare metal, hosts, storage,
// data-transfer products), downloaded from python3's http.server on 127.0.0.1 through the driver's
// own HTTP client and scanned: what is kept and priced. Memory at AWS's scale is measured on a
// spiderd process of its own (SpiderHostTests' AWSPriceScaleTests): this test process runs other
// suites at the same time, so its own peak would say nothing.
import Foundation
import SpiderDriverHTTP
import SpiderDriverKit
import SpiderModels
import Testing
@testable import AWSDriver

@Suite("AWS offer file at scale", .serialized)
struct OfferFileScaleTests {
    /// About 30 MiB: two mapping steps of 16 MiB and a part.
    static let types = 24

    @Test("an offer file of several mapping steps: prices as generated, only the priced parts kept, no file left")
    func largeFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("spider-offer-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let scratch = folder + "/scratch", regionFolder = folder + "/offers/us-east-1"
        for path in [scratch, regionFolder] { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        let file = regionFolder + "/index.json"
        try Self.generate(file, types: Self.types)
        let size = try #require(FileManager.default.attributesOfItem(atPath: file)[.size] as? Int)
        #expect(size > 2 * (16 << 20), "the file spans several mapping steps (\(size) bytes)")

        let server = try LoopbackFileServer(serving: folder + "/offers")
        let source = OfferFileSource(http: HTTPClient(options: .standard), base: server.url, cache: OfferFileCache(), scratch: scratch)
        let list = try source.priceList(region: "us-east-1", context: nil)
        let prices = try list.prices(region: "us-east-1")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch).isEmpty, "the download's temporary file is gone")

        #expect(try list.productFamilies(region: "us-east-1").productfamily
                == ["Compute Instance", "Compute Instance (bare metal)", "Data Transfer", "Dedicated Host", "Storage"])
        #expect(list.offer.version == "20251126000000")
        #expect(list.offer.products.count == Self.types * 3, "only the plain listings are kept")
        #expect(list.offer.terms[OfferFile.onDemand]?.count == Self.types * 3)
        #expect(list.offer.terms[OfferFile.reserved]?.count == Self.types * 3)
        #expect(list.offer.terms[OfferFile.reserved]?.values.allSatisfy { $0.count == 2 } == true,
                "of 12 reserved terms per SKU, the two priced ones (standard, no upfront, 1 and 3 years) are kept")
        #expect(prices.count == Self.types * 9, "3 OS x (OnDemand, Reserved1Yr, Reserved3Yr) per type")

        for t in [0, 9, 17, Self.types - 1] {
            for os in 0..<3 {
                let sku = "I" + Self.padded(t, 5) + "V" + Self.padded(os * 27, 2) + "SKUPAD"
                let mine = prices.filter { $0.ProductInfo.ProductId == sku }
                let base = 10 * (t + 1) + 100 * os
                #expect(mine.map { $0.PriceInfo.PricingPolicy ?? "?" } == ["OnDemand", "Reserved1Yr", "Reserved3Yr"], "\(sku)")
                #expect(mine.map(\.PriceInfo.OnDemand.Price) == [base, base * 6 / 10, base * 4 / 10].map(Self.money), "\(sku)")
                #expect(mine.first?.ProductInfo.OSDistribution == ["Linux", "Windows", "RHEL"][os])
            }
        }
        let first = try #require(prices.first { $0.ProductInfo.ProductId == "I00000V00SKUPAD" }?.ProductInfo.VMSpecInfo)
        #expect(first.Name == "m1.large")
        #expect(first.KeyValueList?.first { $0.Key == "physicalProcessor" }?.Value
                == #"brace { bracket [ quote " backslash \ close } ] café 🚀 end"#)
        #expect(prices.first { $0.ProductInfo.ProductId == "I00009V00SKUPAD" }?.ProductInfo.VMSpecInfo?.Name == "m2.metal")
    }

    /// Runs the generator (python3) into `path`.
    static func generate(_ path: String, types: Int) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", FixtureFiles.root + "/price/synthetic_offer.py", path, String(types)]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw LoopbackServerFailure(description: "synthetic_offer.py failed") }
    }

    static func padded(_ n: Int, _ width: Int) -> String {
        let text = String(n)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// 1/10000 USD as the price list answers it (AWS's padding gone).
    static func money(_ units: Int) -> String {
        EC2PriceList.decimal("\(units / 10000).\(padded(units % 10000, 4))000000")
    }
}
