// EC2 error documents (moto's and AWS's shapes) → Spider statuses, with AWS's code and message in
// cloud_error; throttling is RETRYABLE with a delay.
import Testing
@testable import AWSDriver
import SpiderDriverHTTP
import SpiderDriverKit

@Suite("EC2 error mapping")
struct EC2ErrorMappingTests {
    static func reply(_ file: String, status: Int = 400) throws -> DriverError {
        do {
            _ = try EC2Client.interpret(HTTPResponse(status: status, body: try FixtureFiles.bytes("ec2/\(file)"), retryAfterSeconds: nil),
                                        action: "Test")
        } catch let error as DriverError {
            return error
        }
        throw SigV4Error("\(file) was not an error")
    }

    @Test("error documents map to statuses and keep AWS's code and message",
          arguments: [
              ("Error-InvalidVpcID.NotFound.xml", 400, DriverStatus.notFound, "InvalidVpcID.NotFound: VpcID {'vpc-0000000000000000f'} does not exist."),
              ("Error-DependencyViolation.xml", 400, .conflict, "DependencyViolation: The vpc 'vpc-e56e1159562eafdf6' has dependencies and cannot be deleted."),
              ("Error-InvalidPermission.Duplicate.xml", 400, .alreadyExists, nil),
              ("aws-Error-RequestLimitExceeded.xml", 503, .retryable, "RequestLimitExceeded: Request limit exceeded."),
              ("aws-Error-AuthFailure.xml", 401, .unauthenticated, "AuthFailure: AWS was not able to validate the provided access credentials"),
          ] as [(String, Int, DriverStatus, String?)])
    func documents(_ file: String, _ status: Int, _ expected: DriverStatus, _ cloud: String?) throws {
        let error = try Self.reply(file, status: status)
        #expect(error.status == expected)
        if let cloud { #expect(error.cloudError == cloud) }
        #expect(error.cloudError?.hasPrefix(String(file.dropFirst(file.hasPrefix("aws-") ? 10 : 6).dropLast(4))) == true)
        #expect(error.message.contains("aws Test"))
        if expected == .retryable { #expect(error.retryAfterMs > 0) } else { #expect(error.retryAfterMs == 0) }
    }

    @Test("codes by family", arguments: [
        ("InvalidGroup.NotFound", DriverStatus.notFound), ("InvalidKeyPair.NotFound", .notFound), ("InvalidSubnetID.NotFound", .notFound),
        ("InvalidPermission.NotFound", .notFound), ("InvalidKeyPair.Duplicate", .alreadyExists), ("InvalidGroup.Duplicate", .alreadyExists),
        ("InvalidGroup.InUse", .conflict), ("DependencyViolation", .conflict), ("Throttling", .retryable),
        ("RequestLimitExceeded", .retryable), ("InternalError", .retryable), ("Unavailable", .retryable),
        ("AuthFailure", .unauthenticated), ("InvalidClientTokenId", .unauthenticated), ("SignatureDoesNotMatch", .unauthenticated),
        ("UnauthorizedOperation", .permissionDenied), ("InvalidParameterValue", .invalidArgument), ("InvalidVpc.Range", .invalidArgument),
        ("InvalidSubnet.Conflict", .invalidArgument), ("InvalidVpcID.Malformed", .invalidArgument), ("MissingParameter", .invalidArgument),
        ("VpcLimitExceeded", .conflict), ("InvalidAction", .unsupported),
    ] as [(String, DriverStatus)])
    func codes(_ code: String, _ expected: DriverStatus) {
        #expect(EC2ErrorMapping.status(code: code, httpStatus: 400) == expected)
    }

    @Test("an answer that is not an error document maps by HTTP status; Retry-After becomes the delay")
    func httpOnly() {
        for (status, expected) in [(503, DriverStatus.retryable), (403, .permissionDenied), (404, .notFound), (400, .invalidArgument)] {
            do {
                _ = try EC2Client.interpret(HTTPResponse(status: status, body: Array("<html>busy</html>".utf8), retryAfterSeconds: 7),
                                            action: "Test")
                Issue.record("HTTP \(status) was taken for success")
            } catch let error as DriverError {
                #expect(error.status == expected, "HTTP \(status)")
                #expect(error.cloudError?.hasPrefix("HTTP\(status)") == true)
                if expected == .retryable { #expect(error.retryAfterMs == 7_000) }
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test("only throttling is retried inside a call (the request did not run)")
    func throttlingIsRetried() throws {
        #expect(EC2Client.isThrottling(try Self.reply("aws-Error-RequestLimitExceeded.xml", status: 503)))
        #expect(!EC2Client.isThrottling(DriverError(.retryable, "x", cloudError: "InternalError: boom")))
        #expect(!EC2Client.isThrottling(try Self.reply("Error-DependencyViolation.xml")))
    }
}
