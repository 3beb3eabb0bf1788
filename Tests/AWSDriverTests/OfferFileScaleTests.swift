// The price list of a region file as large as AWS's (a ~250 MB synthetic offer file written by
// Fixtures/price/synthetic_offer.py: 200 instance types in 81 listings each with 13 terms, bare
// metal, hosts, storage, 30,000 data-transfer products), downloaded from python3's http.server on
// 127.0.0.1 through the driver's own HTTP client and scanned. The process's peak resident memory
// may grow by at most half the file's size: holding the file (or its tree) in memory cannot pass.
import Foundation
import SpiderDriverKit
import SpiderModels
import Testing
@testable import AWSDriver

@Suite("AWS offer file at scale", .serialized)
struct OfferFileScaleTests {
    static let types = 200

    @Test("a ~250 MB offer file: prices as generated, peak memory growth under half the file, no file left")
    func largeFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("spider-offer-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let scratch = folder + "/scratch", regionFolder = folder + "/offers/us-east-1"
        for path in [scratch, regionFolder] { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        let file = regionFolder + "/index.json"
        try Self.generate(file, types: Self.types)
        let size = try #require(FileManager.default.attributesOfItem(atPath: file)[.size] as? Int)
        #expect(size > 150 << 20, "the synthetic file is as large as a real region's (\(size) bytes)")

        let server = try LoopbackFileServer(serving: folder + "/offers")
        let source = OfferFileSource(http: HTTPClient(options: .standard), base: server.url, cache: OfferFileCache(), scratch: scratch)
        let before = try ProcessMemory.resetPeak()
        let list = try source.priceList(region: "us-east-1", context: nil)
        let prices = try list.prices(region: "us-east-1")
        let growth = try ProcessMemory.peakBytes() - before
        // Kept data is a few MB and the scan maps at most a 16 MB step plus read-ahead at a time;
        // the old way held the body twice (bytes and Data) before decoding it whole.
        #expect(growth < size / 2, "peak memory grew by \(growth >> 20) MiB for a \(size >> 20) MiB file")
        print("offer file \(size >> 20) MiB: peak resident memory grew by \(growth >> 20) MiB")
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

        for t in [0, 9, 57, Self.types - 1] {
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

/// The process's resident memory from /proc/self/status.
enum ProcessMemory {
    /// Resets the peak (VmHWM) to the current resident size and answers that size in bytes.
    static func resetPeak() throws -> Int {
        try "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        return try field("VmRSS")
    }

    /// The peak resident size (VmHWM) since the last reset, in bytes.
    static func peakBytes() throws -> Int { try field("VmHWM") }

    private static func field(_ name: String) throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }),
              let kB = Int(line.split(separator: " ").dropFirst().first ?? "") else {
            throw LoopbackServerFailure(description: "no \(name) in /proc/self/status")
        }
        return kB * 1024
    }
}
