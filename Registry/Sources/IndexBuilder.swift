import Foundation

/// Builds `index.json` for a registry folder from the bundles found below it (what `spider-pack index`
/// does): each `.tar.gz` contributes one entry taken from its own driver.json, size and SHA-256.
public enum IndexBuilder {
    public static func scan(folder: String) throws -> RegistryIndex {
        let fm = FileManager.default
        guard let paths = fm.enumerator(atPath: folder)?.allObjects as? [String] else {
            throw RegistryError.io("cannot list \(folder)")
        }
        var index = RegistryIndex()
        var origin: [String: String] = [:]
        for relative in paths.sorted() where relative.hasSuffix(".tar.gz") {
            let path = folder + "/" + relative
            let manifest = try BundleManifestReader.manifest(ofBundle: path)
            let (sha256, size) = try SHA256Stream.file(at: path)
            let key = "\(manifest.name) \(manifest.version) \(manifest.platform)"
            if let other = origin[key] {
                throw RegistryError.invalidIndex("\(relative) and \(other) are both \(key)")
            }
            origin[key] = relative
            index.add(IndexEntry(name: manifest.name, version: manifest.version, platform: manifest.platform,
                                 archive: relative, size: size, sha256: sha256,
                                 abi_version: manifest.abi_version, provider: manifest.provider))
        }
        try index.validate()
        return index
    }
}
