import Foundation

/// Writes a bundle with the `tar` command: the files are copied into a private staging folder under
/// their bundle names (the manifest becomes driver.json), then packed flat, sorted, with owner and
/// times normalized so that packing the same inputs twice gives the same archive contents.
enum BundleWriter {
    static func write(archive: String, manifest: String, library: String, docs: [String]) throws {
        let fm = FileManager.default
        let staging = NSTemporaryDirectory() + "spider-pack-" + UUID().uuidString
        try fm.createDirectory(atPath: staging, withIntermediateDirectories: false,
                               attributes: [.posixPermissions: 0o700])
        defer { try? fm.removeItem(atPath: staging) }

        var names = ["driver.json", URL(fileURLWithPath: library).lastPathComponent]
        try fm.copyItem(atPath: manifest, toPath: staging + "/" + names[0])
        try fm.copyItem(atPath: library, toPath: staging + "/" + names[1])
        for doc in docs {
            let name = URL(fileURLWithPath: doc).lastPathComponent
            guard !names.contains(name) else { throw Failure("\(doc): a bundle already holds '\(name)'") }
            var isFolder: ObjCBool = false
            guard fm.fileExists(atPath: doc, isDirectory: &isFolder), !isFolder.boolValue else {
                throw Failure("\(doc) is not a file")
            }
            try fm.copyItem(atPath: doc, toPath: staging + "/" + name)
            names.append(name)
        }
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: staging + "/" + names[1])
        for name in names where name != names[1] {
            try fm.setAttributes([.posixPermissions: 0o644], ofItemAtPath: staging + "/" + name)
        }
        // Written beside the destination, then renamed: a failed pack never leaves a partial bundle.
        let partial = archive + ".partial-" + UUID().uuidString
        do {
            _ = try Subprocess.run("tar", ["--create", "--gzip", "--file", partial, "--directory", staging,
                                           "--format=ustar", "--sort=name", "--owner=0", "--group=0",
                                           "--numeric-owner", "--mtime=@0", "--"] + names.sorted())
            if fm.fileExists(atPath: archive) { try fm.removeItem(atPath: archive) }
            try fm.moveItem(atPath: partial, toPath: archive)
        } catch {
            try? fm.removeItem(atPath: partial)
            throw error
        }
    }
}
