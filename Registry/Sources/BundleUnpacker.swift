import CArchive
import Foundation

/// Extracts a bundle (`.tar.gz`) into a fresh staging folder, refusing anything that could reach
/// outside it or fill the disk. libarchive's secure flags are the second line of defence: names are
/// checked here first, on the entry's original name (prefixing an absolute destination would trip
/// NOABSOLUTEPATHS on every entry, so that check is done by hand on the original name).
public struct BundleUnpacker: Sendable {
    public struct Limits: Sendable {
        /// Bytes actually decompressed across all entries, not what the headers claim.
        public var maxTotalBytes: Int64
        public var maxEntries: Int
        public init(maxTotalBytes: Int64 = 256 << 20, maxEntries: Int = 1_000) {
            self.maxTotalBytes = maxTotalBytes
            self.maxEntries = maxEntries
        }
    }

    public var limits: Limits

    public init(limits: Limits = Limits()) { self.limits = limits }

    /// Extracts `archive` into `into` (created 0700; it must not exist yet) and returns the regular
    /// files' relative paths, sorted. On any error `into` is removed again and the error names the entry.
    @discardableResult
    public func unpack(archive: String, into: String) throws -> [String] {
        guard mkdir(into, 0o700) == 0 else {
            throw RegistryError.io("cannot create staging folder \(into): \(String(cString: strerror(errno)))")
        }
        do {
            return try extract(archive: archive, into: into)
        } catch {
            try? FileManager.default.removeItem(atPath: into)
            throw error
        }
    }

    private func extract(archive path: String, into: String) throws -> [String] {
        guard let reader = archive_read_new() else { throw RegistryError.io("archive_read_new failed") }
        defer { archive_read_free(reader) }
        // Bundles are gzip'd tar only: fewer decoders, less attack surface.
        archive_read_support_filter_gzip(reader)
        archive_read_support_format_tar(reader)
        guard archive_read_open_filename(reader, path, 64 * 1024) == ARCHIVE_OK else {
            throw RegistryError.corruptArchive("cannot read \(path): \(message(reader))")
        }
        guard let writer = archive_write_disk_new() else { throw RegistryError.io("archive_write_disk_new failed") }
        defer { archive_write_free(writer) }
        archive_write_disk_set_options(writer, ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_SYMLINKS)

        var files: [String] = []
        var seen = Set<String>()
        var entries = 0
        var total: Int64 = 0
        while true {
            var entry: OpaquePointer?
            let status = archive_read_next_header(reader, &entry)
            if status == ARCHIVE_EOF { break }
            guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else {
                throw RegistryError.corruptArchive("corrupt or truncated archive \(path): \(message(reader))")
            }
            entries += 1
            guard entries <= limits.maxEntries else {
                throw RegistryError.unsafeArchive("archive has more than \(limits.maxEntries) entries")
            }
            let original = archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
            guard let relative = try Self.safeRelativePath(original) else { continue }  // "./" itself
            try Self.checkType(entry, name: original)
            guard seen.insert(relative).inserted else {
                throw RegistryError.unsafeArchive("archive entry '\(original)' appears twice")
            }
            let isDirectory = archive_entry_filetype(entry) == UInt32(Glibc.S_IFDIR)
            // Never restore set-id bits or odd modes from the archive.
            let executable = archive_entry_perm(entry) & 0o111 != 0
            archive_entry_set_perm(entry, isDirectory || executable ? 0o755 : 0o644)
            archive_entry_set_pathname(entry, into + "/" + relative)
            guard archive_write_header(writer, entry) == ARCHIVE_OK else {
                throw RegistryError.unsafeArchive("cannot extract '\(original)': \(message(writer))")
            }
            if !isDirectory {
                total = try copyData(reader, writer, name: original, path: path, total: total)
                files.append(relative)
            }
            guard archive_write_finish_entry(writer) == ARCHIVE_OK else {
                throw RegistryError.io("cannot finish '\(original)': \(message(writer))")
            }
        }
        return files.sorted()
    }

    /// Copies one entry's data, counting the bytes as they are decompressed so a bomb stops at the cap.
    private func copyData(_ reader: OpaquePointer, _ writer: OpaquePointer, name: String, path: String,
                          total start: Int64) throws -> Int64 {
        var total = start
        while true {
            var buffer: UnsafeRawPointer?
            var size = 0
            var offset: la_int64_t = 0
            let status = archive_read_data_block(reader, &buffer, &size, &offset)
            if status == ARCHIVE_EOF { return total }
            guard status == ARCHIVE_OK || status == ARCHIVE_WARN else {
                throw RegistryError.corruptArchive("corrupt or truncated archive \(path) at '\(name)': \(message(reader))")
            }
            total += Int64(size)
            // A sparse entry's offset can also grow a file past the cap without data blocks.
            guard total <= limits.maxTotalBytes, offset + Int64(size) <= limits.maxTotalBytes else {
                throw RegistryError.unsafeArchive(
                    "archive expands past the limit of \(limits.maxTotalBytes) bytes at '\(name)' (decompression bomb?)")
            }
            guard archive_write_data_block(writer, buffer, size, offset) == ARCHIVE_OK else {
                throw RegistryError.io("cannot write '\(name)': \(message(writer))")
            }
        }
    }

    /// The entry's path relative to the staging folder, nil for the archive root ("." or "./"),
    /// or an error for absolute paths and `..` components.
    static func safeRelativePath(_ name: String) throws -> String? {
        guard !name.isEmpty else { throw RegistryError.unsafeArchive("archive entry with an empty name") }
        guard !name.hasPrefix("/") else {
            throw RegistryError.unsafeArchive("archive entry '\(name)' has an absolute path")
        }
        let parts = name.split(separator: "/", omittingEmptySubsequences: true)
        guard !parts.contains("..") else {
            throw RegistryError.unsafeArchive("archive entry '\(name)' has a '..' component (path traversal)")
        }
        let kept = parts.filter { $0 != "." }
        return kept.isEmpty ? nil : kept.joined(separator: "/")
    }

    /// Only regular files and folders: links and special files could point or write outside the bundle.
    static func checkType(_ entry: OpaquePointer, name: String) throws {
        if let target = archive_entry_hardlink(entry) {
            throw RegistryError.unsafeArchive("archive entry '\(name)' is a hard link to '\(String(cString: target))'; bundles may hold only regular files and folders")
        }
        let type = archive_entry_filetype(entry)
        let kind: String
        switch type {
        case UInt32(Glibc.S_IFREG), UInt32(Glibc.S_IFDIR): return
        case UInt32(Glibc.S_IFLNK):
            let target = archive_entry_symlink(entry).map { String(cString: $0) } ?? "?"
            kind = "a symbolic link to '\(target)'"
        case UInt32(Glibc.S_IFCHR): kind = "a character device"
        case UInt32(Glibc.S_IFBLK): kind = "a block device"
        case UInt32(Glibc.S_IFIFO): kind = "a FIFO"
        case UInt32(Glibc.S_IFSOCK): kind = "a socket"
        default: kind = "of unknown type \(String(type, radix: 8))"
        }
        throw RegistryError.unsafeArchive("archive entry '\(name)' is \(kind); bundles may hold only regular files and folders")
    }

    private func message(_ archive: OpaquePointer) -> String {
        archive_error_string(archive).map { String(cString: $0) } ?? "unknown libarchive error"
    }
}
