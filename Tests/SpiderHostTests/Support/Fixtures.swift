// One call registers what a connection is made of: driver, credential, region, connection config.
import Foundation
import SpiderClient
import Testing

/// The names a registered connection was built from, and the credential values it holds.
struct RegisteredConnection: Sendable {
    let name: String
    let driver: String
    let credential: String
    let region: String
    /// Every credential value, to check that none leaks into a response or a file.
    let credentialValues: [String]
    /// The value that is secret by any reading (ClientSecret for the Mock and AWS, ApiKey for the C
    /// driver); nil when the registration did not say which one it is.
    let secret: String?

    /// `?ConnectionName=<name>`.
    var query: String { connectionQuery(name) }
}

enum Fixtures {
    static let mockDriverName = "mock-driver01"
    static let cDriverName = "cexample-driver01"

    /// A Mock connection with its own tenant (MockName unique per call). `credentialExtras` go
    /// into the credential's KeyValueInfoList (e.g. MockLatencyMs, MockFailureRate).
    static func registerMock(_ host: HostProcess, tag: String = "t", region: String = "default",
                             credentialExtras: [(String, String)] = [],
                             sourceLocation: SourceLocation = #_sourceLocation) throws -> RegisteredConnection {
        let mockName = "tenant-\(tag)-\(UUID().uuidString.prefix(8))"
        // A key the Mock ignores, holding a value that must never be seen again.
        let secret = "SECRET-\(UUID().uuidString)"
        let credentials = [("MockName", mockName), ("ClientSecret", secret)] + credentialExtras
        return try register(host, driver: mockDriverName, provider: "MOCK", library: "libspider-driver-mock.so", tag: "mock-\(tag)",
                            credentials: credentials, region: [("Region", region)], secret: secret, sourceLocation: sourceLocation)
    }

    /// A connection through the plain-C example driver (region example-east).
    static func registerCExample(_ host: HostProcess, tag: String = "t", region: String = "example-east",
                                 sourceLocation: SourceLocation = #_sourceLocation) throws -> RegisteredConnection {
        let apiKey = "APIKEY-\(UUID().uuidString)"
        return try register(host, driver: cDriverName, provider: "CEXAMPLE", library: "libspider-driver-cexample.so",
                            tag: "cexample-\(tag)", credentials: [("ApiKey", apiKey)], region: [("Region", region)],
                            secret: apiKey, sourceLocation: sourceLocation)
    }

    /// Registers (once per host) a driver by provider, then a credential, a region and a config.
    static func register(_ host: HostProcess, driver: String, provider: String, library: String?, tag: String,
                         credentials: [(String, String)], region: [(String, String)], secret: String? = nil,
                         sourceLocation: SourceLocation = #_sourceLocation) throws -> RegisteredConnection {
        if try host.call("GET", "/spider/driver/\(driver)").status == 404 {
            var body: [String: Any] = ["DriverName": driver, "ProviderName": provider]
            if let library { body["DriverLibFileName"] = library }
            try host.must("POST", "/spider/driver", json: body, sourceLocation: sourceLocation)
        }
        let names = (credential: "\(tag)-credential", region: "\(tag)-region", config: "\(tag)-config")
        try host.must("POST", "/spider/credential", json: [
            "CredentialName": names.credential, "ProviderName": provider, "KeyValueInfoList": keyValues(credentials),
        ], sourceLocation: sourceLocation)
        try host.must("POST", "/spider/region", json: [
            "RegionName": names.region, "ProviderName": provider, "KeyValueInfoList": keyValues(region),
        ], sourceLocation: sourceLocation)
        try host.must("POST", "/spider/connectionconfig", json: [
            "ConfigName": names.config, "ProviderName": provider, "DriverName": driver,
            "CredentialName": names.credential, "RegionName": names.region,
        ], sourceLocation: sourceLocation)
        return RegisteredConnection(name: names.config, driver: driver, credential: names.credential, region: names.region,
                                    credentialValues: credentials.map(\.1), secret: secret)
    }

    static func keyValues(_ pairs: [(String, String)]) -> [[String: String]] {
        pairs.map { ["Key": $0.0, "Value": $0.1] }
    }
}
