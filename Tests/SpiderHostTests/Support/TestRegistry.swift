// A signed registry folder for one test, made with the real spider-pack: a key pair, bundles of
// staged or test-built drivers, index.json and its signature, and a trusted-keys folder holding
// the public key. `hostArguments` points a spiderd at it.
import Foundation

final class TestRegistry: Sendable {
    let folder: TempFolder
    var registry: String { folder.file("registry") }
    var keys: String { folder.file("keys") }
    var trusted: String { folder.file("trusted") }
    var hostArguments: [String] { ["--registry", registry, "--trusted-keys", trusted] }

    init() throws {
        folder = try TempFolder(prefix: "spider-reg")
        try FileManager.default.createDirectory(atPath: registry, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: trusted, withIntermediateDirectories: true)
        try pack(["keygen", "--out", keys])
        try FileManager.default.copyItem(atPath: keys + "/spider-registry.pub", toPath: trusted + "/spider-registry.pub")
    }

    /// Bundles a driver staged by Tools/stage-drivers.sh (e.g. "mock", "cexample").
    func addStaged(_ name: String) throws {
        let root = TestPaths.stagedDrivers + "/" + name
        guard let version = try FileManager.default.contentsOfDirectory(atPath: root).filter({ !$0.hasPrefix(".") }).sorted().last else {
            throw TestFailure("no staged version of \(name) in \(root)")
        }
        try addBundle(from: root + "/" + version)
    }

    /// Compiles a throwaway C driver and bundles it.
    func add(_ driver: ThrowawayDriver) throws {
        let build = folder.file("build")
        try driver.install(into: build, scratch: folder)
        try addBundle(from: "\(build)/\(driver.name)/\(driver.version)")
    }

    /// Bundles `<folder>/driver.json` + its library into `<registry>/<name>/<version>/`.
    func addBundle(from versionFolder: String) throws {
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: versionFolder + "/driver.json"))) as? [String: Any]
        guard let name = manifest?["name"] as? String, let version = manifest?["version"] as? String,
              let library = manifest?["library"] as? String else { throw TestFailure("\(versionFolder)/driver.json lacks name/version/library") }
        try pack(["bundle", "--library", versionFolder + "/" + library, "--manifest", versionFolder + "/driver.json",
                  "--out", "\(registry)/\(name)/\(version)"])
    }

    /// Writes index.json and signs it.
    func publish() throws {
        try pack(["index", "--registry", registry])
        try pack(["sign", "--registry", registry, "--key", keys + "/spider-registry.key"])
    }

    /// The archive of a driver version (the only .tar.gz in its folder).
    func archive(_ name: String, _ version: String) throws -> String {
        let dir = "\(registry)/\(name)/\(version)"
        guard let file = try FileManager.default.contentsOfDirectory(atPath: dir).first(where: { $0.hasSuffix(".tar.gz") }) else {
            throw TestFailure("no archive in \(dir)")
        }
        return dir + "/" + file
    }

    private func pack(_ arguments: [String]) throws {
        let (exit, output) = try ChildProcess.run(TestPaths.spiderPack, arguments, in: folder)
        guard exit == .code(0) else { throw TestFailure("spider-pack \(arguments.joined(separator: " ")) failed (\(exit)):\n\(output)") }
    }
}

/// `python3 -m http.server` on 127.0.0.1 (a free port) serving one folder; stopped by its pid.
final class StaticHTTPServer: Sendable {
    let pid: pid_t
    let url: String

    init(serving folder: String, scratch: TempFolder) throws {
        let log = scratch.file("http-\(UUID().uuidString.prefix(6)).log")
        pid = try ChildProcess.spawn("/usr/bin/env", ["python3", "-u", "-m", "http.server", "--bind", "127.0.0.1",
                                                      "--directory", folder, "0"], outputPath: log)
        var port: Int?
        for _ in 0..<200 where port == nil {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            // "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..."
            if let range = text.range(of: "port ") {
                port = Int(text[range.upperBound...].prefix { $0.isNumber })
            } else {
                usleep(50_000)
            }
        }
        guard let port else {
            kill(pid, SIGTERM)
            throw TestFailure("python3 -m http.server did not start:\n\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        }
        url = "http://127.0.0.1:\(port)"
    }

    deinit {
        kill(pid, SIGTERM)
        _ = ChildProcess.wait(pid, seconds: 5) ?? ChildProcess.kill9(pid)
    }
}
