// moto's server (a real AWS API on loopback) for the AWS driver's tests: started on 127.0.0.1 on
// a free port, reset between tests, stopped by its pid. moto has no "-p 0", so a port is picked by
// binding port 0 and closing it; if another process takes it first, moto fails to bind and a new
// port is tried.
import Foundation
import Glibc

final class MotoServer: Sendable {
    let pid: pid_t
    let port: Int
    /// The URL the driver's `Endpoint` key and boto3's endpoint_url take.
    var endpoint: String { "http://127.0.0.1:\(port)" }
    private let scratch: TempFolder
    let logPath: String

    init(attempts: Int = 5) throws {
        scratch = try TempFolder(prefix: "moto")
        var failures: [String] = []
        trying: for attempt in 1...attempts {
            let port = try Self.freeLoopbackPort()
            let log = scratch.file("moto-\(attempt).log")
            // moto's request recorder writes here when a test starts it (recordedActions).
            let settings = ["MOTO_RECORDER_FILEPATH=" + scratch.file("recording.jsonl")] + Self.validation
            let pid = try ChildProcess.spawn("/usr/bin/env", settings + Self.command + ["-H", "127.0.0.1", "-p", String(port)],
                                             outputPath: log)
            switch Self.waitUntilAnswering(pid: pid, port: port, log: log) {
            case .ready:
                self.pid = pid
                self.port = port
                self.logPath = log
                return
            case .exited(let exit):
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                failures.append("port \(port): moto exited (\(exit)):\n\(text)")
                // Only a lost race for the port is worth another try.
                guard text.contains("Address already in use") else { break trying }
            case .silent:
                _ = ChildProcess.kill9(pid)
                failures.append("port \(port): moto did not answer in time:\n\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
            }
        }
        throw TestFailure("moto_server did not start (Tools/dev.sh test installs moto[server]):\n" + failures.joined(separator: "\n"))
    }

    deinit {
        kill(pid, SIGTERM)
        _ = ChildProcess.wait(pid, seconds: 5) ?? ChildProcess.kill9(pid)
    }

    /// moto's output so far (its request log and tracebacks), for failure messages.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Forgets every resource in every region (moto's own reset endpoint).
    func reset() throws {
        let response = try LoopbackHTTP.request(port: port, method: "POST", path: "/moto-api/reset")
        guard response.status == 200 else { throw TestFailure("moto reset answered \(response.status): \(response.body)") }
    }

    /// Starts moto's request recorder afresh: every AWS request from now on is kept, in order.
    func startRecording() throws {
        for step in ["reset-recording", "start-recording"] {
            let response = try LoopbackHTTP.request(port: port, method: "POST", path: "/moto-api/recorder/\(step)")
            guard response.status == 200 else { throw TestFailure("moto \(step) answered \(response.status): \(response.body)") }
        }
    }

    /// The AWS requests recorded since `startRecording`, in order: the `Action` of a Query request
    /// (EC2, ELBv2, CloudWatch), else "METHOD /path" (EKS's REST).
    func recordedActions() throws -> [String] {
        let response = try LoopbackHTTP.request(port: port, method: "GET", path: "/moto-api/recorder/download-recording")
        guard response.status == 200 else { throw TestFailure("moto download-recording answered \(response.status): \(response.body)") }
        return try response.body.split(separator: "\n").map { line in
            guard let entry = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw TestFailure("moto's recording has a line that is not an object: \(line)")
            }
            var body = entry["body"] as? String ?? ""
            if entry["body_encoded"] as? Bool == true {
                body = Data(base64Encoded: body).flatMap { String(data: $0, encoding: .utf8) } ?? ""
            }
            let url = URLComponents(string: entry["url"] as? String ?? "")
            let form = URLComponents(string: "?" + body)?.queryItems ?? []
            if let action = (form + (url?.queryItems ?? [])).first(where: { $0.name == "Action" })?.value { return action }
            return "\(entry["method"] as? String ?? "?") \(url?.path ?? "?")"
        }
    }

    /// RunInstances checks its key pair, AMI and instance type as AWS does (moto skips that by default).
    static let validation = ["MOTO_ENABLE_KEYPAIR_VALIDATION=true", "MOTO_ENABLE_AMI_VALIDATION=true",
                             "MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION=true"]

    /// `moto_server` from PATH, else the module of whichever python3 is on PATH.
    private static let command: [String] = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") where access("\(folder)/moto_server", X_OK) == 0 {
            return ["\(folder)/moto_server"]
        }
        return ["python3", "-m", "moto.server"]
    }()

    private enum Start { case ready, exited(ChildProcess.Exit), silent }

    /// Waits for moto's "Running on http://127.0.0.1:<port>" (werkzeug prints it once it listens) or
    /// its exit, then asks moto's own API once: another program could hold the port.
    private static func waitUntilAnswering(pid: pid_t, port: Int, log: String) -> Start {
        guard let ended = try? ProcessWatch(pid) else { return ChildProcess.poll(pid).map { .exited($0) } ?? .silent }
        // A cold python import of moto is slow on a busy machine: a generous bound.
        let listening = (try? FileWatch.wait(for: log, while: ended, boundSeconds: 120) {
            $0.contains("Running on http://127.0.0.1:\(port)") ? true : nil
        }) ?? nil
        if let exit = ChildProcess.poll(pid) { return .exited(exit) }
        guard listening == true else { return .silent }
        // /moto-api/config is moto's cheapest own answer (201 and its JSON config).
        if let response = try? LoopbackHTTP.request(port: port, method: "GET", path: "/moto-api/config", timeoutSeconds: 30),
           response.status / 100 == 2, response.body.hasPrefix("{") {
            return ChildProcess.poll(pid).map { .exited($0) } ?? .ready
        }
        return .silent
    }

    /// A port the kernel considers free right now on 127.0.0.1.
    static func freeLoopbackPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = LoopbackHTTP.address(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw TestFailure("bind 127.0.0.1:0: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// One HTTP/1.0 request to 127.0.0.1 over a plain TCP socket (the server closes after answering).
enum LoopbackHTTP {
    struct Response {
        var status: Int
        var body: String
    }

    static func address(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    static func request(port: Int, method: String, path: String, timeoutSeconds: Int = 30) throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var target = address(port: port)
        let connected = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { throw TestFailure("connect 127.0.0.1:\(port): \(String(cString: strerror(errno)))") }
        let request = Array("\(method) \(path) HTTP/1.0\r\nHost: 127.0.0.1:\(port)\r\nContent-Length: 0\r\n\r\n".utf8)
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw TestFailure("send to 127.0.0.1:\(port): \(String(cString: strerror(errno)))") }
            sent += n
        }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n > 0 { data.append(contentsOf: buffer[0..<n]) } else { break }
        }
        guard let split = data.range(of: Data("\r\n\r\n".utf8)) else {
            throw TestFailure("no HTTP answer from 127.0.0.1:\(port)\(path)")
        }
        let statusLine = String(decoding: data[..<split.lowerBound], as: UTF8.self).prefix { $0 != "\r" }
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw TestFailure("bad status line: \(statusLine)") }
        return Response(status: status, body: String(decoding: data[split.upperBound...], as: UTF8.self))
    }
}
