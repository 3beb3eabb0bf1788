import CArchive
import Foundation
import Glibc

/// Writes a bundle with libarchive's write API: a gzip-compressed ustar archive holding each file flat
/// under its bundle name (the manifest becomes driver.json), sorted, owned by 0:0 with time 0, so that
/// packing the same inputs twice gives the same entries.
enum BundleWriter {
    struct Member { let name: String; let source: String; let mode: mode_t }

    static func write(archive: String, manifest: String, library: String, docs: [String]) throws {
        var members = [Member(name: "driver.json", source: manifest, mode: 0o644),
                       Member(name: URL(fileURLWithPath: library).lastPathComponent, source: library, mode: 0o755)]
        for doc in docs {
            let name = URL(fileURLWithPath: doc).lastPathComponent
            guard !members.contains(where: { $0.name == name }) else { throw Failure("\(doc): a bundle already holds '\(name)'") }
            members.append(Member(name: name, source: doc, mode: 0o644))
        }
        // Written beside the destination, then renamed: a failed pack never leaves a partial bundle.
        let partial = archive + ".partial-" + UUID().uuidString
        do {
            try pack(members.sorted { $0.name < $1.name }, into: partial)
            guard rename(partial, archive) == 0 else { throw Failure("cannot rename to \(archive): \(String(cString: strerror(errno)))") }
        } catch {
            unlink(partial)
            throw error
        }
    }

    private static func pack(_ members: [Member], into path: String) throws {
        guard let writer = archive_write_new() else { throw Failure("archive_write_new failed") }
        defer { archive_write_free(writer) }
        func check(_ status: Int32, _ what: String) throws {
            guard status == ARCHIVE_OK else {
                throw Failure("\(what): \(archive_error_string(writer).map { String(cString: $0) } ?? "libarchive error")")
            }
        }
        try check(archive_write_add_filter_gzip(writer), "gzip")
        // No packing time in the gzip header either: same inputs, same archive bytes (same SHA-256).
        try check(archive_write_set_filter_option(writer, "gzip", "timestamp", nil), "gzip timestamp")
        try check(archive_write_set_format_ustar(writer), "ustar")
        try check(archive_write_open_filename(writer, path), path)
        for member in members {
            try add(member, to: writer, check)
        }
        try check(archive_write_close(writer), path)
    }

    private static func add(_ member: Member, to writer: OpaquePointer, _ check: (Int32, String) throws -> Void) throws {
        let fd = open(member.source, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure("cannot read \(member.source): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & Glibc.S_IFMT == Glibc.S_IFREG else { throw Failure("\(member.source) is not a file") }

        guard let entry = archive_entry_new() else { throw Failure("archive_entry_new failed") }
        defer { archive_entry_free(entry) }
        archive_entry_set_pathname(entry, member.name)
        archive_entry_set_filetype(entry, UInt32(Glibc.S_IFREG))
        archive_entry_set_perm(entry, member.mode)
        archive_entry_set_size(entry, la_int64_t(info.st_size))
        archive_entry_set_uid(entry, 0)
        archive_entry_set_gid(entry, 0)
        archive_entry_set_mtime(entry, 0, 0)
        try check(archive_write_header(writer, entry), member.name)

        // The size went into the header; a file that changes while it is packed is an error, not a bad bundle.
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        var written: Int64 = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw Failure("cannot read \(member.source): \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            let accepted = buffer.withUnsafeBytes { archive_write_data(writer, $0.baseAddress, n) }
            guard accepted == n else { try check(ARCHIVE_FATAL, member.name); return }
            written += Int64(n)
        }
        guard written == Int64(info.st_size) else { throw Failure("\(member.source) changed while it was packed") }
        try check(archive_write_finish_entry(writer), member.name)
    }
}
