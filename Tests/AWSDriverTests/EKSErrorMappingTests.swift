// EKS's error answers as Spider statuses: by "__type" when the body names it, else by HTTP status;
// a 404 that is not EKS's JSON (an API the endpoint lacks) is UNSUPPORTED, not NOT_FOUND.
import SpiderDriverKit
import Testing
@testable import AWSDriver

@Suite("EKS error mapping")
struct EKSErrorMappingTests {
    private func map(_ status: Int, _ json: [String: Any]?, _ text: String = "") -> DriverError {
        EKSErrorMapping.driverError(action: "DescribeCluster", httpStatus: status, json: json, text: text, retryAfterSeconds: nil)
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

    @Test("a non-JSON 404 (no such API on this endpoint) is UNSUPPORTED naming the action")
    func missingAPI() {
        let error = EKSErrorMapping.driverError(action: "UpdateClusterVersion", httpStatus: 404, json: nil,
                                                text: "<title>404 Not Found</title>", retryAfterSeconds: nil)
        #expect(error.status == .unsupported)
        #expect(error.message.contains("does not implement UpdateClusterVersion"))
        #expect(map(502, nil, "<html>bad gateway</html>").status == .retryable)
    }
}
