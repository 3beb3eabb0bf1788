// Every error the host answers with: an HTTP status and one sentence for the JSON envelope.
import SpiderModels

struct HostError: Error, CustomStringConvertible, Sendable {
    let status: Int
    let message: String
    /// Seconds a client should wait before retrying (503 from a throttled cloud).
    var retryAfterSeconds: Int? = nil

    var description: String { message }

    static func badRequest(_ m: String) -> HostError { HostError(status: 400, message: m) }
    static func notFound(_ m: String) -> HostError { HostError(status: 404, message: m) }
    static func conflict(_ m: String) -> HostError { HostError(status: 409, message: m) }
    static func tooLarge(_ m: String) -> HostError { HostError(status: 413, message: m) }
    static func notImplemented(_ m: String) -> HostError { HostError(status: 501, message: m) }
    static func badGateway(_ m: String) -> HostError { HostError(status: 502, message: m) }
    static func unavailable(_ m: String) -> HostError { HostError(status: 503, message: m) }
    static func timeout(_ m: String) -> HostError { HostError(status: 504, message: m) }
    static func internalError(_ m: String) -> HostError { HostError(status: 500, message: m) }
    static func startup(_ m: String) -> HostError { HostError(status: 500, message: m) }

    /// A request body that does not decode: say which field.
    static func from(_ error: DecodingError, in what: String) -> HostError {
        .badRequest("\(what): \(DecodingErrorText.describe(error))")
    }
}

/// Thrown on the I/O thread when answering would block: the request moves to a worker thread.
struct MustOffload: Error {}
