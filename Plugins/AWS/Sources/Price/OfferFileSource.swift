// Where a region's EC2 offer file comes from: `<base>/<region>/index.json`, the base being the
// connection's `PriceListURL` or AWS's public price list. The file is public (fetched unsigned),
// large and republished a few times a day, so each one is kept for an hour, shared by every
// connection of the driver with the same base. A region's file is hundreds of MB to several GB,
// so it is downloaded to a temporary file (unlinked at once: nothing is left behind, whatever
// happens) and scanned from there, keeping only what the price list needs.
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SpiderDriverHTTP
import SpiderDriverKit
import Synchronization

struct OfferFileSource: Sendable {
    static let publicBase = "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current"
    static let cacheTTL: TimeInterval = 3_600

    let http: HTTPClient
    let base: String
    let cache: OfferFileCache
    /// Where the download's temporary file is made.
    let scratch: String

    init(http: HTTPClient, base: String?, cache: OfferFileCache = .shared, scratch: String = NSTemporaryDirectory()) {
        self.http = http
        self.scratch = scratch
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
        let list = try EC2PriceList(file: try fetch(url, region: region, context: context), context: context)
        cache.store(url, list, at: Date())
        return list
    }

    /// The offer file downloaded to an already-unlinked temporary file, mapped.
    private func fetch(_ url: String, region: String, context: CallContext?) throws -> MappedFile {
        var template = Array((scratch.hasSuffix("/") ? scratch : scratch + "/").utf8CString.dropLast()) + Array("spider-aws-offer-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else {
            throw DriverError.internal("no temporary file for the AWS price list in \(scratch): \(String(cString: strerror(errno)))")
        }
        unlink(template)
        defer { close(fd) }
        let response: HTTPResponse
        do {
            response = try http.download(HTTPRequest(method: "GET", url: url, headers: [("Accept", "application/json")], body: []),
                                         to: fd, context: context)
        } catch let failure as HTTPFailure {
            switch failure {
            case .cancelled: throw DriverError(.cancelled, "AWS price list: \(failure)")
            case .timedOut, .transport: throw DriverError(.retryable, "AWS price list at \(url): \(failure)", retryAfterMs: 1_000)
            }
        }
        _ = try Self.body(of: response, url: url, region: region)
        return try MappedFile(fd: fd)
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
