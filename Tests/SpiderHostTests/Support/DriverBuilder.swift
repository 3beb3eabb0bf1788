// Throwaway drivers compiled at test time (cc -shared -fPIC) into a test's own drivers folder,
// each with a driver.json beside it: for the loader's refusals.
import Foundation

struct ThrowawayDriver: Sendable {
    var name: String
    var provider: String
    var cSource: String
    var language = "c"
    var abiVersion = 1
    var swiftToolchain: String? = nil
    var version = "1.0.0"
    var capabilities = ["regionZoneHandler": true, "vmspecHandler": true, "vpchandler": true]

    var library: String { "libspider-driver-\(name).so" }

    static var platform: String {
        #if arch(x86_64)
        "linux-x86_64"
        #elseif arch(arm64)
        "linux-aarch64"
        #else
        "linux-unknown"
        #endif
    }

    /// Compiles the library into `<root>/<name>/<version>/` and writes its manifest. Returns the
    /// library's path.
    @discardableResult
    func install(into root: String, scratch: TempFolder) throws -> String {
        let folder = "\(root)/\(name)/\(version)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let source = scratch.file("\(name).c")
        try cSource.write(toFile: source, atomically: true, encoding: .utf8)
        let libraryPath = "\(folder)/\(library)"
        let (exit, output) = try ChildProcess.run("/usr/bin/env", [
            "cc", "-shared", "-fPIC", "-I", TestPaths.driverABIInclude, "-o", libraryPath, source,
        ], in: scratch)
        guard exit == .code(0) else { throw TestFailure("cc failed for \(name) (\(exit)):\n\(output)") }

        var manifest: [String: Any] = [
            "name": name, "version": version, "abi_version": abiVersion, "provider": provider,
            "library": library, "platform": Self.platform, "language": language,
            "description": "a throwaway driver built by the integration tests",
            "credential_keys": ["ApiKey"], "region_keys": ["Region"],
            "capabilities": capabilities,
        ]
        if let swiftToolchain { manifest["swift_toolchain"] = swiftToolchain }
        let data = try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: "\(folder)/driver.json"))
        return libraryPath
    }
}

enum ThrowawaySources {
    /// A shared library with no entry symbol at all.
    static let notADriver = """
        int spider_test_answer(void) { return 42; }
        """

    /// Exports spider_driver_entry but refuses every ABI range (SPIDER_UNSUPPORTED).
    static let refusesNegotiation = """
        #include "spider_driver.h"
        __attribute__((visibility("default")))
        spider_status spider_driver_entry(const spider_host_services *host, uint32_t host_min, uint32_t host_max,
                                          uint32_t *out_abi_version, const spider_driver_table **out_table)
        {
            (void)host; (void)host_min; (void)host_max; (void)out_abi_version;
            if (out_table) *out_table = 0;
            return SPIDER_UNSUPPORTED;
        }
        """
}
