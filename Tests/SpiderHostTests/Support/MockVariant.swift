// The staged Mock driver copied into a test's own drivers folder with some capabilities switched
// off in its manifest: for the host's 501s on a driver that can do the rest.
import Foundation

enum MockVariant {
    static func stage(into root: String, capabilities overrides: [String: Bool]) throws {
        let fm = FileManager.default
        let source = TestPaths.stagedDrivers + "/mock"
        guard let version = try fm.contentsOfDirectory(atPath: source).filter({ !$0.hasPrefix(".") }).sorted().last else {
            throw TestFailure("no staged Mock driver in \(source)")
        }
        let target = "\(root)/mock/\(version)"
        try fm.createDirectory(atPath: "\(root)/mock", withIntermediateDirectories: true)
        try fm.copyItem(atPath: "\(source)/\(version)", toPath: target)
        var manifest = try TestPaths.stagedManifest(named: "mock")
        var capabilities = manifest["capabilities"] as? [String: Any] ?? [:]
        for (key, value) in overrides { capabilities[key] = value }
        manifest["capabilities"] = capabilities
        try fm.removeItem(atPath: "\(target)/driver.json")
        try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys])
            .write(to: URL(fileURLWithPath: "\(target)/driver.json"))
    }
}
