// What a connection config says: Keystone's address and who to be (a user with a password and a
// project, or an application credential), the region and zone, and optional choices (the
// catalogue interface, the external network routers and floating IPs use).
import Foundation
import SpiderDriverKit

struct OpenStackSettings: Sendable {
    enum Login: Sendable {
        /// A user by name in `userDomain`, scoped to a project by ID or by name in `projectDomain`.
        case password(user: String, password: String, userDomain: String, project: ProjectScope)
        /// An application credential: already scoped to its project.
        case applicationCredential(id: String?, name: String?, user: String?, userDomain: String, secret: String)
    }

    enum ProjectScope: Sendable {
        case id(String)
        case name(String, domain: String)
    }

    /// Keystone v3's base, ending in `/v3`.
    let identityEndpoint: String
    let login: Login
    /// nil on a pre-connection (no region keys), which answers regionzone.* only.
    let region: String?
    /// The availability zone for new VMs and disks; "" lets OpenStack choose.
    let zone: String
    /// The catalogue interface to call: public (default), internal or admin.
    let interface: String
    /// The external network (name or ID) for routers and floating IPs; nil: the only external one.
    let externalNetwork: String?

    init(_ info: ConnectionInfo) throws {
        let endpoint = try Self.required(info.credentials, ["IdentityEndpoint", "OS_AUTH_URL", "AuthURL"],
                                         role: "Keystone's URL, e.g. https://keystone.example.com:5000/v3")
        guard let url = URL(string: endpoint), let scheme = url.scheme, ["http", "https"].contains(scheme.lowercased()),
              url.host != nil else {
            throw DriverError.invalidArgument("credential key 'IdentityEndpoint': '\(endpoint)' is not an http(s) URL")
        }
        identityEndpoint = Self.v3(endpoint)
        let c = info.credentials
        let userDomain = Self.value(c, ["DomainName", "OS_USER_DOMAIN_NAME", "UserDomainName"]) ?? "Default"
        let appID = Self.value(c, ["ApplicationCredentialID", "OS_APPLICATION_CREDENTIAL_ID"])
        let appName = Self.value(c, ["ApplicationCredentialName"])
        let user = Self.value(c, ["Username", "OS_USERNAME"])
        if appID != nil || appName != nil {
            let secret = try Self.required(c, ["ApplicationCredentialSecret", "OS_APPLICATION_CREDENTIAL_SECRET"],
                                           role: "the application credential's secret")
            if appID == nil && user == nil {
                throw DriverError.invalidArgument("an application credential by name (ApplicationCredentialName) needs "
                                                  + "its user: credential key 'Username' is missing")
            }
            login = .applicationCredential(id: appID, name: appName, user: user, userDomain: userDomain, secret: secret)
        } else {
            guard let user else {
                throw DriverError.invalidArgument("credential key 'Username' (with 'Password') is missing or empty; "
                                                  + "or give an application credential (ApplicationCredentialID and ApplicationCredentialSecret)")
            }
            let password = try Self.required(c, ["Password", "OS_PASSWORD"], role: "the user's password")
            let project: ProjectScope
            if let id = Self.value(c, ["ProjectID", "OS_PROJECT_ID", "TenantId"]) {
                project = .id(id)
            } else if let name = Self.value(c, ["ProjectName", "OS_PROJECT_NAME", "TenantName"]) {
                project = .name(name, domain: Self.value(c, ["ProjectDomainName", "OS_PROJECT_DOMAIN_NAME"]) ?? userDomain)
            } else {
                throw DriverError.invalidArgument("credential key 'ProjectID' (or 'ProjectName') is missing or empty: "
                                                  + "the project the connection works in")
            }
            login = .password(user: user, password: password, userDomain: userDomain, project: project)
        }

        interface = (info.option("Interface").flatMap(Self.trimmed) ?? "public").lowercased()
        guard ["public", "internal", "admin"].contains(interface) else {
            throw DriverError.invalidArgument("key 'Interface': '\(interface)' is not public, internal or admin")
        }
        externalNetwork = info.option("ExternalNetwork").flatMap(Self.trimmed)
        if info.region.isEmpty {
            region = nil
            zone = ""
            return
        }
        guard let region = Self.trimmed(info.region["Region"] ?? "") else {
            throw DriverError.invalidArgument("region key 'Region' is missing or empty (a Keystone region, e.g. RegionOne)")
        }
        self.region = region
        zone = Self.trimmed(info.region["Zone"] ?? "") ?? ""
    }

    /// `…/v3` whatever form the operator gave (`…:5000`, `…:5000/`, `…/v3/`, `…/identity/v3`).
    static func v3(_ endpoint: String) -> String {
        var base = endpoint
        while base.hasSuffix("/") { base.removeLast() }
        return base.hasSuffix("/v3") ? base : base + "/v3"
    }

    private static func value(_ values: [String: String], _ keys: [String]) -> String? {
        keys.lazy.compactMap { values[$0].flatMap(trimmed) }.first
    }

    private static func required(_ values: [String: String], _ keys: [String], role: String) throws -> String {
        if let found = value(values, keys) { return found }
        let also = keys.dropFirst().joined(separator: ", ")
        throw DriverError.invalidArgument("credential key '\(keys[0])' (\(role)) is missing or empty"
                                          + (also.isEmpty ? "" : "; also accepted: \(also)"))
    }

    private static func trimmed(_ text: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return t.isEmpty ? nil : t
    }
}
