import ArgumentParser
import Foundation
import SpiderRegistry

struct Sign: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write index.json.sig, a detached Ed25519 signature of index.json.",
        discussion: "Example: spider-pack sign --registry ./registry --key keys/spider-registry.key")

    @Option(help: "The registry folder holding index.json.")
    var registry: String

    @Option(help: "The private key file (from keygen).")
    var key: String

    func run() throws {
        let indexPath = registry + "/index.json"
        guard let bytes = FileManager.default.contents(atPath: indexPath) else {
            throw Failure("\(indexPath) is missing; run spider-pack index first")
        }
        // Refuse to sign something a host would refuse to read.
        _ = try RegistryIndex.decode(bytes)
        let signature = try SignatureFile.sign(bytes, with: try PrivateKeyFile.read(key))
        try Data(signature.text().utf8).write(to: URL(fileURLWithPath: indexPath + ".sig"), options: .atomic)
        print("signed by \(signature.keyID)")
    }
}
