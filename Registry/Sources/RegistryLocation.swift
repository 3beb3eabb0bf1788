import Foundation

/// One registry: a folder, a `file://` URL or an `http(s)://` URL, read the same way (libcurl fetches
/// all three). Knows where the index, its signature and the archives are; verifies nothing itself.
public struct RegistryLocation: Sendable, CustomStringConvertible {
    /// As configured (a folder path or a URL), without a trailing '/'.
    public let location: String
    public var description: String { location }

    public init(_ location: String) {
        var l = location
        while l.count > 1, l.hasSuffix("/") { l.removeLast() }
        self.location = l
    }

    public var isURL: Bool { location.contains("://") }

    public func url(_ relative: String) -> String { location + "/" + relative }

    /// The index and its signature, checked against `trust` (see VerifiedIndex).
    public func verifiedIndex(fetcher: Fetcher, trust: TrustStore, allowUnsigned: Bool = false) throws -> VerifiedIndex {
        let (bytes, signature) = try indexFiles(fetcher: fetcher)
        return try verify(index: bytes, signature: signature, trust: trust, allowUnsigned: allowUnsigned)
    }

    /// The bytes of index.json and the text of index.json.sig (nil when the registry has none), as
    /// fetched, not verified: for a mirror that copies them unchanged.
    public func indexFiles(fetcher: Fetcher) throws -> (index: Data, signature: String?) {
        let bytes: Data
        do throws(FetchError) {
            bytes = try fetcher.fetchData(url("index.json"))
        } catch .notFound {
            throw RegistryError.invalidIndex("\(location) has no index.json")
        }
        let signature: String?
        do throws(FetchError) {
            signature = String(decoding: try fetcher.fetchData(url("index.json.sig"), maxBytes: 64 << 10), as: UTF8.self)
        } catch .notFound {
            signature = nil
        }
        return (bytes, signature)
    }

    /// `index` checked against `signature` and `trust` (see VerifiedIndex); errors name this registry.
    public func verify(index: Data, signature: String?, trust: TrustStore, allowUnsigned: Bool = false) throws -> VerifiedIndex {
        do {
            return try VerifiedIndex.verify(indexBytes: index, signature: signature, trust: trust, allowUnsigned: allowUnsigned)
        } catch let error as RegistryError {
            throw error.prefixed("\(location): ")
        }
    }
}

extension RegistryError {
    /// The same error with `prefix` before its message (to say which registry or file it concerns).
    func prefixed(_ prefix: String) -> RegistryError {
        switch self {
        case .invalidIndex(let m): .invalidIndex(prefix + m)
        case .signature(let m): .signature(prefix + m)
        case .crypto(let m): .crypto(prefix + m)
        case .integrity(let m): .integrity(prefix + m)
        case .unsafeArchive(let m): .unsafeArchive(prefix + m)
        case .corruptArchive(let m): .corruptArchive(prefix + m)
        case .bundleMismatch(let m): .bundleMismatch(prefix + m)
        case .alreadyInstalled(let m): .alreadyInstalled(prefix + m)
        case .notInstalled(let m): .notInstalled(prefix + m)
        case .io(let m): .io(prefix + m)
        case .invalidConstraint(let m): .invalidConstraint(prefix + m)
        case .noMatch(let m): .noMatch(prefix + m)
        }
    }
}
