// Drivers, credentials, regions and connection configs: the metadata a connection is made of.
import Foundation
import SpiderModels

enum AdminRoutes {
    static func add(to r: inout Router) {
        r.add(.POST, "/spider/driver") { app, req in try .json(registerDriver(app, req)) }
        r.add(.GET, "/spider/driver/capability", execution: .worker) { app, req in try .json(capabilities(app, req)) }
        readRoutes(&r, .driver, param: "DriverName", rows: \.drivers, provider: \.provider, present: info)
        deleteRoute(&r, .driver, param: "DriverName", referencedBy: \.driver)

        // Credentials: values are sealed at rest and never returned.
        r.add(.POST, "/spider/credential") { app, req in
            let c = try req.decode(CredentialInfo.self, what: "credential")
            try validateName(c.CredentialName, field: "CredentialName")
            try validateProvider(c.ProviderName)
            try app.store.addCredential(CredentialRecord(name: c.CredentialName, provider: c.ProviderName.uppercased(),
                                                         keyValues: c.KeyValueInfoList.map { ($0.Key, $0.Value) }))
            return try .json(masked(app.store.credential(c.CredentialName)!))
        }
        readRoutes(&r, .credential, param: "CredentialName", rows: \.credentials, provider: \.provider, present: masked)
        deleteRoute(&r, .credential, param: "CredentialName", referencedBy: \.credential)

        r.add(.POST, "/spider/region") { app, req in
            let g = try req.decode(RegionInfoREST.self, what: "region")
            try validateName(g.RegionName, field: "RegionName")
            try validateProvider(g.ProviderName)
            let zones = g.AvailableZoneList ?? g.KeyValueInfoList.filter { $0.Key == "Zone" }.map(\.Value)
            try app.store.addRegion(RegionRecord(name: g.RegionName, provider: g.ProviderName.uppercased(),
                                                 keyValues: g.KeyValueInfoList.map { ($0.Key, $0.Value) }, zones: zones))
            return try .json(info(app.store.region(g.RegionName)!))
        }
        readRoutes(&r, .region, param: "RegionName", rows: \.regions, provider: \.provider, present: info)
        deleteRoute(&r, .region, param: "RegionName", referencedBy: \.region)

        r.add(.POST, "/spider/connectionconfig") { app, req in
            let c = try req.decode(ConnectionConfigInfo.self, what: "connection config")
            try app.store.addConnection(try validate(app, c))
            return try .json(info(app.store.connection(c.ConfigName)!))
        }
        readRoutes(&r, .connection, param: "ConfigName", rows: \.connections, provider: \.provider, present: info)
        r.add(.DELETE, "/spider/connectionconfig/{ConfigName}") { app, req in
            let name = req.parameter("ConfigName")
            let force = req.flag("force")
            try app.store.remove(.connection, name) { _ in
                let mapped = app.iids.count(connection: name)
                return mapped > 0 && !force ? "\(mapped) mapped resource(s); delete them first or use ?force=true" : nil
            }
            if force { try app.iids.removeAll(connection: name) }
            app.connections.close(name)
            app.catalogCache.drop(connection: name)
            return .ok
        }
    }

    /// `GET /spider/<table>` (sorted, filtered by `?provider=`) and `GET /spider/<table>/{Name}`,
    /// answered under CB-Spider's list key (`{"credential": [...]}`).
    private static func readRoutes<Record: Sendable, Info: Encodable & Sendable>(
        _ r: inout Router, _ table: MetadataTable, param: String,
        rows: KeyPath<MetadataStore.Snapshot, [String: Record]> & Sendable,
        provider: KeyPath<Record, String> & Sendable,
        present: @escaping @Sendable (Record) -> Info
    ) {
        let base = "/spider/" + table.path
        r.add(.GET, base) { app, req in
            let wanted = req.query["provider"]?.uppercased()
            let all = app.store.snapshot[keyPath: rows].sorted { $0.key < $1.key }.map(\.value)
            return try .json([table.path: all.filter { wanted == nil || $0[keyPath: provider] == wanted }.map(present)])
        }
        r.add(.GET, base + "/{\(param)}") { app, req in
            let name = req.parameter(param)
            guard let row = app.store.snapshot[keyPath: rows][name] else {
                throw HostError.notFound("\(table.noun) '\(name)' does not exist")
            }
            return try .json(present(row))
        }
    }

    /// `DELETE /spider/<table>/{Name}`, refused (409) while a connection config refers to the row.
    private static func deleteRoute(_ r: inout Router, _ table: MetadataTable, param: String,
                                    referencedBy field: KeyPath<ConnectionRecord, String> & Sendable) {
        r.add(.DELETE, "/spider/\(table.path)/{\(param)}") { app, req in
            let name = req.parameter(param)
            try app.store.remove(table, name) { s in
                s.connections.values.first { $0[keyPath: field] == name }.map { "connection config '\($0.name)'" }
            }
            return .ok
        }
    }

    // MARK: helpers

    private static func registerDriver(_ app: SpiderApp, _ req: APIRequest) throws -> CloudDriverInfo {
        let d = try req.decode(CloudDriverInfo.self, what: "driver")
        try validateName(d.DriverName, field: "DriverName")
        guard !DriverStoreRoutes.reservedNames.contains(d.DriverName) else {
            throw HostError.badRequest("DriverName '\(d.DriverName)' is reserved (it names a /spider/driver/ route)")
        }
        try validateProvider(d.ProviderName)
        let provider = d.ProviderName.uppercased()
        let file = d.DriverLibFileName ?? ""
        // A file name, never a path: spiderd loads only installed drivers, whatever this says.
        if !file.isEmpty { try validateName(file, field: "DriverLibFileName") }
        var (installed, problems) = app.catalog.scan()
        var candidates = installed.filter { $0.manifest.provider.uppercased() == provider }
        if candidates.isEmpty, !app.config.registries.isEmpty {
            // Not installed yet: install the newest version the registries offer, then register it.
            try app.provisioning.installForProvider(provider, file: file)
            (installed, problems) = app.catalog.scan()
            candidates = installed.filter { $0.manifest.provider.uppercased() == provider }
        }
        guard !candidates.isEmpty else {
            let have = Set(installed.map { $0.manifest.provider }).sorted().joined(separator: ", ")
            let skipped = problems.isEmpty ? "" : "; skipped: " + problems.joined(separator: "; ")
            throw HostError.notFound("no installed driver for provider '\(provider)' (installed providers: \(have.isEmpty ? "none" : have))\(skipped)")
        }
        let exact = candidates.filter { $0.manifest.library == file || $0.manifest.name == file }
        let pool = exact.isEmpty ? candidates : exact
        let names = Set(pool.map { $0.manifest.name })
        guard names.count == 1, let chosen = DriverCatalog.newest(pool) else {
            throw HostError.badRequest("provider '\(provider)' has several drivers (\(names.sorted().joined(separator: ", "))); name one in DriverLibFileName")
        }
        // CB-Spider's scripts name CB-Spider's own libraries ("mock-driver-v1.0.so"): accepted, but the
        // answer says which library really serves the driver.
        if !file.isEmpty, exact.isEmpty {
            app.logger.info("driver '\(d.DriverName)': DriverLibFileName '\(file)' names no installed driver; \(chosen.manifest.library) (\(chosen.label)) serves provider \(provider)")
        }
        let record = DriverRecord(name: d.DriverName, provider: provider, libFile: chosen.manifest.library, driverID: chosen.manifest.name)
        try app.store.addDriver(record)
        return info(record)
    }

    private static func capabilities(_ app: SpiderApp, _ req: APIRequest) throws -> DriverCapabilities {
        if let name = req.query["DriverName"] {
            guard let d = app.store.driver(name) else { throw HostError.notFound("driver '\(name)' is not registered") }
            guard let installed = app.catalog.newest(named: d.driverID) else {
                throw HostError.unavailable("driver '\(name)' needs the installed driver '\(d.driverID)', which is missing")
            }
            return installed.manifest.capabilities
        }
        return try app.connections.installedDriver(forConnection: try req.connectionName()).manifest.capabilities
    }

    private static func validate(_ app: SpiderApp, _ c: ConnectionConfigInfo) throws -> ConnectionRecord {
        try validateName(c.ConfigName, field: "ConfigName")
        try validateProvider(c.ProviderName)
        let provider = c.ProviderName.uppercased()
        guard let driver = app.store.driver(c.DriverName) else { throw HostError.notFound("driver '\(c.DriverName)' is not registered") }
        guard let credential = app.store.credential(c.CredentialName) else {
            throw HostError.notFound("credential '\(c.CredentialName)' does not exist")
        }
        guard let region = app.store.region(c.RegionName) else { throw HostError.notFound("region '\(c.RegionName)' does not exist") }
        for (what, other) in [("driver", driver.provider), ("credential", credential.provider), ("region", region.provider)]
        where other != provider {
            throw HostError.badRequest("ProviderName is \(provider) but the \(what) is for \(other)")
        }
        if let manifest = app.catalog.newest(named: driver.driverID)?.manifest {
            func missing(_ keys: [String], in given: [(key: String, value: String)]) -> String? {
                keys.first { key in !manifest.names(for: key).contains { name in given.contains { $0.key == name } } }
            }
            func also(_ key: String) -> String {
                let aliases = manifest.names(for: key).dropFirst()
                return aliases.isEmpty ? "" : " (or \(aliases.joined(separator: " or ")))"
            }
            if let key = missing(manifest.credential_keys, in: credential.keyValues) {
                throw HostError.badRequest("credential '\(credential.name)' lacks the key '\(key)'\(also(key)) that driver \(manifest.name) needs (needs: \(manifest.credential_keys.joined(separator: ", ")))")
            }
            if let key = missing(manifest.region_keys, in: region.keyValues) {
                throw HostError.badRequest("region '\(region.name)' lacks the key '\(key)'\(also(key)) that driver \(manifest.name) needs (needs: \(manifest.region_keys.joined(separator: ", ")))")
            }
        }
        return ConnectionRecord(name: c.ConfigName, provider: provider, driver: c.DriverName,
                                credential: c.CredentialName, region: c.RegionName)
    }

    private static func validateProvider(_ p: String) throws {
        guard !p.isEmpty, p.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw HostError.badRequest("ProviderName '\(p)' must be a non-empty word such as MOCK or AWS")
        }
    }

    private static func info(_ d: DriverRecord) -> CloudDriverInfo {
        CloudDriverInfo(DriverName: d.name, ProviderName: d.provider, DriverLibFileName: d.libFile)
    }

    private static func masked(_ c: CredentialRecord) -> CredentialInfo {
        CredentialInfo(CredentialName: c.name, ProviderName: c.provider,
                       KeyValueInfoList: c.keyValues.map { KeyValue(Key: $0.key, Value: "********") })
    }

    private static func info(_ g: RegionRecord) -> RegionInfoREST {
        RegionInfoREST(RegionName: g.name, ProviderName: g.provider,
                       KeyValueInfoList: g.keyValues.map { KeyValue(Key: $0.key, Value: $0.value) }, AvailableZoneList: g.zones)
    }

    private static func info(_ c: ConnectionRecord) -> ConnectionConfigInfo {
        ConnectionConfigInfo(ConfigName: c.name, ProviderName: c.provider, DriverName: c.driver,
                             CredentialName: c.credential, RegionName: c.region)
    }
}
