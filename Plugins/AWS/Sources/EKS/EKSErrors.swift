// EKS error answers as Spider statuses. EKS names the error in the x-amzn-ErrorType header (the
// HTTP client keeps no headers) and sometimes in the body's "__type"; its HTTP status tells the
// kind just as well: 404 ResourceNotFound, 409 ResourceInUse, 400 InvalidParameter/InvalidRequest.
// Only an answer that says so means "not implemented": HTTP 501, or EKS's UnknownOperationException.
// A 404 or 405 that is not EKS's JSON (moto has no route for UpdateClusterVersion and answers its web
// server's 404 page) cannot tell an endpoint without the API from a wrong URL or a wrong Endpoint:
// it is a failed call naming the request, not UNSUPPORTED and not a missing cluster.
import SpiderDriverKit

enum EKSErrorMapping {
    /// `request` is "METHOD /path", for the message when the answer is not EKS's.
    static func driverError(action: String, request: String, httpStatus: Int, json: [String: Any]?, text: String,
                            retryAfterSeconds: Int?) -> DriverError {
        if httpStatus == 501 {
            return DriverError(.unsupported, "aws eks \(action): this EKS endpoint does not implement \(action) (HTTP 501)",
                               cloudError: "HTTP501: \(text)")
        }
        guard let json else {
            if httpStatus == 404 || httpStatus == 405 {
                return DriverError(.internal, "aws eks \(action): \(request) answered HTTP \(httpStatus) without an EKS error "
                                   + "(not EKS's answer: the endpoint lacks this API, or Endpoint is not an EKS endpoint)",
                                   cloudError: "HTTP\(httpStatus): \(text)")
            }
            return DriverError(status(code: "", httpStatus: httpStatus), "aws eks \(action): HTTP \(httpStatus): \(text)",
                               cloudError: "HTTP\(httpStatus): \(text)", retryAfterMs: retryMs(httpStatus, retryAfterSeconds))
        }
        let message = (json["message"] ?? json["Message"]) as? String ?? text
        let type = (json["__type"] as? String).map { String($0.split(separator: "#").last ?? Substring($0)) }
        let code = type ?? defaultCode(httpStatus)
        if code == "UnknownOperationException" {
            return DriverError(.unsupported, "aws eks \(action): this EKS endpoint does not implement \(action) (\(code))",
                               cloudError: "\(code): \(message)")
        }
        return DriverError(status(code: code, httpStatus: httpStatus), "aws eks \(action): \(code): \(message)",
                           cloudError: "\(code): \(message)", retryAfterMs: retryMs(httpStatus, retryAfterSeconds))
    }

    /// The code EKS sends with this status when the body does not name one.
    static func defaultCode(_ httpStatus: Int) -> String {
        switch httpStatus {
        case 400: "InvalidParameterException"
        case 401: "UnrecognizedClientException"
        case 403: "AccessDeniedException"
        case 404: "ResourceNotFoundException"
        case 409: "ResourceInUseException"
        case 429: "ThrottlingException"
        case 503: "ServiceUnavailableException"
        default: "HTTP\(httpStatus)"
        }
    }

    static func status(code: String, httpStatus: Int) -> DriverStatus {
        switch code {
        case "ResourceNotFoundException", "NotFoundException": return .notFound
        case "ResourceInUseException": return .conflict
        case "InvalidParameterException", "InvalidRequestException", "ClientException", "BadRequestException",
             "ResourceLimitExceededException", "UnsupportedAvailabilityZoneException": return .invalidArgument
        case "UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException": return .unauthenticated
        case "AccessDeniedException": return .permissionDenied
        case "ThrottlingException", "TooManyRequestsException", "ServerException", "ServiceUnavailableException": return .retryable
        default: break
        }
        switch httpStatus {
        case 404: return .notFound
        case 409: return .conflict
        case 401: return .unauthenticated
        case 403: return .permissionDenied
        case 429, 500..<600: return .retryable
        case 400..<500: return .invalidArgument
        default: return .internal
        }
    }

    private static func retryMs(_ httpStatus: Int, _ seconds: Int?) -> UInt32 {
        guard httpStatus == 429 || httpStatus >= 500 else { return 0 }
        return UInt32(clamping: (seconds ?? 1) * 1_000)
    }
}
