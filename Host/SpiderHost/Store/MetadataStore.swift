// Metadata in SQLite (WAL), mirrored in memory for fast reads. Writes go to the database first,
// then to memory, under one lock, so the two never disagree.
import Foundation
import GRDB
import Synchronization

final class MetadataStore: Sendable {
    private let db: DatabasePool
    private let secrets: SecretBox
    private let state: Mutex<Snapshot>

    struct Snapshot: Sendable {
        var drivers: [String: DriverRecord] = [:]
        var credentials: [String: CredentialRecord] = [:]
        var regions: [String: RegionRecord] = [:]
        var connections: [String: ConnectionRecord] = [:]
    }

    init(path: String, secrets: SecretBox) throws {
        var config = Configuration()
        config.busyMode = .timeout(5)
        db = try DatabasePool(path: path, configuration: config)
        self.secrets = secrets
        try Self.migrator.migrate(db)
        state = Mutex(try Self.load(db, secrets))
    }

    var databasePool: DatabasePool { db }

    private static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE driver (name TEXT PRIMARY KEY, provider TEXT NOT NULL, lib_file TEXT NOT NULL,
                                     driver_id TEXT NOT NULL, created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);
                CREATE TABLE credential (name TEXT PRIMARY KEY, provider TEXT NOT NULL, sealed BLOB NOT NULL,
                                         created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);
                CREATE TABLE region (name TEXT PRIMARY KEY, provider TEXT NOT NULL, key_values TEXT NOT NULL,
                                     zones TEXT NOT NULL, created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);
                CREATE TABLE connection (name TEXT PRIMARY KEY, provider TEXT NOT NULL, driver TEXT NOT NULL,
                                         credential TEXT NOT NULL, region TEXT NOT NULL,
                                         created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);
                CREATE TABLE iid (connection TEXT NOT NULL, type TEXT NOT NULL, owner TEXT NOT NULL, name TEXT NOT NULL,
                                  system_id TEXT NOT NULL, created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
                                  PRIMARY KEY (connection, type, owner, name));
                CREATE INDEX iid_by_system_id ON iid (connection, type, system_id);
                CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
                                    uid INTEGER, pid INTEGER, method TEXT NOT NULL, path TEXT NOT NULL, status INTEGER NOT NULL);
                """)
        }
        // A create or delete the cloud was asked for and the map has not recorded yet (IIDStore):
        // what a crash leaves behind, resolved against the cloud by the Reconciler.
        m.registerMigration("v2 intents") { db in
            try db.execute(sql: """
                CREATE TABLE intent (connection TEXT NOT NULL, type TEXT NOT NULL, owner TEXT NOT NULL, name TEXT NOT NULL,
                                     op TEXT NOT NULL, system_id TEXT, created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
                                     PRIMARY KEY (connection, type, owner, name));
                """)
        }
        return m
    }

    private static func load(_ db: DatabasePool, _ secrets: SecretBox) throws -> Snapshot {
        try db.read { db in
            var s = Snapshot()
            for row in try Row.fetchAll(db, sql: "SELECT name, provider, lib_file, driver_id FROM driver") {
                let r = DriverRecord(name: row[0], provider: row[1], libFile: row[2], driverID: row[3])
                s.drivers[r.name] = r
            }
            for row in try Row.fetchAll(db, sql: "SELECT name, provider, sealed FROM credential") {
                let name: String = row[0]
                let plain = try secrets.open(row[2], context: "credential:" + name)
                s.credentials[name] = CredentialRecord(name: name, provider: row[1], keyValues: try decodePairs(plain))
            }
            for row in try Row.fetchAll(db, sql: "SELECT name, provider, key_values, zones FROM region") {
                let name: String = row[0]
                let zones = try JSONDecoder().decode([String].self, from: Data((row[3] as String).utf8))
                s.regions[name] = RegionRecord(name: name, provider: row[1],
                                               keyValues: try decodePairs(Data((row[2] as String).utf8)), zones: zones)
            }
            for row in try Row.fetchAll(db, sql: "SELECT name, provider, driver, credential, region FROM connection") {
                let r = ConnectionRecord(name: row[0], provider: row[1], driver: row[2], credential: row[3], region: row[4])
                s.connections[r.name] = r
            }
            return s
        }
    }

    // MARK: reads (memory)

    var snapshot: Snapshot { state.withLock { $0 } }
    func driver(_ name: String) -> DriverRecord? { state.withLock { $0.drivers[name] } }
    func credential(_ name: String) -> CredentialRecord? { state.withLock { $0.credentials[name] } }
    func region(_ name: String) -> RegionRecord? { state.withLock { $0.regions[name] } }
    func connection(_ name: String) -> ConnectionRecord? { state.withLock { $0.connections[name] } }

    // MARK: writes (database, then memory)

    func addDriver(_ r: DriverRecord) throws {
        try insert(r.name, what: "driver", exists: { $0.drivers[r.name] != nil }) { db in
            try db.execute(sql: "INSERT INTO driver (name, provider, lib_file, driver_id) VALUES (?, ?, ?, ?)",
                           arguments: [r.name, r.provider, r.libFile, r.driverID])
        } apply: { $0.drivers[r.name] = r }
    }

    func addCredential(_ r: CredentialRecord) throws {
        let sealed = try secrets.seal(Self.encodePairs(r.keyValues), context: "credential:" + r.name)
        try insert(r.name, what: "credential", exists: { $0.credentials[r.name] != nil }) { db in
            try db.execute(sql: "INSERT INTO credential (name, provider, sealed) VALUES (?, ?, ?)",
                           arguments: [r.name, r.provider, sealed])
        } apply: { $0.credentials[r.name] = r }
    }

    func addRegion(_ r: RegionRecord) throws {
        let kv = String(decoding: Self.encodePairs(r.keyValues), as: UTF8.self)
        let zones = String(decoding: try JSONEncoder().encode(r.zones), as: UTF8.self)
        try insert(r.name, what: "region", exists: { $0.regions[r.name] != nil }) { db in
            try db.execute(sql: "INSERT INTO region (name, provider, key_values, zones) VALUES (?, ?, ?, ?)",
                           arguments: [r.name, r.provider, kv, zones])
        } apply: { $0.regions[r.name] = r }
    }

    func addConnection(_ r: ConnectionRecord) throws {
        try insert(r.name, what: "connection config", exists: { $0.connections[r.name] != nil }) { db in
            try db.execute(sql: "INSERT INTO connection (name, provider, driver, credential, region) VALUES (?, ?, ?, ?, ?)",
                           arguments: [r.name, r.provider, r.driver, r.credential, r.region])
        } apply: { $0.connections[r.name] = r }
    }

    /// Removes a row unless `inUse` names what still depends on it.
    func remove(_ table: MetadataTable, _ name: String, inUse: (Snapshot) -> String?) throws {
        try state.withLock { s in
            guard table.exists(name, in: s) else { throw HostError.notFound("\(table.noun) '\(name)' does not exist") }
            if let user = inUse(s) { throw HostError.conflict("\(table.noun) '\(name)' is in use by \(user)") }
            try db.write { db in try db.execute(sql: "DELETE FROM \(table.rawValue) WHERE name = ?", arguments: [name]) }
            table.remove(name, from: &s)
        }
    }

    /// Appends one line to the audit trail of state changes.
    func audit(uid: UInt32?, pid: Int32?, method: String, path: String, status: Int) {
        _ = try? db.write { db in
            try db.execute(sql: "INSERT INTO audit (uid, pid, method, path, status) VALUES (?, ?, ?, ?, ?)",
                           arguments: [uid.map { Int64($0) }, pid.map { Int64($0) }, method, path, status])
        }
    }

    private func insert(_ name: String, what: String, exists: (Snapshot) -> Bool,
                        write: (Database) throws -> Void, apply: (inout Snapshot) -> Void) throws {
        try state.withLock { s in
            if exists(s) { throw HostError.conflict("\(what) '\(name)' already exists") }
            try db.write(write)
            apply(&s)
        }
    }

    private static func encodePairs(_ pairs: [(key: String, value: String)]) -> Data {
        (try? JSONEncoder().encode(pairs.map { [$0.key, $0.value] })) ?? Data("[]".utf8)
    }

    private static func decodePairs(_ data: Data) throws -> [(key: String, value: String)] {
        try JSONDecoder().decode([[String]].self, from: data).compactMap { $0.count == 2 ? ($0[0], $0[1]) : nil }
    }
}

enum MetadataTable: String, Sendable {
    case driver, credential, region, connection

    var noun: String { self == .connection ? "connection config" : rawValue }
    /// The REST path segment (and list key) of the table.
    var path: String { self == .connection ? "connectionconfig" : rawValue }

    func exists(_ name: String, in s: MetadataStore.Snapshot) -> Bool {
        switch self {
        case .driver: s.drivers[name] != nil
        case .credential: s.credentials[name] != nil
        case .region: s.regions[name] != nil
        case .connection: s.connections[name] != nil
        }
    }

    func remove(_ name: String, from s: inout MetadataStore.Snapshot) {
        switch self {
        case .driver: s.drivers[name] = nil
        case .credential: s.credentials[name] = nil
        case .region: s.regions[name] = nil
        case .connection: s.connections[name] = nil
        }
    }
}
