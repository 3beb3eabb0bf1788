// Connection keys: the login forms, the names OpenStack's own tools use, and the messages for what is missing.
import Testing
@testable import OpenStackDriver
import SpiderDriverKit

@Suite("OpenStack connection settings")
struct SettingsTests {
    static func settings(_ credentials: [String: String], region: [String: String] = ["Region": "RegionOne"]) throws -> OpenStackSettings {
        try OpenStackSettings(ConnectionInfo(connectionName: "c", credentials: credentials, region: region))
    }

    static let password = ["IdentityEndpoint": "http://127.0.0.1:5000", "Username": "u", "Password": "p", "ProjectID": "p1"]

    @Test("Keystone's URL ends in /v3 whatever form it was given in", arguments: [
        "http://k:5000", "http://k:5000/", "http://k:5000/v3", "http://k:5000/v3/"])
    func v3(_ given: String) {
        #expect(OpenStackSettings.v3(given) == "http://k:5000/v3")
    }

    @Test("password login by project ID or name (domain defaults), openrc names, application credentials")
    func logins() throws {
        guard case .password(let user, _, let domain, .id("p1")) = try Self.settings(Self.password).login else {
            Issue.record("not a password login by project ID"); return
        }
        #expect(user == "u" && domain == "Default")
        let byName = try Self.settings(["OS_AUTH_URL": "https://k/v3", "OS_USERNAME": "u", "OS_PASSWORD": "p",
                                        "OS_PROJECT_NAME": "demo", "OS_USER_DOMAIN_NAME": "corp"])
        guard case .password(_, _, "corp", .name("demo", domain: "corp")) = byName.login else {
            Issue.record("not a login by project name in the user's domain: \(byName.login)"); return
        }
        let app = try Self.settings(["IdentityEndpoint": "https://k", "ApplicationCredentialID": "a1", "ApplicationCredentialSecret": "s"])
        guard case .applicationCredential(id: "a1", name: nil, user: nil, userDomain: "Default", secret: "s") = app.login else {
            Issue.record("not an application credential: \(app.login)"); return
        }
    }

    @Test("what is missing or wrong is named", arguments: [
        (["Username": "u", "Password": "p", "ProjectID": "x"], "IdentityEndpoint"),
        (["IdentityEndpoint": "ftp://k", "Username": "u", "Password": "p", "ProjectID": "x"], "not an http(s) URL"),
        (["IdentityEndpoint": "http://k", "Password": "p", "ProjectID": "x"], "Username"),
        (["IdentityEndpoint": "http://k", "Username": "u", "ProjectID": "x"], "Password"),
        (["IdentityEndpoint": "http://k", "Username": "u", "Password": "p"], "ProjectID"),
        (["IdentityEndpoint": "http://k", "ApplicationCredentialID": "a"], "ApplicationCredentialSecret"),
    ])
    func missing(_ credentials: [String: String], _ named: String) {
        #expect {
            try Self.settings(credentials)
        } throws: { error in
            (error as? DriverError)?.status == .invalidArgument && (error as? DriverError)?.message.contains(named) == true
        }
    }

    @Test("no region keys is a pre-connection; Interface must be one of the three")
    func regionAndInterface() throws {
        #expect(try Self.settings(Self.password, region: [:]).region == nil)
        #expect(try Self.settings(Self.password, region: ["Region": "R", "Zone": "z1"]).zone == "z1")
        #expect(throws: DriverError.self) { try Self.settings(Self.password, region: ["Region": "R", "Interface": "private"]) }
        #expect(try Self.settings(Self.password, region: ["Region": "R", "Interface": "Internal"]).interface == "internal")
    }
}
