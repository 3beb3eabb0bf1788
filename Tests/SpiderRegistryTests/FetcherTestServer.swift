// Test support for FetcherTests: a private temp folder, and a real HTTP server on 127.0.0.1
// (python's http.server, or a small scripted server for failures) started on a free port and
// stopped by its PID.
import Foundation
import Glibc
import TestEvents

struct FetcherTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// mkdtemp folder, removed on deinit.
final class FetcherTestFolder: Sendable {
    let path: String

    init() throws {
        var template = Array("/tmp/spider-fetch-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw FetcherTestFailure("mkdtemp: \(String(cString: strerror(errno)))")
        }
        path = String(cString: made)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Files in the folder (hidden ones too): a failed fetch must leave none behind.
    func names() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }

    /// Writes `size` random bytes and returns sha256sum's digest of them.
    func randomFile(_ name: String, size: Int) throws -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: size)
        for i in stride(from: 0, to: size, by: 8) {
            withUnsafeBytes(of: generator.next() as UInt64) { word in
                for j in 0..<min(8, size - i) { bytes[i + j] = word[j] }
            }
        }
        try Data(bytes).write(to: URL(fileURLWithPath: file(name)))
        return try sha256sum(file(name))
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A self-signed certificate for 127.0.0.1 (openssl CLI): it is its own CA.
func makeSelfSignedCertificate(in folder: FetcherTestFolder) throws -> (certificate: String, key: String) {
    let certificate = folder.file("cert.pem"), key = folder.file("key.pem")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
    process.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                         "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=127.0.0.1",
                         "-addext", "subjectAltName=IP:127.0.0.1"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw FetcherTestFailure("openssl req failed") }
    return (certificate, key)
}

/// The coreutils digest, as the reference the fetcher must agree with.
func sha256sum(_ path: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    process.arguments = [path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: output, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
}

/// A python3 HTTP server bound to 127.0.0.1 on a port it picks itself (port 0) and prints.
final class FetcherTestServer {
    let pid: pid_t
    let port: Int
    let logPath: String
    private var stopped = false

    /// `python3 -m http.server` serving `folder`.
    static func files(in folder: FetcherTestFolder) throws -> FetcherTestServer {
        try FetcherTestServer(["-u", "-m", "http.server", "--bind", "127.0.0.1", "--directory", folder.path, "0"],
                              log: folder.file("server.log"))
    }

    /// The scripted server below, serving files from `folder` with failures chosen by the path.
    /// With `tls` (certificate and key PEM files) it speaks HTTPS.
    static func scripted(in folder: FetcherTestFolder, tls: (certificate: String, key: String)? = nil) throws -> FetcherTestServer {
        let script = folder.file("scripted_server.py")
        try scriptedServerSource.write(toFile: script, atomically: true, encoding: .utf8)
        let certificate = tls.map { [$0.certificate, $0.key] } ?? []
        return try FetcherTestServer(["-u", script, folder.path] + certificate, log: folder.file("server.log"))
    }

    private init(_ arguments: [String], log: String) throws {
        logPath = log
        let child = try ChildProcess.spawn("/usr/bin/python3", arguments, outputPath: log)
        pid = child
        // Both servers print "Serving HTTP on 127.0.0.1 port N" once they listen (the socket is bound
        // and listening before the line is written).
        let ended = try ProcessWatch(child)
        let found = try FileWatch.wait(for: log, while: ended) { text in
            text.range(of: #"port (\d+)"#, options: .regularExpression).flatMap { Int(text[$0].dropFirst(5)) }
        }
        guard let found else {
            _ = ChildProcess.kill9(child)
            throw FetcherTestFailure("the test HTTP server did not start: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        }
        port = found
    }

    func url(_ path: String, scheme: String = "http") -> String { "\(scheme)://127.0.0.1:\(port)/\(path)" }

    /// Request lines the server logged for `path`: how many attempts the fetcher made.
    func requests(_ path: String) -> Int {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.components(separatedBy: "\"GET /\(path) HTTP").count - 1
    }

    func stop() {
        guard !stopped else { return }
        stopped = true
        _ = ChildProcess.kill9(pid)
    }

    deinit { stop() }
}

/// Paths: /500/<n>/<file> and /429/<n>/<file> answer that status for the first n requests,
/// /drop/<n>/<file> closes the connection without an answer n times, then the file is served;
/// /stall sends a few bytes and goes quiet; /chunked/<bytes> streams without a Content-Length;
/// /403 is forbidden; /agent echoes the User-Agent; /redirect/<n> redirects n times, then answers.
private let scriptedServerSource = #"""
import http.server, os, sys, threading, time

root = sys.argv[1]
counts = {}
lock = threading.Lock()

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def empty(self, status, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        with lock:
            counts[self.path] = counts.get(self.path, 0) + 1
            seen = counts[self.path]
        parts = self.path.strip("/").split("/")
        if parts[0] in ("500", "429", "drop"):
            if seen <= int(parts[1]):
                if parts[0] == "drop":
                    self.close_connection = True
                elif parts[0] == "429":
                    self.empty(429, [("Retry-After", "1")])
                else:
                    self.send_response(500)
                    self.send_header("Content-Length", "13")
                    self.end_headers()
                    self.wfile.write(b"server error\n")
                return
            parts = parts[2:]
        if parts[0] == "agent":
            agent = self.headers.get("User-Agent", "").encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(agent)))
            self.end_headers()
            self.wfile.write(agent)
            return
        if parts[0] == "redirect":
            left = int(parts[1])
            if left > 0:
                return self.empty(302, [("Location", "/redirect/%d" % (left - 1))])
            self.send_response(200)
            self.send_header("Content-Length", "7")
            self.end_headers()
            self.wfile.write(b"arrived")
            return
        if parts[0] == "403":
            return self.empty(403)
        if parts[0] == "stall":
            self.send_response(200)
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            self.wfile.write(b"x" * 10)
            self.wfile.flush()
            threading.Event().wait()   # stalled for good: the fetcher must give up by itself
            return
        if parts[0] == "chunked":
            left = int(parts[1])
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            while left > 0:
                n = min(left, 65536)
                self.wfile.write(b"%x\r\n" % n + b"y" * n + b"\r\n")
                left -= n
            self.wfile.write(b"0\r\n\r\n")
            return
        path = os.path.join(root, *parts)
        if not os.path.isfile(path):
            return self.empty(404)
        with open(path, "rb") as f:
            data = f.read()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
if len(sys.argv) > 3:
    import ssl
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[2], sys.argv[3])
    server.socket = context.wrap_socket(server.socket, server_side=True)
print("Serving HTTP on 127.0.0.1 port %d" % server.server_address[1], flush=True)
server.serve_forever()
"""#
