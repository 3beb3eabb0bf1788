import ArgumentParser
import Foundation
import SpiderRegistry

struct Mirror: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy a registry, or chosen drivers and versions of it, into a local folder, verifying as it goes.",
        discussion: """
        The source's signature is checked with --trust, and every archive's size, SHA-256 and \
        driver.json before it is kept. Mirroring everything copies index.json and \
        index.json.sig unchanged, so hosts keep trusting the original signer. Mirroring a \
        selection (--driver) writes a smaller index, which must be signed again: pass --key, \
        and give hosts that key's .pub file.

        Examples:
          spider-pack mirror --from https://drivers.example.com/spider \\
            --trust keys --out /srv/spider
          spider-pack mirror --from ./registry --trust keys --out /media/usb/spider \\
            --driver mock@1.0.0 --driver aws --key site.key
        """)

    @Option(help: "The source registry: a folder or a file://, http:// or https:// URL.")
    var from: String

    @Option(help: "Folder of public keys (*.pub) trusted to sign the source.")
    var trust: String

    @Option(help: "The local mirror folder (created if missing).")
    var out: String

    @Option(help: "A driver to copy, all its versions (name) or one (name@version); repeatable. Default: everything.")
    var driver: [String] = []

    @Option(help: "Private key that signs the smaller index of a selective mirror.")
    var key: String?

    @OptionGroup var ca: CABundleOption

    func run() throws {
        let source = try RegistrySource(from, caBundle: ca.path)
        defer { source.cleanup() }
        let trustStore = try TrustStore(folder: trust)
        guard !trustStore.keys.isEmpty else { throw Failure("\(trust) holds no trusted keys (*.pub)") }
        let (verified, indexBytes, signature) = try source.signedIndex(trust: trustStore)
        print("source index signed by \(verified.signer)")

        let chosen = try select(verified.index.entries)
        if !driver.isEmpty && key == nil {
            throw Failure("a selective mirror writes a new index: pass --key to sign it")
        }
        let signingKey = try key.map { try PrivateKeyFile.read($0) }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var mirrored = RegistryIndex()
        for entry in chosen {
            try copy(entry, from: source)
            mirrored.add(entry)
            print("ok \(ArchiveCheck.label(entry))")
        }
        // The index goes last: a mirror interrupted before this point lists nothing it lacks.
        if driver.isEmpty {
            try write(indexBytes, to: "index.json")
            try write(Data((signature ?? "").utf8), to: "index.json.sig")
        } else if let signingKey {
            let bytes = try mirrored.encoded()
            try write(bytes, to: "index.json")
            let signed = try SignatureFile.sign(bytes, with: signingKey)
            try write(Data(signed.text().utf8), to: "index.json.sig")
            print("mirror index signed by \(signed.keyID)")
        }
        print("mirrored \(chosen.count) bundle(s) into \(out)")
    }

    /// The index entries the --driver options name; naming something the index lacks is an error.
    private func select(_ entries: [IndexEntry]) throws -> [IndexEntry] {
        guard !driver.isEmpty else { return entries }
        var chosen: [IndexEntry] = []
        for wanted in driver {
            let parts = wanted.split(separator: "@", maxSplits: 1).map(String.init)
            let matches = entries.filter { $0.name == parts[0] && (parts.count == 1 || $0.version == parts[1]) }
            guard !matches.isEmpty else { throw Failure("the source registry has no driver \(wanted)") }
            chosen += matches.filter { m in !chosen.contains(m) }
        }
        return chosen
    }

    /// Copies one archive to the same relative path under `out` through a temporary name, keeping it
    /// only once it verifies.
    private func copy(_ entry: IndexEntry, from source: RegistrySource) throws {
        let destination = out + "/" + entry.archive
        try FileManager.default.createDirectory(atPath: (destination as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let partial = destination + ".partial-" + UUID().uuidString
        do {
            let (sha256, size) = try source.copy(entry.archive, to: partial)
            try ArchiveCheck.check(partial, sha256: sha256, size: size, against: entry)
            guard rename(partial, destination) == 0 else {
                throw Failure("cannot rename to \(destination): \(String(cString: strerror(errno)))")
            }
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }

    private func write(_ bytes: Data, to name: String) throws {
        try bytes.write(to: URL(fileURLWithPath: out + "/" + name), options: .atomic)
    }
}
