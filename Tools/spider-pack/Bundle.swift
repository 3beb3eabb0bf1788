import ArgumentParser
import Foundation
import SpiderModels
import SpiderRegistry

struct Bundle: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pack a built driver library and its manifest into <name>-<version>-<platform>.tar.gz.",
        discussion: """
        Checks that the manifest is complete (it decodes as a driver.json and its `library` is \
        the library's file name) and that the library is ELF and exports spider_driver_entry \
        (read with `nm -D --defined-only`, never by loading it: loading would run the driver's \
        code). The archive is written with libarchive.

        Example:
          spider-pack bundle --library .build/release/libspider-driver-mock.so \\
            --manifest Plugins/Mock/driver.json --doc README \\
            --out registry/mock/1.0.0
        """)

    @Option(help: "The driver's shared library (.so).")
    var library: String

    @Option(help: "The driver's manifest; packed as driver.json.")
    var manifest: String

    @Option(help: "A README, LICENSE or other document to include (repeatable).")
    var doc: [String] = []

    @Option(help: "Folder for the bundle (created if missing).")
    var out: String

    func run() throws {
        let manifest = try readManifest()
        let libraryName = URL(fileURLWithPath: library).lastPathComponent
        guard manifest.library == libraryName else {
            throw Failure("\(self.manifest): library is '\(manifest.library)' but the library file is '\(libraryName)'")
        }
        try DriverLibraryCheck.check(library)
        let archive = out + "/\(manifest.name)-\(manifest.version)-\(manifest.platform).tar.gz"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try BundleWriter.write(archive: archive, manifest: self.manifest, library: library, docs: doc)
        // The host reads the bundle back the same way; prove the result is a bundle it accepts.
        let packed = try BundleManifestReader.manifest(ofBundle: archive)
        guard packed == manifest else { throw Failure("\(archive): driver.json did not survive packing") }
        print(archive)
    }

    private func readManifest() throws -> DriverManifest {
        guard let bytes = FileManager.default.contents(atPath: manifest) else {
            throw Failure("cannot read \(manifest)")
        }
        do {
            let m = try JSONDecoder().decode(DriverManifest.self, from: bytes)
            for (field, value) in [("name", m.name), ("version", m.version), ("provider", m.provider),
                                   ("library", m.library), ("platform", m.platform), ("language", m.language)]
            where value.isEmpty {
                throw Failure("\(manifest): field '\(field)' is empty")
            }
            guard RegistryIndex.knownPlatforms.contains(m.platform) else {
                throw Failure("\(manifest): unknown platform '\(m.platform)'")
            }
            return m
        } catch let error as DecodingError {
            throw Failure("\(manifest) is not a complete driver manifest: \(Self.describe(error))")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let ctx):
            return "missing field '\((ctx.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
        case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx), .dataCorrupted(let ctx):
            let path = ctx.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? ctx.debugDescription : "field '\(path)': \(ctx.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
