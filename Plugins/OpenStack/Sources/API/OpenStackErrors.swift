// OpenStack's error answers as Spider statuses. Each service words its errors its own way:
//   nova, cinder:  {"itemNotFound": {"message": "…", "code": 404}}
//   neutron:       {"NeutronError": {"type": "NetworkNotFound", "message": "…", "detail": ""}}
//   keystone:      {"error": {"message": "…", "code": 401, "title": "Unauthorized"}}
//   octavia:       {"faultcode": "Client", "faultstring": "…", "debuginfo": null}
//   glance:        an HTML or text page ("404 Not Found\n\nNo image found with ID …")
// The service's own words travel in cloud_error as "<type>: <message>".
import Foundation
import SpiderDriverKit

struct OpenStackErrorReply: Sendable, Equatable {
    /// The error's name where the service gives one (itemNotFound, NetworkNotFound, …), else "HTTP <status>".
    let type: String
    let message: String

    init(httpStatus: Int, body: [UInt8]) {
        let fallbackType = "HTTP \(httpStatus)"
        if let json = JSON.parse(body), json.exists {
            if json["NeutronError"].exists {
                let e = json["NeutronError"]
                type = e["type"].string.isEmpty ? fallbackType : e["type"].string
                message = e["message"].string
                return
            }
            if json["faultstring"].exists {
                type = fallbackType
                message = json["faultstring"].string
                return
            }
            if json["error"]["message"].exists {
                let title = json["error"]["title"].string
                type = title.isEmpty ? fallbackType : title
                message = json["error"]["message"].string
                return
            }
            // {"<fault name>": {"message": …}}: nova, cinder, placement's {"errors": [{"detail"}]}.
            if let first = json.entries.first, first.value["message"].exists {
                type = first.key
                message = first.value["message"].string
                return
            }
            if let first = json["errors"].array.first {
                type = first["title"].string.isEmpty ? fallbackType : first["title"].string
                message = first["detail"].string
                return
            }
            if json["message"].exists {
                type = fallbackType
                message = json["message"].string
                return
            }
        }
        type = fallbackType
        message = Self.plainText(body)
    }

    init(type: String, message: String) {
        self.type = type
        self.message = message
    }

    /// A text or HTML page's words on one line (glance and WSGI middleware answer so).
    static func plainText(_ body: [UInt8]) -> String {
        var text = String(decoding: body.prefix(2_000), as: UTF8.self)
        text = text.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
        return text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

enum OpenStackErrorMapping {
    /// The delay suggested to a caller when the cloud is busy and says nothing.
    static let busyRetryMs: UInt32 = 1_000

    static func status(httpStatus: Int, type: String, message: String = "") -> DriverStatus {
        switch httpStatus {
        case 400, 422: return .invalidArgument
        case 401: return .unauthenticated
        case 403: return type.contains("Quota") || type == "OverQuota" ? .conflict : .permissionDenied
        case 404: return .notFound
        case 405, 501: return .unsupported
        case 409:
            let exists = type.hasSuffix("Exists") || type.hasPrefix("Duplicate") || message.contains("already exists")
            return exists ? .alreadyExists : .conflict
        case 413: return .conflict   // nova and cinder say "over quota" with 413
        case 429, 500, 502, 503, 504: return .retryable
        default: return .internal
        }
    }

    static func driverError(_ reply: OpenStackErrorReply, httpStatus: Int, service: String, action: String,
                            retryAfterSeconds: Int?) -> DriverError {
        var status = status(httpStatus: httpStatus, type: reply.type, message: reply.message)
        // 413 with Retry-After is a rate limit, not a quota.
        if httpStatus == 413 && retryAfterSeconds != nil { status = .retryable }
        let text = reply.message.isEmpty ? reply.type : "\(reply.type): \(reply.message)"
        var error = DriverError(status, "openstack \(service) \(action): \(text)", cloudError: text)
        if status == .retryable {
            error.retryAfterMs = retryAfterSeconds.map { UInt32(clamping: max(1, $0) * 1_000) } ?? busyRetryMs
        }
        return error
    }
}
