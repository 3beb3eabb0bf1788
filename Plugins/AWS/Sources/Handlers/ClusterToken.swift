// cluster.token: the bearer token EKS's API server accepts, as `aws eks get-token` makes it:
// "k8s-aws-v1." + the unpadded base64url of a presigned STS GetCallerIdentity URL whose signed
// headers include `x-k8s-aws-id: <cluster name>`. The API server calls that URL to learn who asks.
// The URL itself says X-Amz-Expires=60, but EKS accepts a token for 15 minutes from its date, so the
// ExecCredential reports 14 (as the AWS CLI does) and kubectl asks again in time. The URL always
// names AWS's regional STS: the API server calls it, not this driver, so the Endpoint override
// (moto, a VPC endpoint of this host's network) does not apply.
import Foundation
import SpiderDriverKit
import SpiderModels

extension AWSConnection {
    static let tokenPrefix = "k8s-aws-v1."
    static let tokenLifetime: TimeInterval = 14 * 60

    func clusterToken(_ request: IIDRequest, _ context: CallContext) throws -> ClusterTokenResponse {
        // The cluster must exist (NOT_FOUND otherwise); a token for a missing one would be useless.
        let name = request.IId.SystemId.isEmpty ? request.IId.NameId : request.IId.SystemId
        guard !name.isEmpty else { throw DriverError.invalidArgument("IId: a cluster name is required") }
        _ = try eks().call("DescribeCluster", "GET", "/clusters/\(EKSClient.segment(name))", context: context)
        let region = settings.region ?? AWSSettings.fallbackRegion
        let now = Date()
        let token = try Self.clusterToken(cluster: name, region: region, credentials: settings.credentials, at: now)
        return ClusterTokenResponse(token: token, expirationTimestamp: Self.rfc3339(now.addingTimeInterval(Self.tokenLifetime)))
    }

    /// The token for `cluster` signed with `credentials` at `date`.
    static func clusterToken(cluster: String, region: String, credentials: AWSCredentials, at date: Date) throws -> String {
        let host = stsHost(region)
        var request = SigV4Request(method: "GET", path: "/",
                                   query: [("Action", "GetCallerIdentity"), ("Version", "2011-06-15")],
                                   headers: [("Host", host), ("x-k8s-aws-id", cluster)])
        try SigV4Signer(credentials: credentials, region: region, service: "sts").presign(&request, at: date, expiresSeconds: 60)
        let url = "https://\(host)/?" + SigV4Signer.canonicalQuery(request.query)
        let encoded = Data(url.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return tokenPrefix + encoded
    }

    static func stsHost(_ region: String) -> String {
        region.hasPrefix("cn-") ? "sts.\(region).amazonaws.com.cn" : "sts.\(region).amazonaws.com"
    }

    static func rfc3339(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
