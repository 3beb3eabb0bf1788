// spctl vmspec: the VM sizes a connection's cloud offers (cached per connection by the host;
// --refresh asks the cloud again; --org shows the cloud's own JSON).
import ArgumentParser
import Foundation

struct VMSpecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vmspec", abstract: "VM specs (sizes) the cloud offers.",
        discussion: "Examples:\n  spctl vmspec list -c aws-ohio\n  spctl vmspec get -c aws-ohio -n t3.micro",
        subcommands: [List.self, Get.self])

    static let columns: [(String, String)] = [
        ("NAME", "Name"), ("REGION", "Region"), ("VCPU", "VCpu.Count"), ("CLOCK GHZ", "VCpu.ClockGHz"), ("MEM MIB", "MemSizeMiB"),
        ("DISK GB", "DiskSizeGB"), ("GPU TYPES", "#Gpu"),
    ]

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the VM specs.",
            discussion: "Examples:\n  spctl vmspec list -c aws-ohio\n  spctl vmspec list -c aws-ohio --refresh\n  spctl vmspec list -c aws-ohio --org -o json")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @Flag(help: "Ask the cloud again instead of the host's cached list.") var refresh = false
        @Flag(help: "The cloud's own spec JSON, unchanged.") var org = false
        func run() throws {
            try Session(global).run("GET", (org ? "/vmorgspec" : "/vmspec")
                                    + query([("ConnectionName", try connection.required()), ("refresh", refresh ? "true" : nil)]),
                                    table: org ? nil : TableSpec(list: "vmspec", VMSpecCommand.columns))
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one VM spec.", discussion: "Examples:\n  spctl vmspec get -c aws-ohio -n t3.micro\n  spctl vmspec get -c aws-ohio -n t3.micro --org")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var name: NameOption
        @Flag(help: "Ask the cloud again instead of the host's cached list.") var refresh = false
        @Flag(help: "The cloud's own spec JSON, unchanged.") var org = false
        func run() throws {
            let spec = segment(try name.required("spec name"))
            try Session(global).run("GET", (org ? "/vmorgspec/" : "/vmspec/") + spec
                                    + query([("ConnectionName", try connection.required()), ("refresh", refresh ? "true" : nil)]),
                                    table: org ? nil : TableSpec(VMSpecCommand.columns + [("KEYS", "KeyValueList")]))
        }
    }
}
