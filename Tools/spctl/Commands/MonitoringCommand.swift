// spctl monitoring vm: one metric of one VM over the last hours, one value per interval.
import ArgumentParser
import Foundation

struct MonitoringCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitoring", abstract: "VM metrics.",
        discussion: "Examples:\n  spctl monitoring vm -c aws-ohio -n vm-01 --metric cpu_usage",
        subcommands: [VM.self])

    struct VM: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "vm", abstract: "One metric of a VM: cpu_usage, memory_usage, disk_read[_ops], disk_write[_ops], network_in, network_out.",
            discussion: """
                Examples:
                  spctl monitoring vm -c aws-ohio -n vm-01 --metric cpu_usage
                  spctl monitoring vm -c aws-ohio -n vm-01 --metric network_in \\
                    --interval 5 --hours 24
                  spctl monitoring vm -n vm-01 --metric cpu_usage \\
                    -d '{"ConnectionName":"aws-ohio","ReqInfo":{"IntervalMinute":"1",
                    "TimeBeforeHour":"1"}}'
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var data: DataOption
        @OptionGroup var name: NameOption
        @Option(name: [.customShort("m"), .customLong("metric")], help: "The metric.") var metric: String
        @Option(help: "Minutes between values (1-1440; default 1).") var interval: Int?
        @Option(help: "Hours back from now (1-168; default 1).") var hours: Int?

        func run() throws {
            // CB-Spider sends the window in the body's ReqInfo; here it goes in the query, where a GET keeps it.
            let body = try data.object()
            let window = body?["ReqInfo"] as? [String: Any]
            let intervalText = interval.map(String.init) ?? (window?["IntervalMinute"]).map { "\($0)" }
            let hoursText = hours.map(String.init) ?? (window?["TimeBeforeHour"]).map { "\($0)" }
            let path = "/monitoring/vm/\(segment(try name.required("VM name")))/\(segment(metric))" + query([
                ("ConnectionName", try connection.required(body)), ("IntervalMinute", intervalText), ("TimeBeforeHour", hoursText),
            ])
            let session = Session(global)
            let response = try session.send("GET", path)
            if global.format == .table {
                let info = response.json
                Terminal.out("\(info["VMName"] as? String ?? "") \(info["MetricName"] as? String ?? "") (\(info["MetricUnit"] as? String ?? ""))\n")
            }
            session.print(response, table: TableSpec(list: "TimestampValues", [("TIMESTAMP", "Timestamp"), ("VALUE", "Value")]))
        }
    }
}
