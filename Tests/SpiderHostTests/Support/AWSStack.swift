// A host with the AWS driver installed as a signed bundle from a test registry, and connections of
// it: test credentials, a region (with its zone "a" unless told otherwise) and extra keys such as
// Endpoint (moto, or a relay in front of it), ClusterRoleARN or PriceListURL.
import Foundation
import Testing

enum AWSStack {
    /// A new host and its first AWS connection; the registry lives until that connection's
    /// registration has installed the driver.
    static func host(tag: String, region: String = "us-east-1", zone: Bool = true,
                     keys: [(String, String)]) throws -> (HostProcess, RegisteredConnection) {
        let registry = try TestRegistry()
        try registry.addStaged("aws")
        try registry.publish()
        let host = try HostProcess(driversDirs: [], extraArguments: registry.hostArguments)
        let connection = try connect(host, tag: tag, region: region, zone: zone, keys: keys)
        return (host, connection)
    }

    /// Another AWS connection on a host that has the driver.
    static func connect(_ host: HostProcess, tag: String, region: String = "us-east-1", zone: Bool = true,
                        keys: [(String, String)]) throws -> RegisteredConnection {
        let secret = "spider-test-secret-\(UUID().uuidString)"
        return try Fixtures.register(host, driver: "aws-driver01", provider: "AWS", library: "libspider-driver-aws.so", tag: tag,
                                     credentials: [("ClientId", "AKIDSPIDERTEST"), ("ClientSecret", secret)],
                                     region: [("Region", region)] + (zone ? [("Zone", "\(region)a")] : []) + keys, secret: secret)
    }
}
