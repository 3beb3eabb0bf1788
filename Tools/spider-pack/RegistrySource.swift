import Foundation
import SpiderRegistry

/// A registry folder or URL, read the same way: the index and its signature (through RegistryLocation,
/// as a host reads them), and each archive with its SHA-256 and size. URL archives are downloaded
/// (hashed while streaming) into a private temp folder.
final class RegistrySource {
    let location: RegistryLocation
    private let folder: String?
    private let fetcher: Fetcher
    private var downloads: String?

    init(_ location: String, caBundle: String? = nil) throws {
        self.location = RegistryLocation(location)
        fetcher = Fetcher(options: FetchOptions.with(caBundle: caBundle))
        if self.location.isURL {
            folder = nil
        } else {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: location, isDirectory: &isFolder), isFolder.boolValue else {
                throw Failure("\(location) is not a folder")
            }
            folder = location
        }
    }

    /// The index checked against `trust`, as a host checks it.
    func verifiedIndex(trust: TrustStore) throws -> VerifiedIndex {
        try location.verifiedIndex(fetcher: fetcher, trust: trust)
    }

    /// The index's bytes and signature text as they are (a full mirror copies them unchanged),
    /// with the index they verify to.
    func signedIndex(trust: TrustStore) throws -> (verified: VerifiedIndex, bytes: Data, signature: String?) {
        let (bytes, signature) = try location.indexFiles(fetcher: fetcher)
        return (try location.verify(index: bytes, signature: signature, trust: trust), bytes, signature)
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
        let result = try fetcher.fetch(location.url(relative), to: path)
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
        let result = try fetcher.fetch(location.url(relative), to: destination)
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
