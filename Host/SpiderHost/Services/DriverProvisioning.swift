// Installing, upgrading and removing drivers while the host runs: the registries and the install
// store on one side, the catalog and the open connections on the other. Installs run as jobs
// (InstallJobs); the first use of a driver that is not installed waits for its install.
import Foundation
import Logging
import SpiderModels
import SpiderRegistry

final class DriverProvisioning: Sendable {
    let store: InstallStore
    let registries: [String]
    let trustedKeysDir: String
    let fetchOptions: FetchOptions
    let catalog: DriverCatalog
    let jobs = InstallJobs()
    let logger: Logger

    init(config: HostConfig, catalog: DriverCatalog, logger: Logger) throws {
        do {
            store = try InstallStore(root: config.driverStore, platform: DriverCatalog.platform,
                                     abiVersions: DriverLoader.hostABIRange)
        } catch {
            throw HostError.startup("cannot open the driver store \(config.driverStore): \(error)")
        }
        registries = config.registries
        trustedKeysDir = config.trustedKeysDir
        var options = FetchOptions()
        options.connectTimeout = config.registryConnectTimeout
        options.caBundlePath = config.registryCABundle
        fetchOptions = options
        self.catalog = catalog
        self.logger = logger
    }

    /// An installer with the trusted keys as they are now (adding a key needs no restart).
    func installer() throws -> DriverInstaller {
        let trust: TrustStore
        do {
            trust = try TrustStore(folder: trustedKeysDir)
        } catch {
            throw HostError.internalError("cannot read the trusted keys in \(trustedKeysDir): \(error)")
        }
        return DriverInstaller(store: store, registries: registries, trust: trust, fetchOptions: fetchOptions)
    }

    /// Resolves what to install and starts (or joins) its job. Resolution errors are thrown at once.
    func start(kind: String, name: String?, provider: String?, constraint: VersionConstraint, allowUnsigned: Bool,
               afterInstall: @escaping @Sendable (InstalledDriverReceipt) -> Void = { _ in }) throws -> InstallJob {
        let installer = try installer()
        let offer: RegistryOffer
        do {
            offer = try installer.resolve(name: name, provider: provider, constraint: constraint, allowUnsigned: allowUnsigned)
        } catch {
            throw HostError.from(installError: error)
        }
        if offer.signer == InstallStore.unsigned {
            logger.warning("installing \(offer.entry.name) \(offer.entry.version) from \(offer.registry) UNSIGNED (explicitly allowed)")
        }
        let logger = self.logger
        return jobs.start(kind: kind, offer: offer) { job in
            let receipt = try installer.install(offer) { phase, bytes, total in job.progress(phase, bytes, total) }
            logger.info("installed driver \(receipt.name) \(receipt.version) from \(receipt.source) (signer \(receipt.signer))")
            afterInstall(receipt)
        }
    }

    /// The newest installed version of a driver, installing the newest one the registries offer when
    /// none is (a connection's first use). Waits for the install.
    func installedOrInstall(named name: String) throws -> InstalledDriver {
        if let hit = catalog.newest(named: name) { return hit }
        let job = try start(kind: "install", name: name, provider: nil, constraint: .any, allowUnsigned: false)
        try Self.check(job.wait())
        guard let installed = catalog.newest(named: name) else {
            throw HostError.internalError("driver \(name) was installed but its folder cannot be read")
        }
        return installed
    }

    /// Installs the newest driver for a provider (`POST /spider/driver` when none is installed),
    /// preferring the driver named by `file` (a driver name or its library file name) when given.
    func installForProvider(_ provider: String, file: String) throws {
        var name: String?
        if !file.isEmpty, let offers = try? installer().search(matching: nil).offers {
            name = offers.first { $0.entry.provider.uppercased() == provider
                && ($0.entry.name == file || "libspider-driver-\($0.entry.name).so" == file) }?.entry.name
        }
        let job = try start(kind: "install", name: name, provider: name == nil ? provider : nil, constraint: .any, allowUnsigned: false)
        try Self.check(job.wait())
    }

    /// Throws the failure a finished job ended with.
    static func check(_ info: InstallJobInfo) throws {
        if info.State == .failed {
            throw HostError(status: info.ErrorStatus ?? 500, message: info.Error ?? "install failed")
        }
    }
}
