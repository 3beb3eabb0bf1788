// The name ↔ cloud-ID map per connection and resource type, in SQLite and in memory.
// Creating a resource reserves its name first, so two clients racing on one name get one
// success and one 409, and the map never holds a name twice.
import Foundation
import GRDB
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
    }

    private let db: DatabasePool
    /// Keys with a delete or unregister in progress (see `serialized`); guarded by `busy`.
    private let busy = NSCondition()
    nonisolated(unsafe) private var busyKeys: Set<Key> = []
    private let state: Mutex<State>

    init(db: DatabasePool) throws {
        self.db = db
        var s = State()
        try db.read { db in
            for row in try Row.fetchAll(db, sql: "SELECT connection, type, owner, name, system_id FROM iid") {
                guard let type = ResourceType(rawValue: row[1]) else { continue }
                let key = Key(connection: row[0], type: type, owner: row[2], name: row[3])
                let systemID: String = row[4]
                s.systemIDs[key] = systemID
                s.names[SystemKey(connection: key.connection, type: type, systemID: systemID)] = key
            }
        }
        state = Mutex(s)
    }

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

    /// Claims a name before the cloud is asked to create it.
    func reserve(_ key: Key) throws {
        try state.withLock { s in
            if s.systemIDs[key] != nil || s.pending.contains(key) {
                let scope = key.owner.isEmpty ? "" : " in '\(key.owner)'"
                throw HostError.conflict("\(key.type.noun) '\(key.name)'\(scope) already exists on connection '\(key.connection)'")
            }
            s.pending.insert(key)
        }
    }

    func cancel(_ key: Key) {
        _ = state.withLock { $0.pending.remove(key) }
    }

    /// Records a created resource (and releases its reservation, if any).
    func commit(_ key: Key, systemID: String) throws {
        try state.withLock { s in
            try db.write { db in
                try db.execute(sql: "INSERT OR REPLACE INTO iid (connection, type, owner, name, system_id) VALUES (?, ?, ?, ?, ?)",
                               arguments: [key.connection, key.type.rawValue, key.owner, key.name, systemID])
            }
            s.pending.remove(key)
            s.systemIDs[key] = systemID
            s.names[SystemKey(connection: key.connection, type: key.type, systemID: systemID)] = key
        }
    }

    /// Forgets mappings: one key, or with `name == nil` every key of that type and owner.
    func remove(connection: String, type: ResourceType, owner: String, name: String?) throws {
        try state.withLock { s in
            try db.write { db in
                if let name {
                    try db.execute(sql: "DELETE FROM iid WHERE connection = ? AND type = ? AND owner = ? AND name = ?",
                                   arguments: [connection, type.rawValue, owner, name])
                } else {
                    try db.execute(sql: "DELETE FROM iid WHERE connection = ? AND type = ? AND owner = ?",
                                   arguments: [connection, type.rawValue, owner])
                }
            }
            for (key, systemID) in s.systemIDs
            where key.connection == connection && key.type == type && key.owner == owner && (name == nil || key.name == name) {
                s.systemIDs[key] = nil
                s.names[SystemKey(connection: connection, type: type, systemID: systemID)] = nil
            }
        }
    }

    /// Forgets everything mapped on a connection (a forced connection-config delete).
    func removeAll(connection: String) throws {
        try state.withLock { s in
            try db.write { db in try db.execute(sql: "DELETE FROM iid WHERE connection = ?", arguments: [connection]) }
            for (key, systemID) in s.systemIDs where key.connection == connection {
                s.systemIDs[key] = nil
                s.names[SystemKey(connection: connection, type: key.type, systemID: systemID)] = nil
            }
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
