import Foundation
import SpiderModels

/// The last links of the verification chain, on the unpacked bundle: its manifest must say what the
/// index said, and its library must be an ELF file.
enum BundleCheck {
    static func manifest(in folder: String, files: [String], matching entry: IndexEntry) throws -> DriverManifest {
        guard files.contains("driver.json"), let data = FileManager.default.contents(atPath: folder + "/driver.json") else {
            throw RegistryError.bundleMismatch("bundle of \(entry.name) \(entry.version) has no driver.json at its top level")
        }
        let manifest: DriverManifest
        do { manifest = try JSONDecoder().decode(DriverManifest.self, from: data) }
        catch { throw RegistryError.bundleMismatch("driver.json of \(entry.name) \(entry.version) is invalid: \(error)") }

        var differences: [String] = []
        func compare(_ field: String, _ bundle: String, _ index: String) {
            if bundle != index { differences.append("\(field) is '\(bundle)', the index says '\(index)'") }
        }
        compare("name", manifest.name, entry.name)
        compare("version", manifest.version, entry.version)
        compare("abi_version", String(manifest.abi_version), String(entry.abi_version))
        compare("platform", manifest.platform, entry.platform)
        compare("provider", manifest.provider, entry.provider)
        guard differences.isEmpty else {
            throw RegistryError.bundleMismatch("driver.json does not match the index entry: " + differences.joined(separator: "; "))
        }

        guard !manifest.library.contains("/"), files.contains(manifest.library) else {
            throw RegistryError.bundleMismatch("bundle of \(entry.name) \(entry.version) lacks its library '\(manifest.library)'")
        }
        let handle = FileHandle(forReadingAtPath: folder + "/" + manifest.library)
        let magic = (try? handle?.read(upToCount: 4)) ?? nil
        try? handle?.close()
        guard magic == Data([0x7f, 0x45, 0x4c, 0x46]) else {
            throw RegistryError.bundleMismatch("'\(manifest.library)' in \(entry.name) \(entry.version) is not an ELF shared library")
        }
        return manifest
    }
}
