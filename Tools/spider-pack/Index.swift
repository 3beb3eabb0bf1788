import ArgumentParser
import Foundation
import SpiderRegistry

struct Index: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write index.json for every bundle found below a registry folder.",
        discussion: """
        Each .tar.gz contributes one entry from its own driver.json, size and SHA-256. \
        Sign again afterwards.

        Example: spider-pack index --registry ./registry
        """)

    @Option(help: "The registry folder.")
    var registry: String

    func run() throws {
        let index = try IndexBuilder.scan(folder: registry)
        try index.encoded().write(to: URL(fileURLWithPath: registry + "/index.json"), options: .atomic)
        print("index.json: \(index.entries.count) bundle(s)")
    }
}
