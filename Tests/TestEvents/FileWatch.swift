// Changes to the files of one folder as events (inotify): a log line written, a file created or
// renamed into place. The folder is watched rather than the file, so a file that does not exist
// yet is seen when it appears.
import Glibc

public final class FileWatch: EventSource {
    public let eventDescriptor: Int32

    /// Watches the folder that holds `path` (the file itself may come later).
    public convenience init(fileIn path: String) throws {
        let slash = path.lastIndex(of: "/")
        try self.init(folder: slash.map { String(path[..<$0]) }.map { $0.isEmpty ? "/" : $0 } ?? ".")
    }

    public init(folder: String) throws {
        let fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard fd >= 0 else { throw EventFailure("inotify_init1: \(String(cString: strerror(errno)))") }
        let mask = UInt32(IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE | IN_ATTRIB)
        guard inotify_add_watch(fd, folder, mask) >= 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw EventFailure("inotify_add_watch(\(folder)): \(reason)")
        }
        eventDescriptor = fd
    }

    public func drain() {
        var buffer = [UInt8](repeating: 0, count: 8192)
        while read(eventDescriptor, &buffer, buffer.count) > 0 {}
    }

    deinit { close(eventDescriptor) }

    /// The file's text now ("" while it does not exist).
    public static func text(_ path: String) -> String {
        guard let file = fopen(path, "r") else { return "" }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Waits until the file at `path` holds text for which `match` answers non-nil, or `process`
    /// (when given) has ended; answers the match, or nil.
    public static func wait<T>(for path: String, while process: ProcessWatch? = nil, boundSeconds: Double = 60,
                               _ match: (String) -> T?) throws -> T? {
        let watch = try FileWatch(fileIn: path)
        let sources: [any EventSource] = process.map { [watch, $0] } ?? [watch]
        // The outer optional says "stop": a match, or the process ended (one last look at the file).
        let outcome: T?? = EventWait.until(sources, boundSeconds: boundSeconds) { () -> T?? in
            if let found = match(text(path)) { return .some(found) }
            if let process, process.hasEnded { return .some(match(text(path))) }
            return nil
        }
        return outcome ?? nil
    }
}

extension ProcessWatch {
    /// True once the process has ended (its pidfd polls readable).
    public var hasEnded: Bool {
        var fd = pollfd(fd: eventDescriptor, events: Int16(POLLIN), revents: 0)
        return poll(&fd, 1, 0) > 0
    }
}
