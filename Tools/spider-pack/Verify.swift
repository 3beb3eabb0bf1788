import ArgumentParser
import Foundation
import SpiderRegistry

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a registry as a host would: signature, then every bundle's size, SHA-256 and manifest.",
        discussion: """
        Stops at the first failure with a non-zero exit and a message naming it. A URL \
        registry (file://, http://, https://) is downloaded through a temporary folder that is \
        removed afterwards.

        Examples:
          spider-pack verify --registry ./registry --trust ~/.spider-keys
          spider-pack verify --registry https://drivers.example.com/spider \\
            --trust /etc/spider/trust
        """)

    @Option(help: "The registry: a folder or a file://, http:// or https:// URL.")
    var registry: String

    @Option(help: "Folder of trusted public keys (*.pub).")
    var trust: String

    @OptionGroup var ca: CABundleOption

    func run() throws {
        let source = try RegistrySource(registry, caBundle: ca.path)
        defer { source.cleanup() }
        let trustStore = try TrustStore(folder: trust)
        guard !trustStore.keys.isEmpty else { throw Failure("\(trust) holds no trusted keys (*.pub)") }
        let verified = try source.verifiedIndex(trust: trustStore)
        print("index signed by \(verified.signer)")
        for entry in verified.index.entries {
            let (path, sha256, size) = try source.archive(entry.archive)
            try ArchiveCheck.check(path, sha256: sha256, size: size, against: entry)
            source.discard(path)
            print("ok \(ArchiveCheck.label(entry))")
        }
        print("verified \(verified.index.entries.count) bundle(s)")
    }
}
