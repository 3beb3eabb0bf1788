// Finds installed drivers by reading manifests only: `<root>/<name>/<version>/driver.json`.
// Nothing is loaded here, so listing and filtering drivers is cheap and safe. The first root is the
// host's install store, where only versions with a receipt count (a folder without one is an install
// that has not finished); the others are folders of drivers staged by hand (driver development).
import Foundation
import SpiderModels
import SpiderRegistry

struct InstalledDriver: Sendable, Equatable {
    var manifest: DriverManifest
    var folder: String
    /// Installed by the store (it has a receipt), as opposed to staged by hand in a --drivers-dir.
    var managed: Bool
    /// The store's receipt (nil when staged by hand, or when the receipt cannot be read).
    var receipt: InstalledDriverReceipt? = nil
    /// The library's SHA-256 as the receipt records it.
    var librarySHA256: String? { receipt?.files[manifest.library] }
    var libraryPath: String { folder + "/" + manifest.library }
    var label: String { "\(manifest.name) \(manifest.version)" }
}

struct DriverCatalog: Sendable {
    /// The install store (`<data-dir>/drivers`).
    let store: String
    /// Folders of hand-staged drivers (--drivers-dir).
    let extraRoots: [String]
    var roots: [String] { [store] + extraRoots }

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
                    let managed = root == store
                    var receipt: InstalledDriverReceipt?
                    if managed {
                        guard let bytes = fm.contents(atPath: folder + "/receipt.json") else { continue }
                        receipt = try? JSONDecoder().decode(InstalledDriverReceipt.self, from: bytes)
                    }
                    do {
                        let manifest = try JSONDecoder().decode(DriverManifest.self, from: data)
                        if manifest.platform != Self.platform {
                            problems.append("\(folder): built for \(manifest.platform), this host is \(Self.platform)")
                            continue
                        }
                        drivers.append(InstalledDriver(manifest: manifest, folder: folder, managed: managed, receipt: receipt))
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
        Self.newest(scan().drivers.filter { $0.manifest.name == name })
    }

    /// The highest version among `drivers` (the first one on a tie: the store before hand-staged folders).
    static func newest(_ drivers: [InstalledDriver]) -> InstalledDriver? {
        drivers.reduce(nil) { best, d in
            guard let best else { return d }
            return version(best) < version(d) ? d : best
        }
    }

    static func version(_ d: InstalledDriver) -> DriverVersion {
        DriverVersion(d.manifest.version) ?? DriverVersion("0")!
    }
}
