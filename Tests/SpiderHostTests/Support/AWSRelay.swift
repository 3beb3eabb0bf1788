// A python3 HTTP relay on 127.0.0.1 between the AWS driver and moto that refuses chosen requests as
// AWS would, for failures moto never produces: the n-th call of a Query action (answered with EC2's
// UnauthorizedOperation), or every request of a service (by the SigV4 credential scope; answered
// with the service's AccessDenied); and that answers chosen requests itself, as AWS would where moto
// lacks the API (EKS's UpdateClusterVersion). Everything else passes through unchanged. Every request
// is recorded (method, path, service, body) for tests that check what the driver sent. Stopped by its pid.
import Foundation
import Glibc

final class AWSRelay {
    enum Refusal {
        /// The n-th request (1-based) whose Query `Action` is this.
        case action(String, number: Int)
        /// Every request signed for this service ("elasticloadbalancing", "eks", …).
        case service(String)
        /// Requests with this method and path get this status and JSON body from the relay itself.
        case answer(method: String, path: String, status: Int, json: String)

        var argument: String {
            switch self {
            case .action(let name, let number): "action:\(name):\(number)"
            case .service(let name): "service:\(name)"
            case .answer(let method, let path, let status, let json):
                "answer:" + (try! String(data: JSONSerialization.data(withJSONObject: [method, path, status, json]), encoding: .utf8)!)
            }
        }
    }

    /// One request as the relay received it.
    struct Recorded: Equatable {
        var method: String
        var path: String
        var service: String
        var body: String
    }

    /// Every request so far, in order.
    var recorded: [Recorded] {
        Self.read(scratch.file("requests.jsonl")).split(separator: "\n").compactMap { line in
            guard let entry = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String] else { return nil }
            return Recorded(method: entry["method"] ?? "", path: entry["path"] ?? "", service: entry["service"] ?? "", body: entry["body"] ?? "")
        }
    }

    let pid: pid_t
    let port: Int
    private let scratch: TempFolder
    var endpoint: String { "http://127.0.0.1:\(port)" }

    /// How many requests it refused (it logs one "refused" line each).
    var refused: Int { log.components(separatedBy: "\n").filter { $0.hasPrefix("refused ") }.count }
    private var log: String { Self.read(scratch.file("relay.log")) }
    private static func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    init(upstream: String, refusing refusals: [Refusal] = []) throws {
        let scratch = try TempFolder(prefix: "aws-relay")
        let logPath = scratch.file("relay.log")
        try Self.script.write(toFile: scratch.file("relay.py"), atomically: true, encoding: .utf8)
        let pid = try ChildProcess.spawn("/usr/bin/env", ["python3", "-u", scratch.file("relay.py"), upstream, scratch.file("requests.jsonl")]
                                         + refusals.map(\.argument), outputPath: logPath)
        let ended = try ProcessWatch(pid)
        let found = try FileWatch.wait(for: logPath, while: ended) { text in
            text.components(separatedBy: "\n").first { $0.hasPrefix("port ") }.flatMap { Int($0.dropFirst(5)) }
        }
        guard let found else {
            _ = ChildProcess.poll(pid) ?? ChildProcess.kill9(pid)
            throw TestFailure("the AWS relay did not start:\n\(Self.read(logPath))")
        }
        self.scratch = scratch
        self.pid = pid
        self.port = found
    }

    deinit {
        kill(pid, SIGTERM)
        _ = ChildProcess.wait(pid, seconds: 5) ?? ChildProcess.kill9(pid)
    }

    private static let script = #"""
    import http.server, json, re, sys, threading, urllib.error, urllib.parse, urllib.request

    upstream, record = sys.argv[1], sys.argv[2]
    actions, services, counts, answers = {}, set(), {}, {}
    recording = threading.Lock()
    for rule in sys.argv[3:]:
        kind, _, rest = rule.partition(":")
        if kind == "action":
            name, _, number = rest.partition(":")
            actions[name] = int(number)
        elif kind == "answer":
            method, path, status, body = json.loads(rest)
            answers[(method, path)] = (status, body.encode())
        else:
            services.add(rest)
    EC2_REFUSAL = (b'<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>UnauthorizedOperation</Code>'
                   b'<Message>You are not authorized to perform this operation.</Message></Error></Errors>'
                   b'<RequestID>relay</RequestID></Response>')
    QUERY_DENIED = (b'<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized '
                    b'to perform this action</Message></Error><RequestId>relay</RequestId></ErrorResponse>')
    JSON_DENIED = b'{"message": "User is not authorized to perform this action"}'

    class Relay(http.server.BaseHTTPRequestHandler):
        def relay(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            scope = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/", self.headers.get("Authorization", ""))
            service = scope.group(1) if scope else ""
            with recording, open(record, "a") as out:
                out.write(json.dumps({"method": self.command, "path": self.path, "service": service,
                                      "body": body.decode(errors="replace")}) + "\n")
            if (self.command, self.path) in answers:
                status, data = answers[(self.command, self.path)]
                print("answered", self.command, self.path, flush=True)
                return self.answer(status, data, "application/json")
            if service in services:
                print("refused", service, self.command, self.path, flush=True)
                if service == "eks":
                    return self.answer(403, JSON_DENIED, "application/json", {"x-amzn-ErrorType": "AccessDeniedException"})
                return self.answer(403, QUERY_DENIED, "text/xml")
            query = urllib.parse.parse_qs(body.decode(errors="replace")) if self.command == "POST" else {}
            action = (query.get("Action") or [""])[0]
            if action in actions:
                counts[action] = counts.get(action, 0) + 1
                if counts[action] == actions[action]:
                    print("refused", action, counts[action], flush=True)
                    return self.answer(403, EC2_REFUSAL, "text/xml")
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length", "connection")}
            request = urllib.request.Request(upstream + self.path, data=body if body else None, method=self.command, headers=headers)
            try:
                reply = urllib.request.urlopen(request, timeout=60)
            except urllib.error.HTTPError as error:
                reply = error
            self.answer(reply.status, reply.read(), reply.headers.get("Content-Type", "text/xml"))

        do_GET = do_POST = do_DELETE = do_PUT = relay

        def answer(self, status, data, content_type, extra={}):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Relay)
    print("port", server.server_address[1], flush=True)
    server.serve_forever()
    """#
}
