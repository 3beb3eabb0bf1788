// A raw Unix-socket connection for what SpiderClient does on purpose not do: pipelined
// requests, chunked bodies, half-sent requests, and clients that go away mid-call.
import Foundation
import Glibc

final class RawConnection {
    private var fd: Int32

    init(_ path: String, timeoutSeconds: Int = 30) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(String(cString: strerror(errno)))") }
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: addr.sun_path)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            _ = path.withCString { strncpy(raw.baseAddress!.assumingMemoryBound(to: CChar.self), $0, capacity - 1) }
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else {
            Glibc.close(fd)
            throw TestFailure("connect \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    /// Writes everything it can; stops quietly when the host has closed its end.
    func send(_ text: String) { send(Data(text.utf8)) }

    func send(_ data: Data) {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var sent = 0
            while sent < raw.count {
                let n = Glibc.send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if n <= 0 { return }
                sent += n
            }
        }
    }

    /// Reads until the host closes the connection (or the receive timeout passes).
    func receiveAll() -> Data {
        var out = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n > 0 { out.append(contentsOf: buffer[0..<n]) } else { break }
        }
        return out
    }

    /// Reads until what came holds `marker` (or the host closes, or the receive timeout passes).
    func receive(until marker: String) -> String {
        var out = Data()
        var byte: UInt8 = 0
        while !String(decoding: out, as: UTF8.self).contains(marker), recv(fd, &byte, 1, 0) == 1 { out.append(byte) }
        return String(decoding: out, as: UTF8.self)
    }

    /// True when the host has answered (or closed) by now; never waits.
    var hasAnswerOrEnd: Bool {
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) >= 0
    }

    /// Goes away without reading an answer.
    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }
}

/// One HTTP response out of a byte stream.
struct RawResponse {
    var status: Int
    var headers: [String: String]
    var body: String

    var message: String {
        ((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any])?["message"] as? String ?? ""
    }

    /// Every complete response in `data`, in order (bodies delimited by content-length).
    static func parseAll(_ data: Data) -> [RawResponse] {
        var out: [RawResponse] = []
        var rest = data[...]
        while let split = rest.range(of: Data("\r\n\r\n".utf8)) {
            let head = String(decoding: rest[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
            let parts = head.first?.split(separator: " ") ?? []
            guard parts.count >= 2, let status = Int(parts[1]) else { break }
            var headers: [String: String] = [:]
            for line in head.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            let length = headers["content-length"].flatMap(Int.init) ?? 0
            let bodyStart = split.upperBound
            let bodyEnd = min(rest.endIndex, bodyStart + length)
            out.append(RawResponse(status: status, headers: headers, body: String(decoding: rest[bodyStart..<bodyEnd], as: UTF8.self)))
            rest = rest[bodyEnd...]
        }
        return out
    }
}
