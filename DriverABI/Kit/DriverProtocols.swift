// What a Swift driver implements. The kit turns these into the C tables of spider_driver.h.
import Foundation

/// A cloud driver: created once per loaded library, it opens connections.
public protocol SpiderDriver: AnyObject, Sendable {
    associatedtype Connection: DriverConnection
    /// Must equal the manifest's "name" and "version".
    static var name: String { get }
    static var version: String { get }
    init(host: HostServices) throws
    /// Validate the connection info (throw `DriverError.invalidArgument` naming a missing key)
    /// and return the connection's state.
    func connect(_ info: ConnectionInfo) throws -> Connection
}

/// One connection's state. `call` may run concurrently on one connection: lock what you share.
public protocol DriverConnection: AnyObject, Sendable {
    /// The operations this connection answers, built once per type.
    static var operations: Operations<Self> { get }
    /// Called once, after the last call on this connection.
    func close()
}

extension DriverConnection {
    public func close() {}
}

/// The credential and region key/values of a connection config.
public struct ConnectionInfo: Sendable {
    public var connectionName: String
    public var credentials: [String: String]
    public var region: [String: String]

    public init(connectionName: String, credentials: [String: String], region: [String: String]) {
        self.connectionName = connectionName
        self.credentials = credentials
        self.region = region
    }

    /// A required key from the credential, or an INVALID_ARGUMENT error naming it.
    public func credential(_ key: String) throws -> String {
        guard let value = credentials[key], !value.isEmpty else {
            throw DriverError.invalidArgument("credential key '\(key)' is missing or empty")
        }
        return value
    }

    /// A key looked up in the region first, then in the credential (fault-injection and
    /// endpoint options may sit in either).
    public func option(_ key: String) -> String? {
        region[key] ?? credentials[key]
    }
}

/// The status codes of spider_driver.h, as a Swift enum.
public enum DriverStatus: Int32, Sendable {
    case ok = 0, notFound, alreadyExists, invalidArgument, unsupported, unauthenticated
    case permissionDenied, conflict, retryable, `internal`, cancelled
}

/// Throw this from a handler to answer with a precise status.
public struct DriverError: Error, Sendable, CustomStringConvertible {
    public var status: DriverStatus
    public var message: String
    public var cloudError: String?
    public var retryAfterMs: UInt32

    public init(_ status: DriverStatus, _ message: String, cloudError: String? = nil, retryAfterMs: UInt32 = 0) {
        self.status = status
        self.message = message
        self.cloudError = cloudError
        self.retryAfterMs = retryAfterMs
    }

    public var description: String { message }

    public static func notFound(_ m: String) -> DriverError { DriverError(.notFound, m) }
    public static func alreadyExists(_ m: String) -> DriverError { DriverError(.alreadyExists, m) }
    public static func invalidArgument(_ m: String) -> DriverError { DriverError(.invalidArgument, m) }
    public static func unsupported(_ m: String) -> DriverError { DriverError(.unsupported, m) }
    public static func conflict(_ m: String) -> DriverError { DriverError(.conflict, m) }
    public static func unauthenticated(_ m: String) -> DriverError { DriverError(.unauthenticated, m) }
    public static func `internal`(_ m: String) -> DriverError { DriverError(.internal, m) }
    public static func retryable(_ m: String, afterMs: UInt32) -> DriverError {
        DriverError(.retryable, m, retryAfterMs: afterMs)
    }
}
