// EC2's error answers (<Response><Errors><Error><Code/><Message/></Error></Errors>…) as Spider
// statuses. AWS's code and message travel in cloud_error as "Code: Message".
import SpiderDriverKit

struct EC2ErrorReply: Sendable, Equatable {
    let code: String
    let message: String
    let requestID: String

    /// The first <Error> of an error document, or nil when the body is not one.
    init?(_ document: XMLNode) {
        let error = document.find("Errors", "Error") ?? (document.name == "Error" ? document : document.child("Error"))
        guard let error, !error.string("Code").isEmpty else { return nil }
        code = error.string("Code")
        message = error.string("Message")
        requestID = document.string("RequestID").isEmpty ? document.string("RequestId") : document.string("RequestID")
    }

    init(code: String, message: String, requestID: String = "") {
        self.code = code
        self.message = message
        self.requestID = requestID
    }
}

enum EC2ErrorMapping {
    static let throttlingCodes: Set<String> = [
        "RequestLimitExceeded", "Throttling", "ThrottlingException", "RequestThrottled",
        "RequestThrottledException", "TooManyRequestsException", "SlowDown", "EC2ThrottledException",
    ]
    static let unavailableCodes: Set<String> = [
        "InternalError", "InternalFailure", "ServiceUnavailable", "Unavailable",
    ]
    static let unauthenticatedCodes: Set<String> = [
        "AuthFailure", "InvalidClientTokenId", "SignatureDoesNotMatch", "IncompleteSignature",
        "MissingAuthenticationToken", "ExpiredToken", "RequestExpired", "InvalidAccessKeyId",
        "InvalidSecurity", "AuthFailure.ServiceLinkedRoleCreationNotPermitted",
    ]
    static let permissionCodes: Set<String> = [
        "UnauthorizedOperation", "AccessDenied", "AccessDeniedException", "Blocked", "OptInRequired",
        "PendingVerification",
    ]
    static let conflictCodes: Set<String> = [
        "DependencyViolation", "InvalidGroup.InUse", "IncorrectState", "IncorrectInstanceState",
        "VolumeInUse", "InvalidKeyPair.InUse", "ResourceInUse",
    ]
    static let unsupportedCodes: Set<String> = [
        "UnsupportedOperation", "InvalidAction", "NotImplemented", "Unsupported",
    ]

    /// The delay suggested to a caller retrying after throttling, when AWS says nothing.
    static let throttleRetryMs: UInt32 = 1_000

    /// The Spider status for an EC2 error code (with the HTTP status as a fallback).
    static func status(code: String, httpStatus: Int) -> DriverStatus {
        if throttlingCodes.contains(code) { return .retryable }
        if unavailableCodes.contains(code) { return .retryable }
        if unauthenticatedCodes.contains(code) { return .unauthenticated }
        if permissionCodes.contains(code) { return .permissionDenied }
        if conflictCodes.contains(code) { return .conflict }
        if unsupportedCodes.contains(code) { return .unsupported }
        if code.hasSuffix(".NotFound") || code.hasSuffix("NotFound") || code.hasSuffix("NotFoundException") {
            return .notFound
        }
        if code.hasSuffix(".Duplicate") || code.hasPrefix("Duplicate") || code.hasSuffix("AlreadyExists") || code.hasSuffix("AlreadyExistsException") {
            return .alreadyExists
        }
        if code.hasPrefix("Invalid") || code.hasPrefix("Missing") || code.hasSuffix(".Malformed")
            || code.hasSuffix(".Range") || code.hasSuffix(".Conflict") {
            return .invalidArgument
        }
        if code.hasSuffix("LimitExceeded") { return .conflict }   // an account quota: not retryable by waiting
        switch httpStatus {
        case 401: return .unauthenticated
        case 403: return .permissionDenied
        case 404: return .notFound
        case 409: return .conflict
        case 429, 500...599: return .retryable
        case 400...499: return .invalidArgument
        default: return .internal
        }
    }

    static func driverError(_ reply: EC2ErrorReply, httpStatus: Int, action: String, retryAfterMs: UInt32? = nil) -> DriverError {
        let status = status(code: reply.code, httpStatus: httpStatus)
        let text = reply.message.isEmpty ? reply.code : "\(reply.code): \(reply.message)"
        var error = DriverError(status, "aws \(action): \(text)", cloudError: text)
        if status == .retryable { error.retryAfterMs = retryAfterMs ?? throttleRetryMs }
        return error
    }
}
