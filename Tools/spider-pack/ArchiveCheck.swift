import Foundation
import SpiderRegistry

/// The archive links of the verification chain, shared by verify and mirror: size and SHA-256 equal
/// the index entry's, and the driver.json inside agrees with it.
enum ArchiveCheck {
    static func label(_ entry: IndexEntry) -> String {
        "\(entry.name) \(entry.version) \(entry.platform) (\(entry.archive))"
    }

    static func check(_ path: String, sha256: String, size: Int64, against entry: IndexEntry) throws {
        let label = label(entry)
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
    }
}
