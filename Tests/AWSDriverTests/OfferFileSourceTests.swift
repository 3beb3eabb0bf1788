// Where the driver reads offer files (base + region + index.json), how the price list's HTTP
// answers map to statuses, and how long a fetched file is kept (the clock is passed in).
import Foundation
import SpiderDriverHTTP
import SpiderDriverKit
import Testing
@testable import AWSDriver

@Suite("AWS offer-file source")
struct OfferFileSourceTests {
    let http = HTTPClient(options: .standard)

    @Test("the URL is <base>/<region>/index.json; AWS's public list by default; trailing slashes go")
    func urls() throws {
        #expect(try OfferFileSource(http: http, base: nil).url(region: "eu-west-1")
                == "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/eu-west-1/index.json")
        #expect(try OfferFileSource(http: http, base: "http://127.0.0.1:8080/p//").url(region: "us-east-1")
                == "http://127.0.0.1:8080/p/us-east-1/index.json")
        for bad in ["", "../etc", "us-east-1/../x", "us east", "ü-1"] {
            let error = #expect(throws: DriverError.self) { try OfferFileSource(http: http, base: nil).url(region: bad) }
            #expect(error?.status == .notFound, "\(bad)")
        }
    }

    @Test("403/404 → NOT_FOUND naming the region, 429/5xx → RETRYABLE, others INTERNAL; 2xx is the body")
    func statuses() throws {
        func status(_ code: Int) -> DriverStatus? {
            let response = HTTPResponse(status: code, body: Array("<Error>x</Error>".utf8), retryAfterSeconds: nil)
            do { _ = try OfferFileSource.body(of: response, url: "u", region: "r-1"); return nil } catch let e as DriverError { return e.status } catch { return .internal }
        }
        #expect(status(403) == .notFound)
        #expect(status(404) == .notFound)
        #expect(status(429) == .retryable)
        #expect(status(503) == .retryable)
        #expect(status(301) == .internal)
        #expect(status(200) == nil)
        let missing = #expect(throws: DriverError.self) {
            try OfferFileSource.body(of: HTTPResponse(status: 404, body: [], retryAfterSeconds: nil), url: "u", region: "mars-north-1")
        }
        #expect(missing?.message.contains("mars-north-1") == true)
        #expect(missing?.cloudError?.hasPrefix("HTTP404") == true)
    }

    @Test("a stored list answers until its time is up, then is gone")
    func cacheLifetime() throws {
        let list = try EC2PriceList(data: Data(FixtureFiles.bytes("price/ec2-offer.json")))
        let cache = OfferFileCache()
        let fetched = Date(timeIntervalSince1970: 1_000_000)
        cache.store("u", list, at: fetched)
        #expect(cache.fresh("u", now: fetched.addingTimeInterval(3_599), ttl: 3_600)?.offer.version == "20251120154512")
        #expect(cache.fresh("other", now: fetched, ttl: 3_600) == nil)
        #expect(cache.fresh("u", now: fetched.addingTimeInterval(3_600), ttl: 3_600) == nil)
        #expect(cache.fresh("u", now: fetched, ttl: 3_600) == nil, "a stale entry is dropped, not kept for later")
    }
}
