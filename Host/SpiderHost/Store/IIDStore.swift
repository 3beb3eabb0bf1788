// The name ↔ cloud-ID map per connection and resource type, in SQLite and in memory.
// Creating a resource reserves its name first, so two clients racing on one name get one
// success and one 409, and the map never holds a name twice. A reservation is also an intent
// written to SQLite before the cloud is asked (and a delete writes one too): if spiderd dies
// between the cloud's answer and the map's write, the intent is still there at the next start,
// the name stays taken, and the Reconciler asks the cloud how it ended.
import Foundation
import GRDB
import Logging
import Synchronization

final class IIDStore: Sendable {
    struct Key: Hashable, Sendable {
        var connection: String
        var type: ResourceType
        var owner: String
        var name: String
    }

    private struct SystemKey: Hashable {
        var connection: String
        var type: ResourceType
        var systemID: String
    }

    private struct State {
        var systemIDs: [Key: String] = [:]
        var names: [SystemKey: Key] = [:]
        var pending: Set<Key> = []
        /// Pending since before this start: their fate is the Reconciler's to find out.
        var recovered: Set<Key> = []
        /// Counts changes of the mappings (names ↔ cloud IDs), so what was shown with them can be reused until one changes.
        var generation: UInt64 = 0
    }

    /// An unfinished change, as SQLite holds it.
    struct Intent: Sendable {
        enum Operation: String, Sendable { case create, delete }
        var key: Key
        var operation: Operation
        /// For a delete: the cloud ID being deleted.
        var systemID: String?
    }

    private let db: DatabasePool
    /// Debug lines for each intent (tests wait for them to kill spiderd mid-change).
    private let logger: Logger?
    /// Keys with a delete or unregister in progress (see `serialized`); guarded by `busy`.
    private let busy = NSCondition()
    nonisolated(unsafe) private var busyKeys: Set<Key> = []
    private let state: Mutex<State>

    init(db: DatabasePool, logger: Logger? = nil) throws {
        self.db = db
        self.logger = logger
        var s = State()
        try db.read { db in
            for row in try Row.fetchAll(db, sql: "SELECT connection, type, owner, name, system_id FROM iid") {
                guard let type = ResourceType(rawValue: row[1]) else { continue }
                let key = Key(connection: row[0], type: type, owner: row[2], name: row[3])
                let systemID: String = row[4]
                s.systemIDs[key] = systemID
                s.names[SystemKey(connection: key.connection, type: type, systemID: systemID)] = key
            }
            for intent in try Self.intents(db) where intent.operation == .create {
                s.pending.insert(intent.key)
                s.recovered.insert(intent.key)
            }
        }
        state = Mutex(s)
    }

    private static func intents(_ db: Database) throws -> [Intent] {
        try Row.fetchAll(db, sql: "SELECT connection, type, owner, name, op, system_id FROM intent ORDER BY created_at").compactMap { row in
            guard let type = ResourceType(rawValue: row[1]), let operation = Intent.Operation(rawValue: row[4]) else { return nil }
            return Intent(key: Key(connection: row[0], type: type, owner: row[2], name: row[3]), operation: operation, systemID: row[5])
        }
    }

    /// Every unfinished change (oldest first), optionally of one connection.
    func intents(connection: String? = nil) throws -> [Intent] {
        try db.read { try Self.intents($0) }.filter { connection == nil || $0.key.connection == connection }
    }

    private static func clearIntent(_ db: Database, _ key: Key) throws {
        try db.execute(sql: "DELETE FROM intent WHERE connection = ? AND type = ? AND owner = ? AND name = ?",
                       arguments: [key.connection, key.type.rawValue, key.owner, key.name])
    }

    /// Changes whenever a mapping is made or removed.
    var generation: UInt64 { state.withLock { $0.generation } }

    func systemID(_ key: Key) -> String? {
        state.withLock { $0.systemIDs[key] }
    }

    /// The user's name for a cloud ID, if the host maps it.
    func name(connection: String, type: ResourceType, systemID: String) -> Key? {
        state.withLock { $0.names[SystemKey(connection: connection, type: type, systemID: systemID)] }
    }

    /// Every mapping of one type on a connection (optionally within one owner), sorted by name.
    func list(connection: String, type: ResourceType, owner: String? = nil) -> [IIDRecord] {
        state.withLock { s in
            s.systemIDs.compactMap { key, systemID in
                guard key.connection == connection, key.type == type, owner == nil || key.owner == owner else { return nil }
                return IIDRecord(connection: connection, type: type, owner: key.owner, name: key.name, systemID: systemID)
            }
        }.sorted { ($0.owner, $0.name) < ($1.owner, $1.name) }
    }

    func count(connection: String) -> Int {
        state.withLock { $0.systemIDs.keys.count { $0.connection == connection } }
    }

    /// How many of one type are mapped, on one connection or on all of them.
    func count(type: ResourceType, connection: String? = nil) -> Int {
        state.withLock { $0.systemIDs.keys.count { $0.type == type && (connection == nil || $0.connection == connection) } }
    }

    /// Runs `body` while no other `serialized` call on the same key runs: a delete or unregister
    /// of one name waits for another on that name, and calls on other names go on in parallel.
    func serialized<T>(_ key: Key, _ body: () throws -> T) rethrows -> T {
        busy.lock()
        while busyKeys.contains(key) { busy.wait() }
        busyKeys.insert(key)
        busy.unlock()
        defer {
            busy.lock()
            busyKeys.remove(key)
            busy.broadcast()
            busy.unlock()
        }
        return try body()
    }

    /// Claims a name before the cloud is asked to create it, durably (its intent is in SQLite
    /// before this returns).
    func reserve(_ key: Key) throws {
        try state.withLock { s in
            let scope = key.owner.isEmpty ? "" : " in '\(key.owner)'"
            if s.recovered.contains(key) {
                throw HostError.conflict("\(key.type.noun) '\(key.name)'\(scope) on connection '\(key.connection)' was being created when spiderd "
                                         + "stopped; it is being reconciled with the cloud (POST /spider/reconcile does it now)")
            }
            if s.systemIDs[key] != nil || s.pending.contains(key) {
                throw HostError.conflict("\(key.type.noun) '\(key.name)'\(scope) already exists on connection '\(key.connection)'")
            }
            try db.write { db in
                try db.execute(sql: "INSERT OR REPLACE INTO intent (connection, type, owner, name, op) VALUES (?, ?, ?, ?, 'create')",
                               arguments: [key.connection, key.type.rawValue, key.owner, key.name])
            }
            s.pending.insert(key)
        }
        logger?.debug("intent recorded: create \(key.type.noun) '\(key.name)' on '\(key.connection)'")
    }

    /// The create did not happen (the cloud refused it, or it did not have it): the name is free again.
    func cancel(_ key: Key) {
        state.withLock { s in
            guard s.pending.remove(key) != nil else { return }
            s.recovered.remove(key)
            try? db.write { db in try Self.clearIntent(db, key) }
        }
    }

    /// A delete of `key` (cloud ID `systemID`) is about to be asked of the cloud.
    func intendDelete(_ key: Key, systemID: String) throws {
        try db.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO intent (connection, type, owner, name, op, system_id) VALUES (?, ?, ?, ?, 'delete', ?)",
                           arguments: [key.connection, key.type.rawValue, key.owner, key.name, systemID])
        }
        logger?.debug("intent recorded: delete \(key.type.noun) '\(key.name)' (\(systemID)) on '\(key.connection)'")
    }

    /// Drops an intent whose connection is gone.
    func forget(_ intent: Intent) {
        state.withLock { s in
            s.pending.remove(intent.key)
            s.recovered.remove(intent.key)
            try? db.write { db in try Self.clearIntent(db, intent.key) }
        }
    }

    /// The delete failed: the resource and its mapping stay.
    func abandonDelete(_ key: Key) {
        try? db.write { db in try Self.clearIntent(db, key) }
    }

    /// Records a created resource (and releases its reservation, if any), its intent gone in the same write.
    func commit(_ key: Key, systemID: String) throws {
        try state.withLock { s in
            try db.write { db in
                try db.execute(sql: "INSERT OR REPLACE INTO iid (connection, type, owner, name, system_id) VALUES (?, ?, ?, ?, ?)",
                               arguments: [key.connection, key.type.rawValue, key.owner, key.name, systemID])
                try Self.clearIntent(db, key)
            }
            s.pending.remove(key)
            s.recovered.remove(key)
            s.systemIDs[key] = systemID
            s.names[SystemKey(connection: key.connection, type: key.type, systemID: systemID)] = key
            s.generation &+= 1
        }
    }

    /// Forgets mappings: one key, or with `name == nil` every key of that type and owner.
    func remove(connection: String, type: ResourceType, owner: String, name: String?) throws {
        try state.withLock { s in
            try db.write { db in
                if let name {
                    try db.execute(sql: "DELETE FROM iid WHERE connection = ? AND type = ? AND owner = ? AND name = ?",
                                   arguments: [connection, type.rawValue, owner, name])
                    try db.execute(sql: "DELETE FROM intent WHERE connection = ? AND type = ? AND owner = ? AND name = ? AND op = 'delete'",
                                   arguments: [connection, type.rawValue, owner, name])
                } else {
                    try db.execute(sql: "DELETE FROM iid WHERE connection = ? AND type = ? AND owner = ?",
                                   arguments: [connection, type.rawValue, owner])
                    try db.execute(sql: "DELETE FROM intent WHERE connection = ? AND type = ? AND owner = ? AND op = 'delete'",
                                   arguments: [connection, type.rawValue, owner])
                }
            }
            for (key, systemID) in s.systemIDs
            where key.connection == connection && key.type == type && key.owner == owner && (name == nil || key.name == name) {
                s.systemIDs[key] = nil
                s.names[SystemKey(connection: connection, type: type, systemID: systemID)] = nil
            }
            s.generation &+= 1
        }
    }

    /// Forgets everything mapped on a connection (a forced connection-config delete).
    func removeAll(connection: String) throws {
        try state.withLock { s in
            try db.write { db in
                try db.execute(sql: "DELETE FROM iid WHERE connection = ?", arguments: [connection])
                try db.execute(sql: "DELETE FROM intent WHERE connection = ?", arguments: [connection])
            }
            s.pending = s.pending.filter { $0.connection != connection }
            s.recovered = s.recovered.filter { $0.connection != connection }
            for (key, systemID) in s.systemIDs where key.connection == connection {
                s.systemIDs[key] = nil
                s.names[SystemKey(connection: connection, type: key.type, systemID: systemID)] = nil
            }
            s.generation &+= 1
        }
    }
}

extension ResourceType {
    var noun: String {
        switch self {
        case .vpc: "VPC"
        case .subnet: "subnet"
        case .securitygroup: "security group"
        case .keypair: "key pair"
        case .vm: "VM"
        case .disk: "disk"
        case .myimage: "machine image"
        case .nlb: "network load balancer"
        case .cluster: "cluster"
        }
    }
}
