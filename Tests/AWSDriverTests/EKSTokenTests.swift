// cluster.token's EKS token against a second implementation: the presigned STS URL inside the
// token must carry exactly the host, path and query parameters (signature included) that botocore
// computes for the same inputs (Fixtures/eks-token).
import Foundation
import Testing
@testable import AWSDriver

@Suite("EKS token (presigned STS GetCallerIdentity)")
struct EKSTokenTests {
    struct Case: Decodable, CustomTestStringConvertible {
        var name, cluster, region, accessKeyId, secretAccessKey, date, host, path: String
        var sessionToken: String?
        var query: [String: String]
        var testDescription: String { name }
    }

    struct Vectors: Decodable { var cases: [Case] }

    static let cases: [Case] = {
        let data = (try? FixtureFiles.bytes("eks-token/vectors.json")) ?? []
        return (try? JSONDecoder().decode(Vectors.self, from: Data(data)).cases) ?? []
    }()

    @Test("the vectors are there")
    func loaded() {
        #expect(Self.cases.count == 2)
    }

    @Test("k8s-aws-v1. + unpadded base64url of the URL botocore presigns", arguments: cases)
    func token(_ vector: Case) throws {
        let date = try #require(ISO8601DateFormatter().date(from: vector.date))
        let credentials = AWSCredentials(accessKeyID: vector.accessKeyId, secretAccessKey: vector.secretAccessKey,
                                         sessionToken: vector.sessionToken)
        let token = try AWSConnection.clusterToken(cluster: vector.cluster, region: vector.region, credentials: credentials, at: date)
        #expect(token.hasPrefix("k8s-aws-v1."))
        let body = String(token.dropFirst("k8s-aws-v1.".count))
        #expect(!body.contains("=") && !body.contains("+") && !body.contains("/"), "base64url without padding")
        var base64 = body.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        let url = try #require(Data(base64Encoded: base64).flatMap { String(data: $0, encoding: .utf8) })
        let parts = try #require(URLComponents(string: url))
        #expect(parts.scheme == "https")
        #expect(parts.host == vector.host)
        #expect(parts.path == vector.path)
        let query = Dictionary((parts.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
        #expect(query == vector.query)
    }

    @Test("a different cluster name changes the signature (the header is signed)")
    func clusterIsSigned() throws {
        let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: nil)
        let date = Date(timeIntervalSince1970: 1_800_000_000)
        let one = try AWSConnection.clusterToken(cluster: "a", region: "us-east-1", credentials: credentials, at: date)
        let two = try AWSConnection.clusterToken(cluster: "b", region: "us-east-1", credentials: credentials, at: date)
        #expect(one != two)
    }
}
