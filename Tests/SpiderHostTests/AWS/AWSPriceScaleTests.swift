// AWS prices at AWS's scale in a real spiderd: a synthetic ~245 MiB offer file (Tests/AWSDriverTests/
// Fixtures/price/synthetic_offer.py: 200 instance types in 81 listings each with 13 terms, bare metal,
// hosts, storage, 30,000 data-transfer products) served by python3's http.server on 127.0.0.1, priced
// through the socket. spiderd's own peak resident memory for that one request (its VmHWM, reset just
// before) may grow by at most half the file: holding the file or its tree cannot pass. Measured on the
// spiderd process, which serves nothing else, so other tests running at the same time cannot move it.
import Foundation
import SpiderModels
import Testing

@Suite("AWS prices at AWS's scale in spiderd", .serialized)
struct AWSPriceScaleTests {
    static let types = 200

    @Test("a ~245 MiB offer file: prices as generated, spiderd's peak memory growth under half the file")
    func largeFile() throws {
        let site = try TempFolder(prefix: "spider-offer")
        let file = site.file("offers/us-east-1/index.json")
        try FileManager.default.createDirectory(atPath: site.file("offers/us-east-1"), withIntermediateDirectories: true)
        let generator = TestPaths.repository + "/Tests/AWSDriverTests/Fixtures/price/synthetic_offer.py"
        let (exit, output) = try ChildProcess.run("/usr/bin/env", ["python3", generator, file, String(Self.types)], in: site, seconds: 600)
        try #require(exit == .code(0), "synthetic_offer.py: \(output)")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int)
        #expect(size > 150 << 20, "the synthetic file is as large as a real region's (\(size) bytes)")

        let server = try StaticHTTPServer(serving: site.file("offers"), scratch: site)
        let (host, c) = try AWSStack.host(tag: "awspricescale", zone: false, keys: [("PriceListURL", server.url + "/")])
        let pid = try #require(host.processID)
        host.expectReady()
        let before = try Self.resetPeak(pid)
        let answer = try host.must("GET", "/spider/priceinfo/vm/us-east-1\(c.query)")
        let growth = try Self.kib(pid, "VmHWM") * 1024 - before
        #expect(growth < size / 2, "spiderd's peak memory grew by \(growth >> 20) MiB for a \(size >> 20) MiB file")
        print("offer file \(size >> 20) MiB: spiderd's peak resident memory grew by \(growth >> 20) MiB")

        let prices = try answer.decode(CloudPrice.self).PriceList
        #expect(prices.count == Self.types * 9, "3 OS x (OnDemand, Reserved1Yr, Reserved3Yr) per type")
        for t in [0, 9, 57, Self.types - 1] {
            for os in 0..<3 {
                let sku = "I" + Self.padded(t, 5) + "V" + Self.padded(os * 27, 2) + "SKUPAD"
                let mine = prices.filter { $0.ProductInfo.ProductId == sku }
                let base = 10 * (t + 1) + 100 * os
                #expect(mine.map { $0.PriceInfo.PricingPolicy ?? "?" } == ["OnDemand", "Reserved1Yr", "Reserved3Yr"], "\(sku)")
                #expect(mine.map { Double($0.PriceInfo.OnDemand.Price) ?? -1 } == [base, base * 6 / 10, base * 4 / 10].map { Double($0) / 10000 },
                        "\(sku)")
                #expect(mine.first?.ProductInfo.OSDistribution == ["Linux", "Windows", "RHEL"][os])
            }
        }
        #expect(prices.first { $0.ProductInfo.ProductId == "I00000V00SKUPAD" }?.ProductInfo.VMSpecInfo?.Name == "m1.large")
        #expect(prices.first { $0.ProductInfo.ProductId == "I00009V00SKUPAD" }?.ProductInfo.VMSpecInfo?.Name == "m2.metal")
        let families = try host.must("GET", "/spider/productfamily/us-east-1\(c.query)").decode(ProductFamilyList.self)
        #expect(families.productfamily == ["Compute Instance", "Compute Instance (bare metal)", "Data Transfer", "Dedicated Host", "Storage"])
    }

    /// Resets `pid`'s peak resident size (VmHWM) to its current one and answers that, in bytes.
    static func resetPeak(_ pid: pid_t) throws -> Int {
        try "5".write(toFile: "/proc/\(pid)/clear_refs", atomically: false, encoding: .utf8)
        return try kib(pid, "VmRSS") * 1024
    }

    static func kib(_ pid: pid_t, _ field: String) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
              let value = Int(line.split(separator: " ").dropFirst().first ?? "") else {
            throw TestFailure("no \(field) in /proc/\(pid)/status")
        }
        return value
    }

    static func padded(_ n: Int, _ width: Int) -> String {
        let text = String(n)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
