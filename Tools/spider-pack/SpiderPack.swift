import ArgumentParser

/// The driver author's and registry keeper's tool (format in Registry/README.md).
@main
struct SpiderPack: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spider-pack",
        abstract: "Build, index, sign, verify and mirror Spider driver bundles and registries; install drivers into a store.",
        discussion: """
        A typical round:
          spider-pack keygen --out keys
          spider-pack bundle --library libdemo.so --manifest driver.json \\
            --out registry/demo/1.0.0
          spider-pack index --registry registry
          spider-pack sign --registry registry --key keys/spider-registry.key
          spider-pack verify --registry registry --trust keys
        """,
        subcommands: [Keygen.self, Bundle.self, Index.self, Sign.self, Verify.self, Mirror.self, Install.self, Installed.self])
}

/// A refusal: ArgumentParser prints the message and exits non-zero.
struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
