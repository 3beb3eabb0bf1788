// Options every spctl command takes, before or after the command name.
import ArgumentParser
import Foundation
import SpiderClient

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, yaml
}

struct GlobalOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The host's Unix socket (env SPIDER_SOCKET; default \(SpiderSocketPath.defaultPath)).", valueName: "path"))
    var socket: String?

    @Option(name: [.customShort("o"), .customLong("output")],
            help: "table, json (exactly the host's JSON) or yaml. Default: table on a terminal, json otherwise.")
    var output: OutputFormat?

    @Flag(name: .customLong("no-color"), help: "No colors or progress bars (also when NO_COLOR is set or not on a terminal).")
    var noColor = false

    @Option(help: "Seconds to wait for the host's answer.")
    var timeout: Int = 900

    // CB-Spider's spctl options, accepted so its scripts run unchanged; nothing to configure over a local socket.
    @Option(name: .customLong("config"), help: .hidden) var cbConfig: String?
    @Option(name: [.customShort("i"), .customLong("input")], help: .hidden) var cbInputType: String?
    @Option(name: [.customShort("u"), .customLong("username")], help: .hidden) var cbUser: String?
    @Option(name: [.customShort("p"), .customLong("password")], help: .hidden) var cbPassword: String?

    var socketPath: String { SpiderSocketPath.resolve(socket) }

    var format: OutputFormat { output ?? (Terminal.stdoutIsTTY ? .table : .json) }

    /// Colors and progress bars: only on a terminal, and not when asked not to.
    var decorated: Bool {
        !noColor && Terminal.stdoutIsTTY && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
    }
}
