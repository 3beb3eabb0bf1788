// Finds installed drivers by reading manifests only: `<root>/<name>/<version>/driver.json`.
// Nothing is loaded here, so listing and filtering drivers is cheap and safe.
import Foundation
import SpiderModels

struct InstalledDriver: Sendable, Equatable {
    var manifest: DriverManifest
    var folder: String
    var libraryPath: String { folder + "/" + manifest.library }
    var label: String { "\(manifest.name) \(manifest.version)" }
}

struct DriverCatalog: Sendable {
    let roots: [String]

    /// The platform this host runs on, as manifests spell it.
    static let platform: String = {
        #if arch(x86_64)
        "linux-x86_64"
        #elseif arch(arm64)
        "linux-aarch64"
        #else
        "linux-unknown"
        #endif
    }()

    /// Every readable manifest for this platform, and a sentence for each folder that was skipped.
    func scan() -> (drivers: [InstalledDriver], problems: [String]) {
        var drivers: [InstalledDriver] = [], problems: [String] = []
        let fm = FileManager.default
        for root in roots {
            for name in (try? fm.contentsOfDirectory(atPath: root))?.sorted() ?? [] where !name.hasPrefix(".") {
                for version in (try? fm.contentsOfDirectory(atPath: root + "/" + name))?.sorted() ?? [] where !version.hasPrefix(".") {
                    let folder = "\(root)/\(name)/\(version)"
                    guard let data = fm.contents(atPath: folder + "/driver.json") else { continue }
                    do {
                        let manifest = try JSONDecoder().decode(DriverManifest.self, from: data)
                        if manifest.platform != Self.platform {
                            problems.append("\(folder): built for \(manifest.platform), this host is \(Self.platform)")
                            continue
                        }
                        drivers.append(InstalledDriver(manifest: manifest, folder: folder))
                    } catch let error as DecodingError {
                        problems.append("\(folder)/driver.json: \(DecodingErrorText.describe(error))")
                    } catch {
                        problems.append("\(folder)/driver.json: \(error)")
                    }
                }
            }
        }
        return (drivers, problems)
    }

    /// The newest installed version of a driver.
    func newest(named name: String) -> InstalledDriver? {
        scan().drivers.filter { $0.manifest.name == name }.max { Version($0.manifest.version) < Version($1.manifest.version) }
    }
}

/// Dotted numeric versions ("1.10.2"), compared number by number.
struct Version: Comparable, Sendable {
    let parts: [Int]
    init(_ text: String) {
        parts = text.split(whereSeparator: { $0 == "." || $0 == "-" }).map { Int($0) ?? 0 }
    }
    static func < (a: Version, b: Version) -> Bool {
        for i in 0..<max(a.parts.count, b.parts.count) {
            let x = i < a.parts.count ? a.parts[i] : 0, y = i < b.parts.count ? b.parts[i] : 0
            if x != y { return x < y }
        }
        return false
    }
}
