// EC2's Query API: Action + Version + parameters, form-encoded in a SigV4-signed POST; the answer
// is XML, an error document maps to a Spider status. Throttled calls are retried a few times with
// backoff inside the call's deadline, then answered RETRYABLE with a suggested delay. The same
// client speaks the other Query API services (ELBv2, CloudWatch) given their service and version.
import Foundation
import SpiderDriverHTTP
import SpiderDriverKit

struct EC2Client: Sendable {
    static let apiVersion = "2016-11-15"
    static let maxAttempts = 3

    let http: HTTPClient
    let credentials: AWSCredentials
    let region: String
    let endpoint: EC2Endpoint
    /// SigV4's service name and the API version sent with every action.
    let service: String
    let version: String

    init(http: HTTPClient, credentials: AWSCredentials, region: String, endpointOverride: String?,
         service: String = "ec2", version: String = EC2Client.apiVersion) throws {
        self.http = http
        self.credentials = credentials
        self.region = region
        self.service = service
        self.version = version
        do {
            endpoint = try EC2Endpoint(region: region, override: endpointOverride, service: service)
        } catch {
            throw DriverError.invalidArgument("key 'Endpoint': \(error)")
        }
    }

    /// Calls `action` and returns the parsed answer; an EC2 error becomes a DriverError.
    func call(_ action: String, _ params: EC2Params = EC2Params(), context: CallContext?) throws -> XMLNode {
        var delayMs: UInt32 = 200
        for attempt in 1...Self.maxAttempts {
            do {
                return try callOnce(action, params, context: context)
            } catch let error as DriverError where Self.isThrottling(error) && attempt < Self.maxAttempts {
                // AWS did not run a throttled request: trying again is safe, even for a create.
                if let context, context.deadlineRemainingMs <= Int64(delayMs) { throw error }
                try sleep(ms: delayMs, context: context)
                delayMs *= 2
            }
        }
        preconditionFailure("the loop returns or throws")
    }

    func callOnce(_ action: String, _ params: EC2Params, context: CallContext?) throws -> XMLNode {
        let body = Self.formBody(action: action, params: params, version: version)
        var request = SigV4Request(method: "POST", path: endpoint.path, headers: [
            ("Host", endpoint.host),
            ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
        ], body: Array(body.utf8))
        let signer = SigV4Signer(credentials: credentials, region: region, service: service)
        do {
            try signer.sign(&request, at: Date())
        } catch {
            throw DriverError.internal("aws \(action): cannot sign the request: \(error)")
        }
        let response: HTTPResponse
        do {
            response = try http.send(HTTPRequest(method: "POST", url: endpoint.url, headers: request.headers, body: request.body),
                                     context: context)
        } catch let failure as HTTPFailure {
            switch failure {
            case .cancelled: throw DriverError(.cancelled, "aws \(action): \(failure)")
            case .timedOut, .transport:
                throw DriverError(.retryable, "aws \(action) at \(endpoint.url): \(failure)", retryAfterMs: 1_000)
            }
        }
        return try Self.interpret(response, action: action)
    }

    /// The parsed answer of a 2xx reply, or the DriverError an error reply stands for.
    static func interpret(_ response: HTTPResponse, action: String) throws -> XMLNode {
        let document = try? XMLTreeParser.parse(response.body)
        if (200..<300).contains(response.status), let document, EC2ErrorReply(document) == nil {
            return document
        }
        let retryAfterMs = response.retryAfterSeconds.map { UInt32(clamping: $0 * 1_000) }
        if let document, let reply = EC2ErrorReply(document) {
            throw EC2ErrorMapping.driverError(reply, httpStatus: response.status, action: action, retryAfterMs: retryAfterMs)
        }
        let snippet = String(decoding: response.body.prefix(300), as: UTF8.self)
        let reply = EC2ErrorReply(code: "HTTP\(response.status)", message: snippet.isEmpty ? "an empty answer" : snippet)
        if (200..<300).contains(response.status) {
            throw DriverError(.internal, "aws \(action): the answer is not XML: \(snippet)", cloudError: snippet)
        }
        throw EC2ErrorMapping.driverError(reply, httpStatus: response.status, action: action, retryAfterMs: retryAfterMs)
    }

    static func formBody(action: String, params: EC2Params, version: String = apiVersion) -> String {
        ([("Action", action), ("Version", version)] + params.pairs)
            .map { "\(SigV4Signer.uriEncode($0.0))=\(SigV4Signer.uriEncode($0.1))" }
            .joined(separator: "&")
    }

    static func isThrottling(_ error: DriverError) -> Bool {
        guard error.status == .retryable, let cloud = error.cloudError else { return false }
        let code = String(cloud.prefix { $0 != ":" })
        return EC2ErrorMapping.throttlingCodes.contains(code)
    }

    /// Waits in small steps so a cancellation ends the wait early.
    private func sleep(ms: UInt32, context: CallContext?) throws {
        var left = Int(ms)
        while left > 0 {
            try context?.checkCancelled()
            let step = min(left, 50)
            usleep(useconds_t(step * 1_000))
            left -= step
        }
    }
}
