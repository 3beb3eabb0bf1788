import CArchive
import Foundation
import SpiderModels

/// Reads `driver.json` out of a bundle without extracting anything, so a registry folder can be
/// indexed (spider-pack index) from its archives alone.
public enum BundleManifestReader {
    /// A manifest larger than this is not a manifest.
    static let maxManifestBytes = 1 << 20

    public static func manifest(ofBundle path: String) throws -> DriverManifest {
        guard let reader = archive_read_new() else { throw RegistryError.io("archive_read_new failed") }
        defer { archive_read_free(reader) }
        archive_read_support_filter_gzip(reader)
        archive_read_support_format_tar(reader)
        func failure() -> String { archive_error_string(reader).map { String(cString: $0) } ?? "unknown libarchive error" }
        guard archive_read_open_filename(reader, path, 64 * 1024) == ARCHIVE_OK else {
            throw RegistryError.corruptArchive("cannot read \(path): \(failure())")
        }
        while true {
            var entry: OpaquePointer?
            let status = archive_read_next_header(reader, &entry)
            if status == ARCHIVE_EOF { break }
            guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else {
                throw RegistryError.corruptArchive("corrupt or truncated archive \(path): \(failure())")
            }
            let name = archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
            guard (try? BundleUnpacker.safeRelativePath(name)) == "driver.json",
                  archive_entry_filetype(entry) == UInt32(Glibc.S_IFREG) else { continue }
            var data = Data()
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let n = archive_read_data(reader, &chunk, chunk.count)
                guard n >= 0 else { throw RegistryError.corruptArchive("corrupt or truncated archive \(path): \(failure())") }
                if n == 0 { break }
                data.append(contentsOf: chunk[0..<n])
                guard data.count <= maxManifestBytes else {
                    throw RegistryError.unsafeArchive("driver.json in \(path) is larger than \(maxManifestBytes) bytes")
                }
            }
            do { return try JSONDecoder().decode(DriverManifest.self, from: data) }
            catch { throw RegistryError.bundleMismatch("driver.json in \(path) is invalid: \(error)") }
        }
        throw RegistryError.bundleMismatch("\(path) has no driver.json at its top level")
    }
}
