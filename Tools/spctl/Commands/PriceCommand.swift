// spctl price: product families and VM prices of a region, filtered by the host with CB-Spider's
// FilterList. The region defaults to the connection's own (its region's "Region" key).
import ArgumentParser
import Foundation

struct PriceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "price", abstract: "Prices: a region's product families and VM prices.",
        discussion: "Examples:\n  spctl price productfamily -c aws-ohio\n  spctl price priceinfo -c aws-ohio --filter VCpu.Count=2",
        subcommands: [ProductFamily.self, PriceInfo.self])

    static let priceColumns: [(String, String)] = [
        ("PRODUCT", "ProductInfo.ProductId"), ("SPEC", "ProductInfo.VMSpecInfo.Name"), ("VCPU", "ProductInfo.VMSpecInfo.VCpu.Count"),
        ("MEM MIB", "ProductInfo.VMSpecInfo.MemSizeMiB"), ("OS", "ProductInfo.OSDistribution"), ("ZONE", "ZoneName"),
        ("POLICY", "PriceInfo.PricingPolicy"), ("PRICE", "PriceInfo.OnDemand.Price"), ("UNIT", "PriceInfo.OnDemand.Unit"),
        ("CURRENCY", "PriceInfo.OnDemand.Currency"),
    ]

    /// The region to price: the flag, else the connection's region's `Region` key.
    static func region(_ given: String?, connection: String, _ session: Session) throws -> String {
        if let given, !given.isEmpty { return given }
        let config = try session.send("GET", "/connectionconfig/\(segment(connection))").json
        guard let regionName = config["RegionName"] as? String else {
            throw SpctlFailure(.usage, "cannot tell connection '\(connection)''s region; pass --region <RegionName>")
        }
        let keys = try session.send("GET", "/region/\(segment(regionName))").json["KeyValueInfoList"] as? [[String: Any]] ?? []
        guard let value = keys.first(where: { ($0["Key"] as? String)?.lowercased() == "region" })?["Value"] as? String, !value.isEmpty else {
            throw SpctlFailure(.usage, "region '\(regionName)' has no Region key; pass --region <RegionName>")
        }
        return value
    }

    struct ProductFamily: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "productfamily", abstract: "The product families priced in a region.",
            discussion: "Examples:\n  spctl price productfamily -c aws-ohio\n  spctl price productfamily -c aws-ohio --region us-east-2")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @Option(help: "The cloud's region (default: the connection's).") var region: String?
        func run() throws {
            let session = Session(global)
            let name = try connection.required()
            let regionName = try PriceCommand.region(region, connection: name, session)
            try session.run("GET", "/productfamily/\(segment(regionName))" + query([("ConnectionName", name)]),
                            table: TableSpec(list: "productfamily", [("PRODUCT FAMILY", "")]))
        }
    }

    struct PriceInfo: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "priceinfo", abstract: "VM prices in a region, filtered (every filter must hold).",
            discussion: """
                Filter keys: VMSpecName, VCpu.Count, MemSizeMiB, Gpu.Count, OSDistribution, PricingPolicy, Price, ...
                (any case); numbers compare numerically, and a value may start with <, <=, > or >=.
                Examples:
                  spctl price priceinfo -c aws-ohio --filter VCpu.Count=2 \\
                    --filter 'Price=<0.05'
                  spctl price priceinfo -c aws-ohio --region us-east-2 --simple
                  spctl price priceinfo --region us-east-2 -d '{"ConnectionName":"aws-ohio",
                    "FilterList":[{"Key":"VMSpecName","Value":"t3.micro"}]}'
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var connection: ConnectionOption
        @OptionGroup var data: DataOption
        @Option(help: "The cloud's region (default: the connection's).") var region: String?
        @Option(help: ArgumentHelp("A filter Key=Value; repeatable.", valueName: "key=value")) var filter: [String] = []
        @Flag(help: "Name each price's spec only (CB-Spider's simple mode).") var simple = false

        func run() throws {
            var body = try data.object() ?? [:]
            let name = try connection.required(body)
            body["ConnectionName"] = name
            let filters = try KeyValueFlags.list(filter, flag: "--filter", example: "VCpu.Count=2")
            body["FilterList"] = (body["FilterList"] as? [[String: Any]] ?? []) + filters.map { $0 as [String: Any] }
            let session = Session(global)
            let regionName = try PriceCommand.region(region, connection: name, session)
            var columns = PriceCommand.priceColumns
            if simple { columns[1] = ("SPEC", "ProductInfo.VMSpecName") }
            // POST: the API takes the same body by GET or POST; POST carries it everywhere.
            try session.run("POST", "/priceinfo/vm/\(segment(regionName))" + query([("simple", simple ? "true" : nil)]), json: body,
                            table: TableSpec(list: "PriceList", columns))
        }
    }
}
