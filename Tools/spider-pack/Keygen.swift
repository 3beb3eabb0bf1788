import ArgumentParser
import Foundation
import SpiderRegistry

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create an Ed25519 key pair for signing registry indexes.",
        discussion: """
        Writes <name>.key (private, mode 0600, never overwritten) and <name>.pub (publish it; \
        hosts trust the .pub files in their trust folder). Prints the key id.

        Example: spider-pack keygen --out ~/.spider-keys --name release
        """)

    @Option(help: "Folder for the key files (created if missing).")
    var out: String

    @Option(help: "Base name of the key files.")
    var name = "spider-registry"

    func run() throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let privatePath = out + "/" + name + ".key", publicPath = out + "/" + name + ".pub"
        // Check both first so a refusal leaves nothing half-written.
        for path in [privatePath, publicPath] where FileManager.default.fileExists(atPath: path) {
            throw Failure("\(path) already exists; refusing to overwrite a key")
        }
        let pair = try Ed25519.generateKeyPair()
        try PrivateKeyFile.write(pair, to: privatePath)
        let pub = try PublicKeyFile(publicKey: pair.publicKey)
        try Data(pub.text().utf8).write(to: URL(fileURLWithPath: publicPath), options: .withoutOverwriting)
        print(pub.keyID)
    }
}
