import ArgumentParser
import Foundation
import SpiderRegistry

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a registry as a host would: signature, then every bundle's size, SHA-256 and manifest.",
        discussion: """
        Stops at the first failure with a non-zero exit and a message naming it. A URL registry
        (file://, http://, https://) is downloaded through a temporary folder that is removed afterwards.
        Examples: spider-pack verify --registry ./registry --trust ~/.spider-keys
                  spider-pack verify --registry https://drivers.example.com/spider --trust /etc/spider/trust
        """)

    @Option(help: "The registry: a folder or a file://, http:// or https:// URL.")
    var registry: String

    @Option(help: "Folder of trusted public keys (*.pub).")
    var trust: String

    func run() throws {
        let source = try RegistrySource(registry)
        defer { source.cleanup() }
        let trustStore = try TrustStore(folder: trust)
        guard !trustStore.keys.isEmpty else { throw Failure("\(trust) holds no trusted keys (*.pub)") }
        let verified = try VerifiedIndex.verify(indexBytes: try source.indexBytes(), signature: try source.signature(),
                                                trust: trustStore)
        print("index signed by \(verified.signer)")
        for entry in verified.index.entries {
            let label = "\(entry.name) \(entry.version) \(entry.platform) (\(entry.archive))"
            let (path, sha256, size) = try source.archive(entry.archive)
            guard size == entry.size else {
                throw Failure("\(label): size is \(size) bytes, the index says \(entry.size)")
            }
            guard sha256 == entry.sha256 else {
                throw Failure("\(label): SHA-256 is \(sha256), the index says \(entry.sha256)")
            }
            let m = try BundleManifestReader.manifest(ofBundle: path)
            for (field, found, listed) in [("name", m.name, entry.name), ("version", m.version, entry.version),
                                           ("platform", m.platform, entry.platform), ("provider", m.provider, entry.provider),
                                           ("abi_version", "\(m.abi_version)", "\(entry.abi_version)")]
            where found != listed {
                throw Failure("\(label): driver.json has \(field) '\(found)', the index says '\(listed)'")
            }
            print("ok \(label)")
        }
        print("verified \(verified.index.entries.count) bundle(s)")
    }
}
