import Foundation
@testable import SpiderRegistry

/// A real driver bundle built by the test: a tiny shared library from gcc, its driver.json,
/// packed with the `tar` command, and the index entry that describes it.
struct BundleFixture {
    let archive: String
    let entry: IndexEntry

    /// `manifest` edits the driver.json fields; `library` replaces the .so's bytes (e.g. not ELF).
    static func make(in dir: String, name: String = "demo", version: String = "1.0.0", tag: String = "a",
                     manifest: [String: Any] = [:], library: Data? = nil) throws -> BundleFixture {
        let work = dir + "/src-\(name)-\(version)-\(tag)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let so = work + "/lib\(name).so"
        if let library {
            try library.write(to: URL(fileURLWithPath: so))
        } else {
            try "int spider_demo_\(tag)(void) { return 1; }\n".write(toFile: work + "/d.c", atomically: true, encoding: .utf8)
            try run("gcc", ["-shared", "-fPIC", "-o", so, work + "/d.c"])
            try FileManager.default.removeItem(atPath: work + "/d.c")
        }
        var fields: [String: Any] = [
            "name": name, "version": version, "abi_version": 1, "provider": "DEMO", "library": "lib\(name).so",
            "platform": InstallStore.hostPlatform, "language": "c", "credential_keys": ["Token"],
            "region_keys": ["Region"], "capabilities": [String: Any](),
        ]
        fields.merge(manifest) { $1 }
        try JSONSerialization.data(withJSONObject: fields).write(to: URL(fileURLWithPath: work + "/driver.json"))
        try "A demo driver.\n".write(toFile: work + "/README", atomically: true, encoding: .utf8)

        let archive = dir + "/\(name)-\(version)-\(tag).tar.gz"
        try run("tar", ["-czf", archive, "-C", work, "driver.json", "lib\(name).so", "README"])
        let (sha, size) = try SHA256Stream.file(at: archive)
        let entry = IndexEntry(name: name, version: version, platform: InstallStore.hostPlatform,
                               archive: "\(name)/\(version)/\(name)-\(version).tar.gz", size: size, sha256: sha,
                               abi_version: 1, provider: "DEMO")
        return BundleFixture(archive: archive, entry: entry)
    }
}
