// What spctl ends with when something goes wrong: one message for stderr and an exit code that
// tells scripts which kind of failure it was (documented in `spctl --help`).
import Foundation

struct SpctlFailure: Error, CustomStringConvertible {
    /// Exit codes, stable for scripts.
    enum Code: Int32, CaseIterable {
        case ok = 0
        /// The host or the cloud failed (HTTP 5xx other than 501), or an unexpected answer.
        case serverFailure = 1
        /// Bad flags or JSON, found by spctl or by the host (HTTP 400, 405, 413).
        case usage = 2
        /// The named thing does not exist (HTTP 404).
        case notFound = 3
        /// It exists already or is in use (HTTP 409).
        case conflict = 4
        /// The connection's driver does not support it (HTTP 501).
        case unsupported = 5
        /// No host answers on the socket, or the socket refuses this user.
        case unreachable = 6
    }

    let code: Code
    let description: String

    init(_ code: Code, _ message: String) {
        self.code = code
        description = message
    }

    /// The failure for a host answer with `status` (never called for 2xx).
    static func from(status: Int, message: String) -> SpctlFailure {
        let code: Code = switch status {
        case 404: .notFound
        case 409: .conflict
        case 501: .unsupported
        case 400, 405, 413, 422: .usage
        default: .serverFailure
        }
        return SpctlFailure(code, message.isEmpty ? "the host answered HTTP \(status)" : message)
    }

    /// The exit codes as `--help` lists them.
    static let helpText = """
        Exit codes: 0 success; 1 the host or the cloud failed (HTTP 5xx); 2 usage error (bad flags or JSON, \
        or the host said 400); 3 not found (404); 4 conflict: exists already or in use (409); 5 not \
        supported by the connection's driver (501); 6 no spiderd answers on the socket, or it refuses your user.
        """
}
