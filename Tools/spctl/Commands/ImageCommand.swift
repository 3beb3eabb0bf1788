// spctl image (also vmimage, the REST name): the public VM images a connection's cloud offers.
// The host caches the list per connection; --refresh asks the cloud again.
import ArgumentParser
import Foundation

struct ImageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image", abstract: "Public VM images the cloud offers.",
        discussion: "Examples:\n  spctl image list -c aws-ohio\n  spctl vmimage get -c aws-ohio -n ubuntu-22.04",
        subcommands: [List.self, Get.self],
        aliases: ["vmimage"])

    static let columns: [(String, String)] = [
        ("NAME", "Name"), ("CSP ID", "IId.SystemId"), ("ARCH", "OSArchitecture"), ("PLATFORM", "OSPlatform"),
        ("DISTRIBUTION", "OSDistribution"), ("DISK TYPE", "OSDiskType"), ("DISK GB", "OSDiskSizeGB"), ("STATUS", "ImageStatus"),
    ]

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the public images.", discussion: "Examples:\n  spctl image list -c aws-ohio\n  spctl vmimage list -c aws-ohio --refresh")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @Flag(help: "Ask the cloud again instead of the host's cached list.") var refresh = false
        func run() throws {
            try Session(global).run("GET", "/vmimage" + query([("ConnectionName", try connection.required()), ("refresh", refresh ? "true" : nil)]),
                                    table: TableSpec(list: "image", ImageCommand.columns))
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one public image.", discussion: "Example: spctl image get -c aws-ohio -n ubuntu-22.04")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var name: NameOption
        @Flag(help: "Ask the cloud again instead of the host's cached list.") var refresh = false
        func run() throws {
            try Session(global).run("GET", "/vmimage/\(segment(try name.required("image name")))"
                                    + query([("ConnectionName", try connection.required()), ("refresh", refresh ? "true" : nil)]),
                                    table: TableSpec(ImageCommand.columns + [("KEYS", "KeyValueList")]))
        }
    }
}
