// What a connection config says: credentials (CB-Spider's ClientId/ClientSecret or AWS's own
// names), region, zone, and an optional endpoint (moto, a VPC endpoint, a proxy).
import Foundation
import SpiderDriverKit

struct AWSSettings: Sendable {
    let credentials: AWSCredentials
    /// nil on a pre-connection (no region keys), which answers regionzone.* only.
    let region: String?
    /// The zone for new subnets; "" lets AWS choose.
    let zone: String
    /// Overrides `https://ec2.<region>.amazonaws.com/` for every region when set.
    let endpoint: String?
    /// Optional `PriceListURL`: the base of the EC2 offer files (`<base>/<region>/index.json`).
    let priceListURL: String?
    /// Optional `ClusterRoleARN`: the IAM role EKS clusters and node groups run as.
    let clusterRoleARN: String?

    /// Signing region for calls that need one on a pre-connection.
    static let fallbackRegion = "us-east-1"

    init(_ info: ConnectionInfo) throws {
        let id = try Self.first(info.credentials, ["ClientId", "aws_access_key_id", "AccessKeyId"], role: "access key ID (ClientId)")
        let secret = try Self.first(info.credentials, ["ClientSecret", "aws_secret_access_key", "SecretAccessKey"],
                                    role: "secret access key (ClientSecret)")
        let token = ["SessionToken", "aws_session_token", "SecurityToken"].lazy
            .compactMap { info.credentials[$0].flatMap(Self.trimmed) }.first
        credentials = AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: token)
        endpoint = Self.trimmed(info.option("Endpoint") ?? "")
        priceListURL = Self.trimmed(info.option("PriceListURL") ?? "")
        clusterRoleARN = Self.trimmed(info.option("ClusterRoleARN") ?? "")

        if info.region.isEmpty {
            region = nil
            zone = ""
            return
        }
        guard let region = Self.trimmed(info.region["Region"] ?? "") else {
            throw DriverError.invalidArgument("region key 'Region' is missing or empty")
        }
        guard region.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
            throw DriverError.invalidArgument("region key 'Region': '\(region)' is not an AWS region name (e.g. us-east-1)")
        }
        self.region = region
        let zone = Self.trimmed(info.region["Zone"] ?? "") ?? ""
        if !zone.isEmpty && !zone.hasPrefix(region) {
            throw DriverError.invalidArgument("region key 'Zone': zone '\(zone)' is not in region '\(region)'")
        }
        self.zone = zone
    }

    private static func first(_ values: [String: String], _ keys: [String], role: String) throws -> String {
        for key in keys { if let value = values[key].flatMap(trimmed) { return value } }
        throw DriverError.invalidArgument("credential key '\(keys[0])' (the \(role)) is missing or empty; "
                                          + "also accepted: \(keys.dropFirst().joined(separator: ", "))")
    }

    private static func trimmed(_ text: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return t.isEmpty ? nil : t
    }
}
