// One error type for the offline registry pieces; each case's message names what was refused and why.

public enum RegistryError: Error, Equatable, CustomStringConvertible {
    /// index.json is malformed or names something the host cannot accept.
    case invalidIndex(String)
    /// The index signature is missing, by an untrusted key, or does not verify.
    case signature(String)
    /// A key, signature or digest could not be produced or read.
    case crypto(String)
    /// The archive's size or SHA-256 differs from what the index or the lock file says.
    case integrity(String)
    /// The archive holds something the unpacker refuses (traversal, links, devices, bombs).
    case unsafeArchive(String)
    /// libarchive could not read the archive (truncated or corrupt).
    case corruptArchive(String)
    /// The bundle's contents do not match its index entry (manifest fields, missing or non-ELF library).
    case bundleMismatch(String)
    /// The version is already installed from a different archive.
    case alreadyInstalled(String)
    /// The version is not installed.
    case notInstalled(String)
    /// A file system operation failed.
    case io(String)
    /// A version constraint could not be parsed.
    case invalidConstraint(String)
    /// No configured registry offers a driver (version) that matches.
    case noMatch(String)

    public var description: String {
        switch self {
        case .invalidIndex(let m), .signature(let m), .crypto(let m), .integrity(let m), .unsafeArchive(let m),
             .corruptArchive(let m), .bundleMismatch(let m), .alreadyInstalled(let m), .notInstalled(let m),
             .io(let m), .invalidConstraint(let m), .noMatch(let m):
            return m
        }
    }
}
