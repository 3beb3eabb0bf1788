// Where a region's EC2 offer file comes from: `<base>/<region>/index.json`, the base being the
// connection's `PriceListURL` or AWS's public price list. The file is public (fetched unsigned),
// large and republished a few times a day, so each one is kept for an hour, shared by every
// connection of the driver with the same base.
import Foundation
import SpiderDriverKit
import Synchronization

struct OfferFileSource: Sendable {
    static let publicBase = "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current"
    static let cacheTTL: TimeInterval = 3_600

    let http: HTTPClient
    let base: String
    let cache: OfferFileCache

    init(http: HTTPClient, base: String?, cache: OfferFileCache = .shared) {
        self.http = http
        var base = base ?? Self.publicBase
        while base.hasSuffix("/") { base.removeLast() }
        self.base = base
        self.cache = cache
    }

    /// The offer file's URL for `region`; a name that is no AWS region name finds nothing.
    func url(region: String) throws -> String {
        guard !region.isEmpty, region.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw DriverError.notFound("'\(region)' is not an AWS region name, so the AWS price list has nothing for it")
        }
        return "\(base)/\(region)/index.json"
    }

    /// The region's price list, from the cache while it is younger than an hour.
    func priceList(region: String, context: CallContext?) throws -> EC2PriceList {
        let url = try url(region: region)
        if let list = cache.fresh(url, now: Date(), ttl: Self.cacheTTL) { return list }
        let list = try EC2PriceList(data: Data(try fetch(url, region: region, context: context)))
        cache.store(url, list, at: Date())
        return list
    }

    private func fetch(_ url: String, region: String, context: CallContext?) throws -> [UInt8] {
        let response: HTTPResponse
        do {
            response = try http.send(HTTPRequest(method: "GET", url: url, headers: [("Accept", "application/json")], body: []),
                                     context: context)
        } catch let failure as HTTPFailure {
            switch failure {
            case .cancelled: throw DriverError(.cancelled, "AWS price list: \(failure)")
            case .timedOut, .transport: throw DriverError(.retryable, "AWS price list at \(url): \(failure)", retryAfterMs: 1_000)
            }
        }
        return try Self.body(of: response, url: url, region: region)
    }

    /// The body of a 2xx answer; otherwise the status a caller can act on. The public price list
    /// (S3 behind CloudFront) answers 403 or 404 for a region it has no file for.
    static func body(of response: HTTPResponse, url: String, region: String) throws -> [UInt8] {
        let snippet = String(decoding: response.body.prefix(200), as: UTF8.self)
        let cloudError = "HTTP\(response.status): \(snippet)"
        switch response.status {
        case 200..<300:
            return response.body
        case 403, 404:
            throw DriverError(.notFound, "region '\(region)' has no AWS price list (\(url) answered \(response.status))",
                              cloudError: cloudError)
        case 429, 500..<600:
            throw DriverError(.retryable, "AWS price list at \(url) answered \(response.status)", cloudError: cloudError,
                              retryAfterMs: UInt32(clamping: (response.retryAfterSeconds ?? 1) * 1_000))
        default:
            throw DriverError(.internal, "AWS price list at \(url) answered \(response.status)", cloudError: cloudError)
        }
    }
}

/// Decoded offer files by URL with the time each was fetched.
final class OfferFileCache: Sendable {
    static let shared = OfferFileCache()

    private let entries = Mutex<[String: (list: EC2PriceList, fetchedAt: Date)]>([:])

    /// The list stored for `url` when it was fetched less than `ttl` before `now`.
    func fresh(_ url: String, now: Date, ttl: TimeInterval) -> EC2PriceList? {
        entries.withLock { entries in
            guard let entry = entries[url] else { return nil }
            guard now.timeIntervalSince(entry.fetchedAt) < ttl else {
                entries[url] = nil   // stale: let its memory go
                return nil
            }
            return entry.list
        }
    }

    func store(_ url: String, _ list: EC2PriceList, at date: Date) {
        entries.withLock { $0[url] = (list, date) }
    }
}
