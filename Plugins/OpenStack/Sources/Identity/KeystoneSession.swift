// Keystone v3: one token per connection, reused until five minutes before it expires, then
// renewed; a 401 from a service renews it once at once (a token revoked early). The token's
// catalogue says where each service answers.
import Foundation
import SpiderDriverHTTP
import SpiderDriverKit
import Synchronization

final class KeystoneSession: Sendable {
    struct Token: Sendable {
        let value: String
        let expires: Date
        let projectID: String
        let userID: String
        let catalog: ServiceCatalog
    }

    let settings: OpenStackSettings
    let http: HTTPClient
    private let current = Mutex<Token?>(nil)
    /// How long before its expiry a token is renewed.
    static let renewBefore: TimeInterval = 300

    init(settings: OpenStackSettings, http: HTTPClient) {
        self.settings = settings
        self.http = http
    }

    /// A token good for at least `renewBefore` more seconds.
    func token(_ context: CallContext?) throws -> Token {
        if let token = current.withLock({ $0 }), token.expires.timeIntervalSinceNow > Self.renewBefore {
            return token
        }
        let token = try issue(context)
        current.withLock { $0 = token }
        return token
    }

    /// Forgets `value` (a service refused it) so the next `token` asks Keystone again.
    func refused(_ value: String) {
        current.withLock { if $0?.value == value { $0 = nil } }
    }

    private func issue(_ context: CallContext?) throws -> Token {
        let body = try JSON.encode(["auth": authBody()])
        let request = HTTPRequest(method: "POST", url: settings.identityEndpoint + "/auth/tokens",
                                  headers: [("Content-Type", "application/json")], body: body)
        let response: HTTPResponse
        do {
            response = try http.send(request, context: context)
        } catch let failure as HTTPFailure {
            throw OpenStackAPI.transportError(failure, service: "keystone", action: "POST /auth/tokens")
        }
        guard (200..<300).contains(response.status) else {
            let reply = OpenStackErrorReply(httpStatus: response.status, body: response.body)
            throw OpenStackErrorMapping.driverError(reply, httpStatus: response.status, service: "keystone",
                                                    action: "authentication (POST /auth/tokens)",
                                                    retryAfterSeconds: response.retryAfterSeconds)
        }
        guard let value = response.headers["x-subject-token"], let json = JSON.parse(response.body) else {
            throw DriverError.internal("openstack keystone: a token answer without X-Subject-Token or JSON body")
        }
        let token = json["token"]
        let expires = Self.parseDate(token["expires_at"].string) ?? Date().addingTimeInterval(3_600)
        let projectID = token["project"]["id"].string
        guard !projectID.isEmpty else {
            throw DriverError.invalidArgument("openstack keystone: the token is not scoped to a project "
                                              + "(check ProjectID/ProjectName and the user's role in it)")
        }
        return Token(value: value, expires: expires, projectID: projectID, userID: token["user"]["id"].string,
                     catalog: ServiceCatalog(token["catalog"]))
    }

    private func authBody() -> [String: Any] {
        switch settings.login {
        case .password(let user, let password, let userDomain, let project):
            let scope: [String: Any] = switch project {
            case .id(let id): ["project": ["id": id]]
            case .name(let name, let domain): ["project": ["name": name, "domain": ["name": domain]]]
            }
            return ["identity": ["methods": ["password"],
                                 "password": ["user": ["name": user, "domain": ["name": userDomain], "password": password]]],
                    "scope": scope]
        case .applicationCredential(let id, let name, let user, let userDomain, let secret):
            var credential: [String: Any] = ["secret": secret]
            if let id { credential["id"] = id } else if let name {
                credential["name"] = name
                credential["user"] = ["name": user ?? "", "domain": ["name": userDomain]]
            }
            return ["identity": ["methods": ["application_credential"], "application_credential": credential]]
        }
    }

    /// Keystone's `2026-12-07T18:00:00.000000Z` (and the same without fractions).
    static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
