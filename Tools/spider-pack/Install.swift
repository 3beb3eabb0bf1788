import ArgumentParser
import Foundation
import SpiderRegistry

struct Install: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Install a driver from registries into an install store, as spiderd would.",
        discussion: """
        For provisioning a host ahead of time (an image build, a machine without network access): \
        the store is the folder spiderd reads at <data-dir>/drivers. Registries are asked in the \
        order given; the newest version matching the constraint that the host's platform and \
        driver ABI can load is installed, after the index signature, the archive's size and \
        SHA-256 and its driver.json are checked. Installing what is already installed succeeds \
        without downloading. Constraints: 1.2.3, ^1.2, ~1.2, ">=1.0,<2", latest (the default).

        Examples:
          spider-pack install --store /var/lib/spider/drivers \\
            --registry https://drivers.example.com/spider --trust /etc/spider/trust mock
          spider-pack install --store drivers --registry /media/usb/spider \\
            --registry https://drivers.example.com/spider --trust keys "mock@^1.2"
        """)

    @Option(help: "The install store folder (created if missing), e.g. <data-dir>/drivers.")
    var store: String

    @Option(help: "A registry: a folder or a file://, http:// or https:// URL; repeatable, asked in order.")
    var registry: [String]

    @Option(help: "Folder of trusted public keys (*.pub).")
    var trust: String?

    @Flag(help: "Accept an index without a trusted signature (recorded as signer 'unsigned').")
    var allowUnsigned = false

    @Option(help: "The platform of the host that will load the drivers.")
    var platform = InstallStore.hostPlatform

    @Option(help: "The highest driver ABI that host loads (spiderd's SPIDER_ABI_VERSION).")
    var abi: UInt32 = 1

    @OptionGroup var ca: CABundleOption

    @Argument(help: "The driver, optionally with a version constraint: <name>[@<constraint>].")
    var driver: String

    func validate() throws {
        guard !registry.isEmpty else { throw ValidationError("pass at least one --registry") }
        guard trust != nil || allowUnsigned else { throw ValidationError("pass --trust <folder of .pub files> (or --allow-unsigned)") }
        guard abi >= 1 else { throw ValidationError("--abi starts at 1") }
        if let stop = InstallStopPoint.fromEnvironment(), !InstallStopPoint.known.contains(stop.step) {
            throw ValidationError("\(InstallStopPoint.variable)='\(stop.step)' is not a step (one of: \(InstallStopPoint.known.joined(separator: ", ")))")
        }
    }

    func run() throws {
        let parts = driver.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let constraint = try VersionConstraint(parts.count > 1 ? parts[1] : "")
        let trustStore = try trust.map { try TrustStore(folder: $0) } ?? TrustStore()
        if let trust, trustStore.keys.isEmpty, !allowUnsigned { throw Failure("\(trust) holds no trusted keys (*.pub)") }

        let installer = DriverInstaller(store: try InstallStore(root: store, platform: platform, abiVersions: 1...abi),
                                        registries: registry, trust: trustStore, fetchOptions: FetchOptions.with(caBundle: ca.path))
        // Said once here; resolve repeats them only when no other registry could help.
        for problem in installer.search(allowUnsigned: allowUnsigned).problems {
            FileHandle.standardError.write(Data("warning: registry unreadable: \(problem)\n".utf8))
        }
        let offer = try installer.resolve(name: parts[0], constraint: constraint, allowUnsigned: allowUnsigned)
        let e = offer.entry
        if offer.signer == InstallStore.unsigned {
            FileHandle.standardError.write(Data("warning: \(e.name) \(e.version) from \(offer.registry) is UNSIGNED (allowed by --allow-unsigned)\n".utf8))
        }
        var announced = false
        let stop = InstallStopPoint.fromEnvironment()
        let receipt = try installer.install(offer, progress: { phase, bytes, total in
            if phase == .downloading, bytes > 0 { stop?.reached("downloading") }
            guard phase == .downloading, !announced else { return }
            announced = true
            FileHandle.standardError.write(Data("downloading \(e.name) \(e.version) (\(total) bytes) from \(offer.registry)\n".utf8))
        }, step: { step in
            if step == .waitingForLock {
                FileHandle.standardError.write(Data("waiting for another installer of \(e.name) (it holds the driver's lock)\n".utf8))
            }
            stop?.reached(step.rawValue)
        })
        let verb = announced ? "installed" : "already installed"
        print("\(verb) \(receipt.name) \(receipt.version) signer \(receipt.signer) source \(receipt.source)")
        print("  \(installer.store.versionFolder(name: receipt.name, version: receipt.version))")
    }
}
