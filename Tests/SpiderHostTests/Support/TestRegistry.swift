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

    /// Compiles a throwaway C driver and bundles it; `padBytes` of random data in an extra ELF
    /// section make the bundle that large (random bytes do not compress).
    func add(_ driver: ThrowawayDriver, padBytes: Int = 0) throws {
        let build = folder.file("build")
        let library = try driver.install(into: build, scratch: folder)
        if padBytes > 0 {
            let blob = folder.file("pad.bin")
            var generator = SystemRandomNumberGenerator()
            try Data((0..<padBytes / 8).flatMap { _ in withUnsafeBytes(of: generator.next() as UInt64, Array.init) }).write(to: URL(fileURLWithPath: blob))
            let (exit, output) = try ChildProcess.run("/usr/bin/env", ["objcopy", "--add-section", ".spider_test_pad=\(blob)",
                                                                       "--set-section-flags", ".spider_test_pad=noload,readonly", library], in: folder)
            guard exit == .code(0) else { throw TestFailure("objcopy failed: \(output)") }
        }
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

/// A python3 http.server on 127.0.0.1 (a free port) serving one folder; stopped by its pid. With
/// `holdingArchiveAfter`, the first bundle (.tar.gz) it serves stops after that many bytes until
/// `release()` (to catch an install mid-download, for as long as the test needs); with `tls`, it
/// speaks https with that certificate and key.
final class StaticHTTPServer: Sendable {
    let pid: pid_t
    let url: String
    private let releasePath: String
    let logPath: String

    static let script = """
        import functools, http.server, ssl, sys, threading
        folder, hold, release = sys.argv[1], int(sys.argv[2]), sys.argv[3]
        held = threading.Lock()
        class Handler(http.server.SimpleHTTPRequestHandler):
            def copyfile(self, source, out):
                if hold <= 0 or not self.path.endswith(".tar.gz") or not held.acquire(blocking=False):
                    return super().copyfile(source, out)
                out.write(source.read(hold))
                out.flush()
                print("holding", self.path, "after", hold, "bytes", flush=True)
                with open(release, "rb") as fifo:   # blocks until the test opens the other end
                    fifo.read()
                print("released", self.path, flush=True)
                super().copyfile(source, out)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=folder))
        if len(sys.argv) > 5:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(sys.argv[4], sys.argv[5])
            server.socket = context.wrap_socket(server.socket, server_side=True)
        print(f"Serving HTTP on 127.0.0.1 port {server.server_address[1]}", flush=True)
        server.serve_forever()
        """

    init(serving folder: String, scratch: TempFolder, holdingArchiveAfter hold: Int = 0, tls: (certificate: String, key: String)? = nil) throws {
        let tag = UUID().uuidString.prefix(6)
        let log = scratch.file("http-\(tag).log")
        releasePath = scratch.file("http-\(tag).release")
        guard mkfifo(releasePath, 0o600) == 0 else { throw TestFailure("mkfifo \(releasePath): \(String(cString: strerror(errno)))") }
        logPath = log
        let arguments = ["python3", "-u", "-c", Self.script, folder, String(hold), releasePath] + (tls.map { [$0.certificate, $0.key] } ?? [])
        pid = try ChildProcess.spawn("/usr/bin/env", arguments, outputPath: log)
        // "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..." once it listens.
        let port = try FileWatch.wait(for: log, while: try ProcessWatch(pid)) { text in
            text.range(of: "port ").flatMap { Int(text[$0.upperBound...].prefix { $0.isNumber }) }
        }
        guard let port else {
            kill(pid, SIGTERM)
            throw TestFailure("python3 -m http.server did not start:\n\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        }
        url = "\(tls == nil ? "http" : "https")://127.0.0.1:\(port)"
    }

    /// Lets the held bundle go on. Opening the pipe waits until the server is holding.
    func release() {
        let fd = open(releasePath, O_WRONLY)
        if fd >= 0 { close(fd) }
    }

    deinit {
        kill(pid, SIGTERM)
        _ = ChildProcess.wait(pid, seconds: 5) ?? ChildProcess.kill9(pid)
    }
}

/// A self-signed certificate for 127.0.0.1 (openssl CLI): its own CA.
func selfSignedCertificate(in folder: TempFolder) throws -> (certificate: String, key: String) {
    let certificate = folder.file("cert.pem"), key = folder.file("key.pem")
    let (exit, output) = try ChildProcess.run("/usr/bin/env", [
        "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
        "-out", certificate, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
    ], in: folder)
    guard exit == .code(0) else { throw TestFailure("openssl req failed: \(output)") }
    return (certificate, key)
}
