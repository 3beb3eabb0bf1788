// EKS's error answers as Spider statuses: by "__type" when the body names it, else by HTTP status;
// only HTTP 501 and UnknownOperationException mean "not implemented"; a 404 that is not EKS's JSON
// is a failed call naming the request (it could as well be a wrong URL), never NOT_FOUND.
import SpiderDriverKit
import Testing
@testable import AWSDriver

@Suite("EKS error mapping")
struct EKSErrorMappingTests {
    private func map(_ status: Int, _ json: [String: Any]?, _ text: String = "") -> DriverError {
        EKSErrorMapping.driverError(action: "DescribeCluster", request: "GET /clusters/c1", httpStatus: status, json: json, text: text,
                                    retryAfterSeconds: nil)
    }

    @Test("moto's and AWS's JSON errors by status, or by __type when present")
    func jsonErrors() {
        let missing = map(404, ["message": "No cluster found for name: nope."])
        #expect(missing.status == .notFound)
        #expect(missing.cloudError == "ResourceNotFoundException: No cluster found for name: nope.")
        #expect(map(409, ["message": "Cluster has nodegroups attached"]).status == .conflict)
        #expect(map(400, ["message": "bad version"]).status == .invalidArgument)
        #expect(map(403, ["message": "no"]).status == .permissionDenied)
        #expect(map(400, ["__type": "com.amazonaws.eks#ResourceNotFoundException", "message": "x"]).status == .notFound)
        let throttled = map(429, ["message": "slow down"])
        #expect(throttled.status == .retryable)
        #expect(throttled.retryAfterMs == 1_000)
    }

    @Test("not implemented only when the answer says so: HTTP 501 or UnknownOperationException")
    func notImplemented() {
        let upgrade = { (status: Int, json: [String: Any]?, text: String) in
            EKSErrorMapping.driverError(action: "UpdateClusterVersion", request: "POST /clusters/c1/updates", httpStatus: status,
                                        json: json, text: text, retryAfterSeconds: nil)
        }
        let five01 = upgrade(501, nil, "Not Implemented")
        #expect(five01.status == .unsupported && five01.message.contains("does not implement UpdateClusterVersion"))
        #expect(upgrade(501, ["message": "later"], "").status == .unsupported)
        let unknown = upgrade(404, ["__type": "UnknownOperationException", "message": "x"], "")
        #expect(unknown.status == .unsupported && unknown.message.contains("UnknownOperationException"))
    }

    @Test("a 404 or 405 that is not EKS's JSON names the request and is not 'not implemented' nor 'not found'")
    func notEKSAnswer() {
        for status in [404, 405] {
            let error = EKSErrorMapping.driverError(action: "UpdateClusterVersion", request: "POST /clusters/c1/updates", httpStatus: status,
                                                    json: nil, text: "<title>404 Not Found</title>", retryAfterSeconds: nil)
            #expect(error.status == .internal, "\(status)")
            #expect(error.message.contains("POST /clusters/c1/updates") && error.message.contains("HTTP \(status)"), "\(error.message)")
            #expect(!error.message.contains("does not implement"))
            #expect(error.cloudError?.contains("404 Not Found") == true)
        }
        #expect(map(502, nil, "<html>bad gateway</html>").status == .retryable)
        #expect(map(404, ["message": "No cluster found for name: c1."]).status == .notFound, "EKS's own 404 still means not found")
    }
}
