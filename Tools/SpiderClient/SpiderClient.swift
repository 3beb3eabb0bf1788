// A small blocking HTTP/1.1 client for the host's Unix socket: one request per connection
// (Connection: close), for tests, tools and scripts written in Swift.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

public struct SpiderResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object (empty when it is not one).
    public var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
    }

    /// The error envelope's message, if any.
    public var message: String { json["message"] as? String ?? "" }
}

public enum SpiderClientError: Error, CustomStringConvertible {
    case noHost(path: String, reason: String)
    case protocolError(String)

    public var description: String {
        switch self {
        case .noHost(let path, let reason): "no Spider host is listening on \(path): \(reason)"
        case .protocolError(let text): "unexpected answer from the host: \(text)"
        }
    }
}

public struct SpiderClient: Sendable {
    public let socketPath: String
    public var timeoutSeconds: Int

    public init(socketPath: String, timeoutSeconds: Int = 120) {
        self.socketPath = socketPath
        self.timeoutSeconds = timeoutSeconds
    }

    /// Sends one request. `body` is sent as JSON when given.
    public func request(_ method: String, _ path: String, body: Data? = nil) throws -> SpiderResponse {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
        head += "\r\n"
        var raw = Data(head.utf8)
        if let body { raw.append(body) }
        return try Self.parse(try exchange(raw))
    }

    /// Sends a JSON value (a dictionary, array or string literal of JSON).
    public func request(_ method: String, _ path: String, json: Any) throws -> SpiderResponse {
        let body: Data = try (json as? String).map { Data($0.utf8) } ?? JSONSerialization.data(withJSONObject: json)
        return try request(method, path, body: body)
    }

    /// Writes raw bytes and reads until the host closes the connection.
    public func exchange(_ bytes: Data) throws -> Data {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SpiderClientError.noHost(path: socketPath, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: addr.sun_path)
        guard socketPath.utf8.count < capacity else { throw SpiderClientError.noHost(path: socketPath, reason: "path too long") }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            _ = socketPath.withCString { strncpy(raw.baseAddress!.assumingMemoryBound(to: CChar.self), $0, capacity - 1) }
        }
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let reason = switch errno {
            case EACCES: "permission denied: your user may not use this socket (the host's socket is mode 0660: join its group, or run as its owner)"
            case ENOENT: "there is no socket at that path (is spiderd running? start it, or pass --socket or set SPIDER_SOCKET)"
            case ECONNREFUSED: "the socket exists but nothing accepts on it (spiderd stopped without removing it?)"
            default: String(cString: strerror(errno))
            }
            throw SpiderClientError.noHost(path: socketPath, reason: reason)
        }
        var sent = 0
        try bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            while sent < raw.count {
                let n = send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if n <= 0 {
                    // The host may answer early (413) and close; what it said is still readable.
                    if errno == EPIPE || errno == ECONNRESET { break }
                    throw SpiderClientError.protocolError("send failed: \(String(cString: strerror(errno)))")
                }
                sent += n
            }
        }
        var out = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n > 0 { out.append(contentsOf: buffer[0..<n]) } else { break }
        }
        return out
    }

    static func parse(_ raw: Data) throws -> SpiderResponse {
        guard let split = raw.range(of: Data("\r\n\r\n".utf8)) else {
            throw SpiderClientError.protocolError("no complete HTTP head in \(raw.count) bytes")
        }
        let head = String(decoding: raw[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw SpiderClientError.protocolError("bad status line '\(head.first ?? "")'")
        }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Data(raw[split.upperBound...])
        if let length = headers["content-length"].flatMap(Int.init), body.count > length { body = body.prefix(length) }
        return SpiderResponse(status: status, headers: headers, body: body)
    }
}
