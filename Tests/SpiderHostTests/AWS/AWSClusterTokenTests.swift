// GET /spider/cluster/{Name}/token through the AWS driver: a Kubernetes ExecCredential whose token
// is EKS's (k8s-aws-v1. + a presigned STS URL for the connection's region, signed with the
// connection's key and naming the cluster); an unknown cluster is 404. The signature itself is
// checked against botocore in AWSDriverTests/EKSTokenTests.
import Foundation
import Testing

@Suite("AWS driver against moto: EKS cluster token", .serialized)
struct AWSClusterTokenTests {
    @Test("token of a cluster: ExecCredential, STS URL of the region with the key and the cluster name, 14 minutes; unknown or gone → 404")
    func token() throws {
        let (moto, host, c) = try AWSClusterTests.stack()
        try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01", subnets: [("subnet-01", "10.0.1.0/24"),
                                                                                            ("subnet-02", "10.0.2.0/24")]))
        try host.must("POST", "/spider/cluster", json: Requests.cluster(c.name, "cls-01", subnets: ["subnet-01", "subnet-02"],
                                                                        securityGroups: []))
        let before = Date()
        let answer = try host.must("GET", "/spider/cluster/cls-01/token\(c.query)").json
        let after = Date()
        #expect(answer["kind"] as? String == "ExecCredential")
        #expect(answer["apiVersion"] as? String == "client.authentication.k8s.io/v1beta1")
        let status = try #require(answer["status"] as? [String: Any])
        let token = try #require(status["token"] as? String)
        #expect(token.hasPrefix("k8s-aws-v1."))
        var base64 = String(token.dropFirst("k8s-aws-v1.".count)).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        let url = try #require(Data(base64Encoded: base64).flatMap { String(data: $0, encoding: .utf8) }.flatMap(URLComponents.init(string:)))
        #expect(url.host == "sts.\(AWSClusterTests.region).amazonaws.com")
        let query = Dictionary((url.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { a, _ in a })
        #expect(query["Action"] == "GetCallerIdentity")
        #expect(query["X-Amz-Credential"]?.hasPrefix("AKIDSPIDERTEST/") == true)
        #expect(query["X-Amz-SignedHeaders"] == "host;x-k8s-aws-id")
        #expect(query["X-Amz-Signature"]?.count == 64)
        let expires = try #require((status["expirationTimestamp"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) })
        // Issued while the request ran, valid 14 minutes from then (RFC 3339 keeps whole seconds).
        let signedAt = try #require(query["X-Amz-Date"].flatMap(Self.amzDate))
        #expect(signedAt >= before.addingTimeInterval(-1) && signedAt <= after, "\(signedAt) outside the request's \(before)…\(after)")
        #expect(abs(expires.timeIntervalSince(signedAt) - 14 * 60) <= 1, "expires \(expires), signed \(signedAt)")

        try host.expect("GET", "/spider/cluster/cls-02/token\(c.query)", status: 404, mentioning: ["cls-02"])
        // Gone in AWS (deleted outside Spider): the driver's look-up says so.
        _ = try AWSClusterTests.eks(moto, "delete_cluster", ["name": "cls-01"])
        try host.expect("GET", "/spider/cluster/cls-01/token\(c.query)", status: 404, mentioning: ["cls-01"])
    }

    /// SigV4's X-Amz-Date (20261207T142300Z).
    static func amzDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.date(from: text)
    }
}
