// Liveness and version: answered on the I/O thread, they touch nothing that blocks.
import Foundation
import SpiderDriverABI

enum HealthRoutes {
    private struct Message: Encodable { var message: String }
    private struct VersionInfo: Encodable { var Version: String; var DriverABIVersion: Int; var SwiftToolchain: String }

    static func add(to r: inout Router) {
        let ready = try! APIResponse.json(Message(message: "spiderd is ready"))
        r.add(.GET, "/spider/readyz", execution: .ioThread) { _, _ in ready }
        r.add(.GET, "/spider/healthcheck", execution: .ioThread) { _, _ in ready }
        r.add(.GET, "/spider/health", execution: .ioThread) { _, _ in ready }
        let version = try! APIResponse.json(VersionInfo(Version: SpiderApp.version, DriverABIVersion: Int(SPIDER_ABI_VERSION),
                                                        SwiftToolchain: DriverLoader.swiftToolchain))
        r.add(.GET, "/spider/version", execution: .ioThread) { _, _ in version }
    }
}
