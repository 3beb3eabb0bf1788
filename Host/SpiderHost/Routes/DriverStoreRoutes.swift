// Drivers from registries: what the registries offer, installs and upgrades (as pollable jobs),
// what is installed and which connection runs which version, and removal.
//   GET    /spider/registry                         configured registries and trusted keys
//   GET    /spider/registry/driver?query=&AllowUnsigned=   versions the registries offer
//   POST   /spider/driver/install[?async=true]      {"Name"|"ProviderName", "Version", "AllowUnsigned"}
//   POST   /spider/driver/upgrade[?async=true]      {"Name", "Version", "Reopen"}
//   GET    /spider/driver/job[/{Id}]                install jobs and their progress
//   GET    /spider/driver/job/{Id}?after=<Revision>[&wait=<s>]   the job at its next change (long poll)
//   GET    /spider/driver/installed[/{Name}]        installed versions and the connections running them
//   DELETE /spider/driver/installed/{Name}/{Version}[?force=true]
import Foundation
import SpiderRegistry

enum DriverStoreRoutes {
    /// Words the driver routes use under /spider/driver/, so no registered driver may be named so.
    static let reservedNames: Set<String> = ["install", "upgrade", "job", "installed", "capability"]

    static func add(to r: inout Router) {
        r.add(.GET, "/spider/registry", execution: .worker) { app, _ in try .json(status(app)) }
        r.add(.GET, "/spider/registry/driver", execution: .worker) { app, req in try .json(search(app, req)) }

        r.add(.POST, "/spider/driver/install") { app, req in try run(app, req, kind: "install") }
        r.add(.POST, "/spider/driver/upgrade") { app, req in try run(app, req, kind: "upgrade") }

        r.add(.GET, "/spider/driver/job", execution: .ioThread) { app, _ in try .json(["job": app.provisioning.jobs.all]) }
        r.add(.GET, "/spider/driver/job/{Id}", execution: .ioThreadFirst) { app, req in try .json(follow(app, req)) }

        r.add(.GET, "/spider/driver/installed", execution: .worker) { app, _ in try .json(["installed": installed(app)]) }
        r.add(.GET, "/spider/driver/installed/{Name}", execution: .worker) { app, req in
            let name = req.parameter("Name")
            let rows = installed(app).filter { $0.Name == name }
            guard !rows.isEmpty else { throw HostError.notFound("driver '\(name)' is not installed") }
            return try .json(["installed": rows])
        }
        r.add(.DELETE, "/spider/driver/installed/{Name}/{Version}") { app, req in
            try remove(app, name: req.parameter("Name"), version: req.parameter("Version"), force: req.flag("force"))
            return .ok
        }
    }

    /// Longest `wait` of a job long poll, in seconds (it holds a worker thread meanwhile).
    static let maxJobWait = 60.0

    /// One job; with `?after=<Revision>`, once its Revision is past that (or it has finished, or
    /// `wait` seconds — default and most 60, within the request's deadline — have passed).
    static func follow(_ app: SpiderApp, _ req: APIRequest) throws -> InstallJobInfo {
        guard let job = app.provisioning.jobs.job(req.parameter("Id")) else {
            throw HostError.notFound("install job '\(req.parameter("Id"))' does not exist (finished jobs are kept for the last \(InstallJobs.keepFinished))")
        }
        guard let afterText = req.query["after"] else { return job.info }
        guard let after = Int(afterText), after >= 0 else {
            throw HostError.badRequest("after must be a Revision of the job, a whole number ≥ 0 (got '\(afterText)')")
        }
        var seconds = maxJobWait
        if let waitText = req.query["wait"] {
            guard let asked = Double(waitText), asked.isFinite, asked >= 0 else {
                throw HostError.badRequest("wait must be a number of seconds ≥ 0 (got '\(waitText)')")
            }
            seconds = min(asked, maxJobWait)
        }
        // Answer before the request's own deadline would turn the wait into a 504.
        seconds = min(seconds, Double(req.call.remainingMs) / 1000 * 0.9)
        let now = job.info
        if now.Revision > after || now.FinishedAt != nil || seconds <= 0 { return now }
        if req.immediate { throw MustOffload() }
        return job.wait(after: after, until: Date(timeIntervalSinceNow: seconds))
    }

    /// Install or upgrade: resolve, start the job, then wait for it (200 with the finished job, or the
    /// job's error) or, with `?async=true`, answer 202 with the job to poll at /spider/driver/job/{Id}.
    private static func run(_ app: SpiderApp, _ req: APIRequest, kind: String) throws -> APIResponse {
        let body = try req.decode(DriverInstallRequest.self, what: "driver \(kind)")
        let name = body.Name.flatMap { $0.isEmpty ? nil : $0 }
        let provider = body.ProviderName.flatMap { $0.isEmpty ? nil : $0.uppercased() }
        guard name != nil || (provider != nil && kind == "install") else {
            throw HostError.badRequest(kind == "install" ? "Name (the driver's name) or ProviderName is required" : "Name (the driver's name) is required")
        }
        let constraint: VersionConstraint
        do { constraint = try VersionConstraint(body.Version ?? "") } catch { throw HostError.from(installError: error) }
        let reopen = kind == "upgrade" && body.Reopen == true
        let job = try app.provisioning.start(kind: kind, name: name, provider: provider, constraint: constraint,
                                             allowUnsigned: body.AllowUnsigned ?? false) { receipt in
            if reopen { reopenOlder(app, than: receipt) }
        }
        if req.flag("async") { return try .json(job.info, status: .accepted) }
        let info = job.wait()
        try DriverProvisioning.check(info)
        return try .json(info)
    }

    /// Closes the connections running another version of the driver; their next call reopens them
    /// on the newest version.
    private static func reopenOlder(_ app: SpiderApp, than receipt: InstalledDriverReceipt) {
        for c in app.connections.openConnections
        where c.driver.installed.manifest.name == receipt.name && c.driver.installed.manifest.version != receipt.version {
            app.logger.info("reopening connection '\(c.name)' (driver \(c.driver.label) → \(receipt.version))")
            close(app, c.name)
        }
    }

    /// Closes a connection so its next call reopens it with the newest driver; the catalogue the
    /// old version fetched goes with it.
    private static func close(_ app: SpiderApp, _ connection: String) {
        app.connections.close(connection)
        app.catalogCache.drop(connection: connection)
    }

    private static func installed(_ app: SpiderApp) -> [InstalledDriverInfo] {
        let drivers = app.catalog.scan().drivers
        let open = app.connections.openConnections
        let newest = Dictionary(grouping: drivers, by: { $0.manifest.name }).compactMapValues { DriverCatalog.newest($0)?.folder }
        return drivers.map { d in
            let receipt = d.receipt
            return InstalledDriverInfo(
                Name: d.manifest.name, Version: d.manifest.version, ProviderName: d.manifest.provider, AbiVersion: d.manifest.abi_version,
                Managed: d.managed, Signer: receipt?.signer ?? "none (staged by hand)", Source: receipt?.source ?? d.folder,
                InstalledAt: receipt?.installed_at, ArchiveSHA256: receipt?.archive_sha256, Folder: d.folder,
                Newest: newest[d.manifest.name] == d.folder,
                Connections: open.filter { $0.driver.installed.folder == d.folder }.map(\.name),
                Isolation: app.config.isolation(of: d.manifest.name).rawValue,
                Runtime: app.loader.runtime(of: d)?.status)
        }.sorted { ($0.Name, DriverVersion($0.Version) ?? DriverVersion("0")!) < ($1.Name, DriverVersion($1.Version) ?? DriverVersion("0")!) }
    }

    private static func remove(_ app: SpiderApp, name: String, version: String, force: Bool) throws {
        guard let row = installed(app).first(where: { $0.Name == name && $0.Version == version }) else {
            throw HostError.notFound("driver \(name) \(version) is not installed")
        }
        guard row.Managed else {
            throw HostError.conflict("driver \(name) \(version) in \(row.Folder) was staged by hand, not installed by the store; remove the folder yourself")
        }
        if !row.Connections.isEmpty {
            guard force else {
                throw HostError.conflict("driver \(name) \(version) is in use by connection(s) \(row.Connections.joined(separator: ", ")); remove with ?force=true to close them (their next call opens the newest remaining version or reinstalls)")
            }
            for c in row.Connections { close(app, c) }
        }
        do {
            try app.provisioning.store.remove(name: name, version: version)
        } catch {
            throw HostError.from(installError: error)
        }
        app.logger.info("removed driver \(name) \(version)\(row.Connections.isEmpty ? "" : " (closed \(row.Connections.joined(separator: ", ")))")")
    }

    private static func search(_ app: SpiderApp, _ req: APIRequest) throws -> RegistrySearchInfo {
        let (offers, problems) = try app.provisioning.installer().search(matching: req.query["query"], allowUnsigned: req.flag("AllowUnsigned"))
        let store = app.provisioning.store
        return RegistrySearchInfo(driver: offers.map { o in
            RegistryOfferInfo(Name: o.entry.name, Version: o.entry.version, ProviderName: o.entry.provider, Platform: o.entry.platform,
                              AbiVersion: o.entry.abi_version, Size: o.entry.size, SHA256: o.entry.sha256, Registry: o.registry,
                              Signer: o.signer, Loadable: store.abiVersions.contains(o.entry.abi_version),
                              Installed: store.receipt(name: o.entry.name, version: o.entry.version)?.archive_sha256 == o.entry.sha256)
        }, Problems: problems)
    }

    private static func status(_ app: SpiderApp) throws -> RegistryStatusInfo {
        let installer = try app.provisioning.installer()
        let sources = installer.indexes().map { registry, result in
            switch result {
            case .success(let v):
                RegistryStatusInfo.Source(Location: registry.location, Signer: v.signer, Versions: v.index.entries.count, Error: nil)
            case .failure(let e):
                RegistryStatusInfo.Source(Location: registry.location, Signer: nil, Versions: nil, Error: "\(e)")
            }
        }
        return RegistryStatusInfo(registry: sources, TrustedKeysFolder: app.provisioning.trustedKeysDir,
                                  TrustedKeys: installer.trust.keys.keys.sorted())
    }
}
