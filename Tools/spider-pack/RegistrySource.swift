import Foundation
import SpiderRegistry

/// A registry folder or URL, read the same way: the index, its signature, and each archive with its
/// SHA-256 and size. URL archives are downloaded (hashed while streaming) into a private temp folder.
final class RegistrySource {
    private let folder: String?
    private let base: String
    private let fetcher = Fetcher()
    private var downloads: String?

    init(_ location: String) throws {
        if location.contains("://") {
            folder = nil
            base = location.hasSuffix("/") ? String(location.dropLast()) : location
        } else {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: location, isDirectory: &isFolder), isFolder.boolValue else {
                throw Failure("\(location) is not a folder")
            }
            folder = location
            base = location
        }
    }

    func indexBytes() throws -> Data {
        if let folder {
            guard let bytes = FileManager.default.contents(atPath: folder + "/index.json") else {
                throw Failure("\(folder) has no index.json")
            }
            return bytes
        }
        return try fetcher.fetchData(base + "/index.json")
    }

    /// The text of index.json.sig, or nil when the registry has none.
    func signature() throws -> String? {
        if let folder {
            return FileManager.default.contents(atPath: folder + "/index.json.sig").map { String(decoding: $0, as: UTF8.self) }
        }
        let result: Result<Data, FetchError> = Result { () throws(FetchError) in
            try fetcher.fetchData(base + "/index.json.sig", maxBytes: 64 << 10)
        }
        switch result {
        case .success(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .failure(.notFound): return nil
        case .failure(let error): throw error
        }
    }

    /// A local path to the archive (relative to the index, as validated by RegistryIndex), its SHA-256 and size.
    func archive(_ relative: String) throws -> (path: String, sha256: String, size: Int64) {
        if let folder {
            let path = folder + "/" + relative
            guard FileManager.default.fileExists(atPath: path) else { throw Failure("\(path) is missing") }
            let (sha256, size) = try SHA256Stream.file(at: path)
            return (path, sha256, size)
        }
        let path = try downloadFolder() + "/" + UUID().uuidString + ".tar.gz"
        let result = try fetcher.fetch(base + "/" + relative, to: path)
        return (path, result.sha256, Int64(result.bytes))
    }

    /// Copies (folder) or downloads (URL) the archive to `destination`, hashing what was written there.
    func copy(_ relative: String, to destination: String) throws -> (sha256: String, size: Int64) {
        if let folder {
            let path = folder + "/" + relative
            guard FileManager.default.fileExists(atPath: path) else { throw Failure("\(path) is missing") }
            try FileManager.default.copyItem(atPath: path, toPath: destination)
            let (sha256, size) = try SHA256Stream.file(at: destination)
            return (sha256, size)
        }
        let result = try fetcher.fetch(base + "/" + relative, to: destination)
        return (result.sha256, Int64(result.bytes))
    }

    /// Removes a downloaded archive once checked; a folder's own files are left alone.
    func discard(_ path: String) {
        if folder == nil { try? FileManager.default.removeItem(atPath: path) }
    }

    func cleanup() {
        if let downloads { try? FileManager.default.removeItem(atPath: downloads) }
    }

    private func downloadFolder() throws -> String {
        if let downloads { return downloads }
        let path = NSTemporaryDirectory() + "spider-pack-verify-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        downloads = path
        return path
    }
}
