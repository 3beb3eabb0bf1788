// One frame of the conversation with an isolated driver's process (Host/DriverWire/include/
// driver_wire.h has the layout and the meaning of each kind): encoded for writing, read whole.
import DriverWire
import Glibc

struct WireFrame: Sendable {
    var kind: Int
    var id: UInt64 = 0
    var a: Int64 = 0
    var b: Int64 = 0
    var fields: [[UInt8]] = []

    /// A field as text (names, messages).
    func text(_ index: Int) -> String? {
        index < fields.count ? String(decoding: fields[index], as: UTF8.self) : nil
    }

    func encoded() -> [UInt8] {
        let total = Int(SPIDER_WIRE_HEADER_SIZE) + fields.reduce(0) { $0 + 4 + $1.count }
        var out = [UInt8]()
        out.reserveCapacity(total)
        Self.put(&out, UInt64(total - 4), bytes: 4)
        Self.put(&out, UInt64(kind), bytes: 2)
        Self.put(&out, UInt64(fields.count), bytes: 2)
        Self.put(&out, id, bytes: 8)
        Self.put(&out, UInt64(bitPattern: a), bytes: 8)
        Self.put(&out, UInt64(bitPattern: b), bytes: 8)
        for field in fields {
            Self.put(&out, UInt64(field.count), bytes: 4)
            out.append(contentsOf: field)
        }
        return out
    }

    private static func put(_ out: inout [UInt8], _ value: UInt64, bytes: Int) {
        for i in 0..<bytes { out.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }

    private static func get(_ bytes: ArraySlice<UInt8>, _ at: Int, _ count: Int) -> UInt64 {
        var value: UInt64 = 0
        for i in (0..<count).reversed() { value = value << 8 | UInt64(bytes[bytes.startIndex + at + i]) }
        return value
    }

    enum ReadError: Error { case ended, malformed(String) }

    /// Reads the next whole frame from `fd` (blocking).
    static func read(from fd: Int32) throws(ReadError) -> WireFrame {
        var head = [UInt8](repeating: 0, count: 4)
        try readAll(fd, &head)
        let length = Int(get(head[...], 0, 4))
        guard length >= Int(SPIDER_WIRE_HEADER_SIZE) - 4, length <= Int(SPIDER_WIRE_MAX_FRAME) else {
            throw .malformed("a frame of \(length) bytes")
        }
        var body = [UInt8](repeating: 0, count: length)
        try readAll(fd, &body)
        let bytes = body[...]
        var frame = WireFrame(kind: Int(get(bytes, 0, 2)), id: get(bytes, 4, 8),
                              a: Int64(bitPattern: get(bytes, 12, 8)), b: Int64(bitPattern: get(bytes, 20, 8)))
        let count = Int(get(bytes, 2, 2))
        var at = Int(SPIDER_WIRE_HEADER_SIZE) - 4
        frame.fields.reserveCapacity(count)
        for _ in 0..<count {
            guard at + 4 <= length else { throw .malformed("a field past the frame's end") }
            let size = Int(get(bytes, at, 4))
            at += 4
            guard size <= length - at else { throw .malformed("a field of \(size) bytes past the frame's end") }
            frame.fields.append(Array(body[at..<(at + size)]))
            at += size
        }
        return frame
    }

    private static func readAll(_ fd: Int32, _ buffer: inout [UInt8]) throws(ReadError) {
        var done = 0
        let count = buffer.count
        while done < count {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + done, count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw .ended }
            done += n
        }
    }

    /// Writes the whole frame to `fd`; false when the other side is gone.
    func write(to fd: Int32) -> Bool {
        let bytes = encoded()
        var done = 0
        return bytes.withUnsafeBytes { raw in
            while done < raw.count {
                let n = send(fd, raw.baseAddress! + done, raw.count - done, Int32(MSG_NOSIGNAL))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                done += n
            }
            return true
        }
    }
}
