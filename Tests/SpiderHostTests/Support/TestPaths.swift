// Where the tests find the repository, the spiderd binary and the staged drivers.
import Foundation

enum TestPaths {
    /// The repository root: three levels above this file (Tests/SpiderHostTests/Support).
    static let repository: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    private static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// `$SPIDERD`, else the debug build in this repository.
    static var spiderd: String {
        if let path = environment["SPIDERD"], !path.isEmpty { return path }
        return repository + "/.build/debug/spiderd"
    }

    /// spider-driver-host (isolated drivers' helper), built beside spiderd.
    static var driverHost: String {
        (spiderd as NSString).deletingLastPathComponent + "/spider-driver-host"
    }

    /// spider-pack, built beside spiderd.
    static var spiderPack: String {
        (spiderd as NSString).deletingLastPathComponent + "/spider-pack"
    }

    /// `$SPIDER_TEST_DRIVERS`, else `.build/test-drivers` (laid out by Tools/stage-drivers.sh).
    static var stagedDrivers: String {
        if let path = environment["SPIDER_TEST_DRIVERS"], !path.isEmpty { return path }
        return repository + "/.build/test-drivers"
    }

    /// The folder holding spider_driver.h, for drivers compiled at test time.
    static var driverABIInclude: String { repository + "/DriverABI/C/include" }

    /// The manifest of a staged driver (`<drivers>/<name>/<version>/driver.json`), parsed.
    static func stagedManifest(named name: String) throws -> [String: Any] {
        let folder = stagedDrivers + "/" + name
        let versions = try FileManager.default.contentsOfDirectory(atPath: folder).filter { !$0.hasPrefix(".") }.sorted()
        guard let version = versions.last else { throw TestFailure("no staged version of driver '\(name)' in \(folder)") }
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(version)/driver.json"))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw TestFailure("\(folder)/\(version)/driver.json is not a JSON object")
        }
        return object
    }
}

/// An error a helper throws with a sentence for the test report.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
