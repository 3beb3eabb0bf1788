// The rows the host keeps about drivers, credentials, regions and connection configs.

struct DriverRecord: Sendable, Equatable {
    var name: String          // the user's DriverName ("mock-driver01")
    var provider: String      // "MOCK"
    var libFile: String       // DriverLibFileName as registered
    var driverID: String      // the installed driver's manifest name ("mock")
}

struct CredentialRecord: Sendable {
    var name: String
    var provider: String
    var keyValues: [(key: String, value: String)]   // decrypted in memory only
}

struct RegionRecord: Sendable {
    var name: String
    var provider: String
    var keyValues: [(key: String, value: String)]
    var zones: [String]
}

struct ConnectionRecord: Sendable, Equatable {
    var name: String
    var provider: String
    var driver: String
    var credential: String
    var region: String
}

/// One name ↔ cloud-ID mapping. `owner` scopes names that live inside another resource
/// (a subnet's VPC); it is "" otherwise.
struct IIDRecord: Sendable, Equatable {
    var connection: String
    var type: ResourceType
    var owner: String
    var name: String
    var systemID: String
}

enum ResourceType: String, Sendable, CaseIterable {
    case vpc, subnet, securitygroup, keypair, vm, disk, myimage, nlb, cluster
}
