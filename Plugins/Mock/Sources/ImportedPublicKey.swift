// A public key given to keypair.create to import (the host has checked its form; the Mock checks
// again for callers without a host). The Mock keeps the line as given (trimmed) and fingerprints
// the decoded blob as it does its own keys (KeyMaterial.fingerprint); no private key exists.
import Foundation
import SpiderModels

struct ImportedPublicKey {
    let publicKey: String
    let fingerprint: String

    /// The key in `line`, or INVALID_ARGUMENT naming `field` (OpenSSHPublicKeyLine's rules).
    init(_ line: String, field: String) throws {
        switch OpenSSHPublicKeyLine.parse(line) {
        case .success(let key):
            publicKey = key.line
            fingerprint = try KeyMaterial.fingerprint(ofBlob: key.blob)
        case .failure(let problem):
            throw MockError.invalid(field, problem.description)
        }
    }
}
