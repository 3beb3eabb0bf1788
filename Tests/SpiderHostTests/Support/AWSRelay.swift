// A python3 HTTP relay on 127.0.0.1 between the AWS driver and moto that refuses chosen requests as
// AWS would, for failures moto never produces: the n-th call of a Query action (answered with EC2's
// UnauthorizedOperation), or every request of a service (by the SigV4 credential scope; answered
// with the service's AccessDenied). Everything else passes through unchanged. Stopped by its pid.
import Foundation
import Glibc

final class AWSRelay {
    enum Refusal {
        /// The n-th request (1-based) whose Query `Action` is this.
        case action(String, number: Int)
        /// Every request signed for this service ("elasticloadbalancing", "eks", …).
        case service(String)

        var argument: String {
            switch self {
            case .action(let name, let number): "action:\(name):\(number)"
            case .service(let name): "service:\(name)"
            }
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

    init(upstream: String, refusing refusals: [Refusal]) throws {
        let scratch = try TempFolder(prefix: "aws-relay")
        let logPath = scratch.file("relay.log")
        try Self.script.write(toFile: scratch.file("relay.py"), atomically: true, encoding: .utf8)
        let pid = try ChildProcess.spawn("/usr/bin/env", ["python3", "-u", scratch.file("relay.py"), upstream] + refusals.map(\.argument),
                                         outputPath: logPath)
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
    import http.server, re, sys, urllib.error, urllib.parse, urllib.request

    upstream = sys.argv[1]
    actions, services, counts = {}, set(), {}
    for rule in sys.argv[2:]:
        kind, _, rest = rule.partition(":")
        if kind == "action":
            name, _, number = rest.partition(":")
            actions[name] = int(number)
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
