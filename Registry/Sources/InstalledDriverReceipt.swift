import Foundation

/// `receipt.json`, written last into `<store>/<name>/<version>/`: a version folder is installed
/// exactly when its receipt exists.
public struct InstalledDriverReceipt: Codable, Sendable, Equatable {
    public var name: String
    public var version: String
    public var platform: String
    public var provider: String
    public var abi_version: UInt32
    /// The `.so` file name, relative to the version folder.
    public var library: String
    /// Where the archive came from (registry URL or folder, or a local file path).
    public var source: String
    /// Key id of the trusted key that signed the index, or "unsigned".
    public var signer: String
    public var archive_sha256: String
    public var archive_size: Int64
    /// SHA-256 of each extracted file, by path relative to the version folder.
    public var files: [String: String]
    /// ISO 8601, UTC.
    public var installed_at: String
}
