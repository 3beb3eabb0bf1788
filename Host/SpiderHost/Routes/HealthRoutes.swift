// Liveness and version: answered on the I/O thread, they touch nothing that blocks.
import Foundation
import SpiderDriverABI

enum HealthRoutes {
    private struct Message: Encodable { var message: String }
    /// Ready, with the clouds whose share of worker threads is full (their calls get 503 for now).
    private struct Saturated: Encodable { var message: String; var Saturated: [String] }
    private struct VersionInfo: Encodable { var Version: String; var DriverABIVersion: Int; var SwiftToolchain: String }

    static func add(to r: inout Router) {
        let ready = try! APIResponse.json(Message(message: "spiderd is ready"))
        let answer: Route.Handler = { app, _ in
            let full = app.connections.saturated
            return full.isEmpty ? ready : try .json(Saturated(message: "spiderd is ready; some clouds are saturated", Saturated: full))
        }
        for path in ["/spider/readyz", "/spider/healthcheck", "/spider/health"] { r.add(.GET, path, execution: .ioThread, answer) }
        let version = try! APIResponse.json(VersionInfo(Version: SpiderApp.version, DriverABIVersion: Int(SPIDER_ABI_VERSION),
                                                        SwiftToolchain: DriverLoader.swiftToolchain))
        r.add(.GET, "/spider/version", execution: .ioThread) { _, _ in version }
    }
}
