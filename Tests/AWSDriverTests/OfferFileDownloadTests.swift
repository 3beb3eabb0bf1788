// The offer file downloaded to a temporary file by the driver's libcurl client from python3's
// http.server on 127.0.0.1: the price list as from the bytes, statuses mapped as before (the
// start of the server's answer in cloud_error), and no temporary file left whatever happens.
import Foundation
import SpiderDriverHTTP
import SpiderDriverKit
import Testing
@testable import AWSDriver

@Suite("AWS offer file download", .serialized)
struct OfferFileDownloadTests {
    @Test("a region's file downloads and scans; 404 is NOT_FOUND quoting the answer; a cut file is INTERNAL; no file stays")
    func download() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("spider-offer-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let scratch = folder + "/scratch"
        let whole = Data(try FixtureFiles.bytes("price/ec2-offer.json"))
        for (region, data) in [("us-east-1", whole), ("eu-west-9", whole.prefix(whole.count / 3))] {
            try FileManager.default.createDirectory(atPath: "\(folder)/offers/\(region)", withIntermediateDirectories: true)
            try data.write(to: URL(fileURLWithPath: "\(folder)/offers/\(region)/index.json"))
        }
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let server = try LoopbackFileServer(serving: folder + "/offers")
        let source = OfferFileSource(http: HTTPClient(options: .standard), base: server.url + "/", cache: OfferFileCache(), scratch: scratch)
        func leftovers() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: scratch) }

        let list = try source.priceList(region: "us-east-1", context: nil)
        #expect(try OfferFileScannerTests.json(list.cloudPrice(region: "us-east-1"))
                == (try OfferFileScannerTests.json(EC2PriceList(data: whole).cloudPrice(region: "us-east-1"))))
        #expect(try leftovers().isEmpty)

        let missing = #expect(throws: DriverError.self) { try source.priceList(region: "mars-north-1", context: nil) }
        #expect(missing?.status == .notFound)
        #expect(missing?.message.contains("mars-north-1") == true)
        #expect(missing?.cloudError?.hasPrefix("HTTP404: ") == true, "\(missing?.cloudError ?? "")")
        #expect(missing?.cloudError?.contains("Error code: 404") == true, "the start of the server's page: \(missing?.cloudError ?? "")")
        #expect(try leftovers().isEmpty)

        let cut = #expect(throws: DriverError.self) { try source.priceList(region: "eu-west-9", context: nil) }
        #expect(cut?.status == .internal)
        #expect(cut?.message.contains("not an offer file") == true, "\(cut?.message ?? "")")
        #expect(try leftovers().isEmpty)
    }
}
