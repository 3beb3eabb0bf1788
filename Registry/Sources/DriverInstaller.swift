import Foundation

/// A driver version offered by a configured registry, with the registry and the key that vouches for it.
public struct RegistryOffer: Sendable, Equatable {
    public var entry: IndexEntry
    public var registry: String
    /// Key id of the index's trusted signer, or "unsigned".
    public var signer: String
}

/// What an install is doing, for progress displays.
public enum InstallPhase: String, Sendable, Codable {
    /// `queued`: accepted, not started yet (the version to install is already chosen).
    case queued, downloading, installing, done, failed
}

/// Finds drivers in the configured registries and installs them into an InstallStore: resolve the
/// newest version this host can load (or the one asked for), download it with its SHA-256 computed
/// on the way, then let the store verify, unpack and commit it. Blocking: call it from a worker thread.
public final class DriverInstaller: Sendable {
    public let store: InstallStore
    public let registries: [RegistryLocation]
    public let trust: TrustStore
    public let fetcher: Fetcher

    public init(store: InstallStore, registries: [String], trust: TrustStore, fetchOptions: FetchOptions = FetchOptions()) {
        self.store = store
        self.registries = registries.map(RegistryLocation.init)
        self.trust = trust
        self.fetcher = Fetcher(options: fetchOptions)
    }

    /// Every configured registry's verified index, or why it could not be used.
    public func indexes(allowUnsigned: Bool = false) -> [(registry: RegistryLocation, index: Result<VerifiedIndex, Error>)] {
        registries.map { r in (r, Result { try r.verifiedIndex(fetcher: fetcher, trust: trust, allowUnsigned: allowUnsigned) }) }
    }

    /// Offers for this host's platform, from every registry that could be read, plus one sentence per
    /// registry that could not. `matching` filters on a driver's name or provider (case-insensitive).
    public func search(matching query: String? = nil, allowUnsigned: Bool = false) -> (offers: [RegistryOffer], problems: [String]) {
        let (offers, failures) = collect(matching: query, allowUnsigned: allowUnsigned)
        return (offers, failures.map { "\($0)" })
    }

    private func collect(matching query: String?, allowUnsigned: Bool) -> (offers: [RegistryOffer], failures: [Error]) {
        var offers: [RegistryOffer] = [], failures: [Error] = []
        let q = query?.lowercased() ?? ""
        for (registry, result) in indexes(allowUnsigned: allowUnsigned) {
            switch result {
            case .success(let verified):
                for e in verified.index.entries where e.platform == store.platform
                    && (q.isEmpty || e.name.lowercased().contains(q) || e.provider.lowercased().contains(q)) {
                    offers.append(RegistryOffer(entry: e, registry: registry.location, signer: verified.signer))
                }
            case .failure(let error):
                failures.append(error)
            }
        }
        return (offers, failures)
    }

    /// The newest offer this host can load: by driver name, or else by provider, within `constraint`.
    /// Registries are asked in order; a version found in several comes from the first.
    public func resolve(name: String? = nil, provider: String? = nil, constraint: VersionConstraint = .any,
                        allowUnsigned: Bool = false) throws -> RegistryOffer {
        let (offers, failures) = collect(matching: nil, allowUnsigned: allowUnsigned)
        let wanted = name.map { n in offers.filter { $0.entry.name == n } }
            ?? offers.filter { $0.entry.provider.uppercased() == provider?.uppercased() }
        let what = name.map { "driver '\($0)'" } ?? "a driver for provider '\(provider ?? "")'"
        guard !registries.isEmpty else { throw RegistryError.noMatch("no registry is configured to install \(what) from") }
        guard !wanted.isEmpty else {
            // A registry that could not be read (or verified) may be the one that has it: say why.
            if failures.count == 1, offers.isEmpty { throw failures[0] }
            let why = failures.isEmpty ? "" : " (unreadable: " + failures.map { "\($0)" }.joined(separator: "; ") + ")"
            throw RegistryError.noMatch("no configured registry offers \(what) for \(store.platform)\(why)")
        }
        let loadable = wanted.filter { store.abiVersions.contains($0.entry.abi_version) }
        guard !loadable.isEmpty else {
            let abis = Set(wanted.map(\.entry.abi_version)).sorted().map(String.init).joined(separator: ", ")
            throw RegistryError.noMatch("\(what) is offered only for driver ABI \(abis); this host loads ABI \(store.abiVersions.lowerBound)...\(store.abiVersions.upperBound)")
        }
        let fitting = loadable.filter { constraint.accepts($0.entry.version) }
        var best: RegistryOffer?
        for offer in fitting where best == nil || DriverVersion(best!.entry.version)! < DriverVersion(offer.entry.version)! {
            best = offer
        }
        guard let best else {
            // The index allows versions that are not numbers ("nightly"): they sort last, by text.
            let versions = Set(loadable.map(\.entry.version)).sorted {
                switch (DriverVersion($0), DriverVersion($1)) {
                case let (a?, b?): a < b || (!(b < a) && $0 < $1)
                case (_?, nil): true
                case (nil, _?): false
                case (nil, nil): $0 < $1
                }
            }
            throw RegistryError.noMatch("no version of \(what) matches '\(constraint)' (offered: \(versions.joined(separator: ", ")))")
        }
        return best
    }

    /// Downloads and installs one offer. `progress` gets the phase, bytes so far and the total.
    public func install(_ offer: RegistryOffer,
                        progress: @escaping (InstallPhase, Int64, Int64) -> Void = { _, _, _ in },
                        step: (InstallStep) -> Void = { _ in }) throws -> InstalledDriverReceipt {
        let e = offer.entry
        if let existing = store.receipt(name: e.name, version: e.version), existing.archive_sha256 == e.sha256 {
            progress(.done, e.size, e.size)
            return existing
        }
        progress(.downloading, 0, e.size)
        let download = store.downloadPath(name: e.name, version: e.version)
        defer { unlink(download) }
        var options = fetcher.options
        // The index says how big the archive is; anything longer is refused while it streams.
        options.maxBytes = UInt64(e.size)
        let fetched: FetchResult
        do throws(FetchError) {
            fetched = try Fetcher(options: options).fetch(RegistryLocation(offer.registry).url(e.archive), to: download) { bytes, _ in
                progress(.downloading, Int64(bytes), e.size)
            }
        } catch .tooLarge {
            throw RegistryError.integrity("size mismatch for \(e.name) \(e.version): the index says \(e.size) bytes, the archive is larger")
        }
        progress(.installing, Int64(fetched.bytes), e.size)
        let receipt = try store.install(bundleAt: download, entry: e, signer: offer.signer == InstallStore.unsigned ? nil : offer.signer,
                                        source: offer.registry, digest: (fetched.sha256, Int64(fetched.bytes)), step: step)
        progress(.done, e.size, e.size)
        return receipt
    }
}
