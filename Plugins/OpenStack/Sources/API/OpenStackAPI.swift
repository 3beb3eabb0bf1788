// One call to an OpenStack service: the URL from the catalogue, the token, a microversion where
// the API needs one, JSON both ways, and the service's errors as Spider statuses. A 401 renews
// the token and tries once more.
import Foundation
import SpiderDriverHTTP
import SpiderDriverKit

enum OpenStackService: String, Sendable, CaseIterable {
    case compute, network, image, volume, loadBalancer, identity

    /// Catalogue types, the preferred first.
    var types: [String] {
        switch self {
        case .compute: ["compute"]
        case .network: ["network"]
        case .image: ["image"]
        case .volume: ["block-storage", "volumev3", "volume"]
        case .loadBalancer: ["load-balancer"]
        case .identity: ["identity"]
        }
    }

    /// The name operators know it by, in messages.
    var label: String {
        switch self {
        case .compute: "nova"
        case .network: "neutron"
        case .image: "glance"
        case .volume: "cinder"
        case .loadBalancer: "octavia"
        case .identity: "keystone"
        }
    }

    /// The version path a catalogue URL may lack (neutron, glance and octavia list their roots).
    var versionPath: String? {
        switch self {
        case .network: "/v2.0"
        case .image: "/v2"
        case .loadBalancer: "/v2"
        case .compute, .volume, .identity: nil
        }
    }

    /// The microversion header's service name (nova and cinder take microversions).
    var microversionName: String? {
        switch self {
        case .compute: "compute"
        case .volume: "volume"
        case .loadBalancer, .network, .image, .identity: nil
        }
    }
}

struct OpenStackAPI: Sendable {
    let session: KeystoneSession
    let http: HTTPClient
    /// nil on a pre-connection: any region's endpoint serves the catalogue's global calls.
    let region: String?

    /// `method` `path` on `service`; the answer's JSON (empty for 204). `path` starts with "/".
    @discardableResult
    func call(_ service: OpenStackService, _ method: String, _ path: String, body: [String: Any]? = nil,
              microversion: String? = nil, inRegion: String? = nil, context: CallContext?) throws -> JSON {
        let payload = try body.map(JSON.encode) ?? []
        var attempt = 0
        while true {
            attempt += 1
            let token = try session.token(context)
            let url = try baseURL(service, token, region: inRegion) + path
            var headers: [(name: String, value: String)] = [("X-Auth-Token", token.value), ("Accept", "application/json")]
            if body != nil { headers.append(("Content-Type", "application/json")) }
            if let microversion, let name = service.microversionName {
                headers.append(("OpenStack-API-Version", "\(name) \(microversion)"))
                if service == .compute { headers.append(("X-OpenStack-Nova-API-Version", microversion)) }
            }
            let response: HTTPResponse
            do {
                response = try http.send(HTTPRequest(method: method, url: url, headers: headers, body: payload), context: context)
            } catch let failure as HTTPFailure {
                throw Self.transportError(failure, service: service.label, action: "\(method) \(path)")
            }
            if response.status == 401 && attempt == 1 {
                session.refused(token.value)
                continue
            }
            guard (200..<300).contains(response.status) else {
                let reply = OpenStackErrorReply(httpStatus: response.status, body: response.body)
                throw OpenStackErrorMapping.driverError(reply, httpStatus: response.status, service: service.label,
                                                        action: "\(method) \(Self.pathWithoutQuery(path))",
                                                        retryAfterSeconds: response.retryAfterSeconds)
            }
            guard let json = JSON.parse(response.body) else {
                throw DriverError.internal("openstack \(service.label) \(method) \(path): the answer is not JSON: "
                                           + OpenStackErrorReply.plainText(response.body))
            }
            return json
        }
    }

    /// The project the token works in (resources are created there).
    func projectID(_ context: CallContext?) throws -> String { try session.token(context).projectID }

    func baseURL(_ service: OpenStackService, _ token: KeystoneSession.Token, region: String? = nil) throws -> String {
        // Keystone answers where the connection logged in (its catalogue entry may be internal-only).
        if service == .identity { return session.settings.identityEndpoint }
        var url = try token.catalog.url(types: service.types, interface: session.settings.interface, region: region ?? self.region)
        if let version = service.versionPath, !url.hasSuffix(version) { url += version }
        return url
    }

    static func pathWithoutQuery(_ path: String) -> String {
        path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
    }

    /// A transfer that failed before any HTTP status: cancelled, timed out, or unreachable.
    static func transportError(_ failure: HTTPFailure, service: String, action: String) -> DriverError {
        switch failure {
        case .cancelled: DriverError(.cancelled, "openstack \(service) \(action): \(failure)")
        case .timedOut: DriverError.retryable("openstack \(service) \(action): \(failure)", afterMs: 1_000)
        case .transport: DriverError.retryable("openstack \(service) \(action): cannot reach it: \(failure)", afterMs: 1_000)
        }
    }
}

/// Percent-encodes a query value or path segment.
func urlEncoded(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
}
