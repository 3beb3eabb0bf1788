// How a Mock cluster is reached: an API server URL, a kubeconfig that points at it, and short-lived
// bearer tokens (random, base64url, like a cloud's presigned tokens) for kubectl's exec plugin.
import Foundation
import SpiderModels

enum ClusterAccess {
    /// Tokens last this long, as EKS's do.
    static let tokenLifetimeMs: Int64 = 15 * 60 * 1000

    static func endpoint(clusterID: String, region: String) -> String {
        "https://\(clusterID.suffix(12).uppercased()).k8s.\(region.isEmpty ? "default" : region).mock.cloud"
    }

    /// A kubeconfig whose user gets its token from spider (`GET /spider/cluster/{Name}/token`).
    static func kubeconfig(name: String, endpoint: String, caData: String) -> String {
        """
        apiVersion: v1
        kind: Config
        clusters:
        - cluster:
            server: \(endpoint)
            certificate-authority-data: \(caData)
          name: \(name)
        contexts:
        - context:
            cluster: \(name)
            user: \(name)-user
          name: \(name)
        current-context: \(name)
        users:
        - name: \(name)-user
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1beta1
              command: spctl
              args: ["cluster", "token", "\(name)"]
              interactiveMode: Never

        """
    }

    /// A made-up CA certificate (PEM text), base64-encoded as kubeconfig wants it.
    static func certificateAuthorityData() -> String {
        let body = Data(randomBytes(384)).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        let pem = "-----BEGIN CERTIFICATE-----\n\(body)\n-----END CERTIFICATE-----\n"
        return Data(pem.utf8).base64EncodedString()
    }

    static func token(at now: Int64) -> ClusterTokenResponse {
        let token = "k8s-mock-v1." + base64url(randomBytes(48))
        return ClusterTokenResponse(token: token, expirationTimestamp: WallClock.rfc3339(now + tokenLifetimeMs))
    }

    static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}
