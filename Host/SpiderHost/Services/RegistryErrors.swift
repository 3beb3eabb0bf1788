// How registry and download failures reach the client: the library's sentence, a fitting status.
import SpiderRegistry

extension HostError {
    static func from(installError error: Error) -> HostError {
        if let e = error as? HostError { return e }
        if let e = error as? RegistryError {
            switch e {
            case .invalidConstraint: return .badRequest(e.description)
            case .noMatch, .notInstalled: return .notFound(e.description)
            case .alreadyInstalled: return .conflict(e.description)
            // The registry served something this host refuses to install.
            case .invalidIndex, .signature, .integrity, .unsafeArchive, .corruptArchive, .bundleMismatch:
                return .badGateway("refused: \(e.description)")
            case .io, .crypto: return .internalError(e.description)
            }
        }
        if let e = error as? FetchError {
            switch e {
            case .notFound: return .badGateway("registry file missing: \(e)")
            case .timeout: return .timeout("\(e)")
            case .localFile: return .internalError("\(e)")
            default: return .badGateway("\(e)")
            }
        }
        return .internalError("\(error)")
    }
}
