// spctl regionzone/image/vmspec/price/count/tag/monitoring against a real host on the Mock: the
// host's JSON, tables, both request forms where CB-Spider has a body, and the exit codes.
import Foundation
import Testing

@Suite("spctl catalogue")
struct SpctlCatalogTests {
    static func rows(_ table: String) -> [[Substring]] {
        table.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
    }

    static func array(_ r: SpctlResult) -> [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [[String: Any]] ?? []
    }

    @Test("regionzone (connection and --preconfig), image (vmimage), vmspec (--refresh, --org)")
    func whatTheCloudOffers() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host)

        let zones = try Spctl.must(host, ["regionzone", "list", "-c", c.name])
        #expect(NSDictionary(dictionary: zones.json).isEqual(to: try host.must("GET", "/spider/regionzone\(c.query)").json))
        let pre = try Spctl.must(host, ["regionzone", "list", "--preconfig", "--driver", c.driver, "--credential", c.credential])
        #expect((pre.json["regionzone"] as? [Any])?.count == (zones.json["regionzone"] as? [Any])?.count)
        let table = Self.rows(try Spctl.must(host, ["regionzone", "list", "-c", c.name, "-o", "table"]).stdout)
        #expect(table.first == ["NAME", "DISPLAY", "NAME", "CSP", "DISPLAY", "NAME", "ZONES"])
        #expect(table.contains { $0.first == "default" && $0.last == "default-a,default-b" }, "\(table)")
        let one = try Spctl.must(host, ["regionzone", "get", "--preconfig", "--driver", c.driver, "--credential", c.credential, "-n", "default"])
        #expect(one.json["Name"] as? String == "default")
        try Spctl.must(host, ["regionzone", "get", "-c", c.name, "-n", "nowhere"], code: 3)
        try Spctl.must(host, ["regionzone", "list", "--preconfig", "--driver", c.driver], code: 2)
        #expect(try Spctl.must(host, ["regionzone", "list", "-c", c.name, "--org"]).stdout.contains("Mockville"))

        let images = try Spctl.must(host, ["vmimage", "list", "-c", c.name])
        #expect(NSDictionary(dictionary: images.json).isEqual(to: try host.must("GET", "/spider/vmimage\(c.query)").json))
        let imageTable = Self.rows(try Spctl.must(host, ["image", "list", "--cname", c.name, "-o", "table", "--refresh"]).stdout)
        #expect(imageTable.first?.prefix(4) == ["NAME", "CSP", "ID", "ARCH"])
        #expect(imageTable.contains { $0.first == "mock-vmimage-01" && $0.contains("x86_64") && $0.last == "Available" })
        #expect(try Spctl.must(host, ["image", "get", "-c", c.name, "-n", "mock-vmimage-02"]).json["OSArchitecture"] as? String == "arm64")
        try Spctl.must(host, ["image", "get", "-c", c.name, "-n", "no-such-image"], code: 3)

        let specs = try Spctl.must(host, ["vmspec", "list", "-c", c.name, "--refresh"])
        #expect((specs.json["vmspec"] as? [[String: Any]])?.first?["Name"] as? String == "mock-vmspec-01")
        let specTable = Self.rows(try Spctl.must(host, ["vmspec", "list", "-c", c.name, "-o", "table"]).stdout)
        #expect(specTable.first?.prefix(3) == ["NAME", "REGION", "VCPU"])
        #expect(specTable.contains { $0.prefix(3) == ["mock-vmspec-02", "default", "2"] && $0.contains("4096") }, "\(specTable)")
        let spec = try Spctl.must(host, ["vmspec", "get", "-c", c.name, "-n", "mock-vmspec-03", "-o", "yaml"])
        #expect(spec.stdout.contains("MemSizeMiB: \"8192\""), "\(spec.stdout)")
        #expect(try Spctl.must(host, ["vmspec", "list", "-c", c.name, "--org"]).stdout.contains("InstanceTypes"))
        try Spctl.must(host, ["vmspec", "list"], code: 2)
    }

    @Test("price productfamily and priceinfo: the connection's region by default, --filter and -d FilterList, --simple")
    func prices() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host)
        let families = try Spctl.must(host, ["price", "productfamily", "-c", c.name])
        #expect(NSDictionary(dictionary: families.json).isEqual(to: try host.must("GET", "/spider/productfamily/default\(c.query)").json))
        #expect(Self.rows(try Spctl.must(host, ["price", "productfamily", "-c", c.name, "-o", "table"]).stdout).first == ["PRODUCT", "FAMILY"])

        let filtered = try Spctl.must(host, ["price", "priceinfo", "-c", c.name, "--filter", "VCpu.Count=2", "--filter", "OSDistribution=Linux"])
        let prices = try #require(filtered.json["PriceList"] as? [[String: Any]])
        #expect(!prices.isEmpty)
        for price in prices {
            #expect(text(price, "ProductInfo.VMSpecInfo.VCpu.Count") == "2" && text(price, "ProductInfo.OSDistribution") == "Linux")
        }
        let viaData = try Spctl.must(host, ["price", "priceinfo", "--region", "default", "-d",
                                            #"{"ConnectionName":"\#(c.name)","FilterList":[{"Key":"VCpu.Count","Value":"2"},{"Key":"OSDistribution","Value":"Linux"}]}"#])
        #expect(NSDictionary(dictionary: viaData.json).isEqual(to: filtered.json))
        let all = try Spctl.must(host, ["price", "priceinfo", "-c", c.name]).json["PriceList"] as? [Any]
        #expect((all?.count ?? 0) > prices.count)

        let cheap = Self.rows(try Spctl.must(host, ["price", "priceinfo", "-c", c.name, "--simple", "--filter", "Price=<0.05", "-o", "table"]).stdout)
        #expect(cheap.first?.first == "PRODUCT" && cheap.count > 1)
        for row in cheap.dropFirst() { #expect(row[1].hasPrefix("mock-vmspec-"), "the spec by name in simple mode: \(row)") }

        try Spctl.must(host, ["price", "priceinfo", "-c", c.name, "--filter", "VCpu.Count"], code: 2)
        try Spctl.must(host, ["price", "priceinfo", "-c", c.name, "--filter", "Colour=blue"], code: 2)
        try Spctl.must(host, ["price", "priceinfo", "-c", c.name, "--filter", "Price=<cheap"], code: 2)
        try Spctl.must(host, ["price", "productfamily", "-c", "nope"], code: 3)
        let cexample = try Fixtures.registerCExample(host)
        try Spctl.must(host, ["price", "productfamily", "-c", cexample.name], code: 5)
    }

    @Test("count, tag add/list/get/find/remove (flags and -d), monitoring vm")
    func countsTagsMetrics() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host)
        try host.createStack(c)

        #expect(try Spctl.must(host, ["count", "vpc", "-c", c.name]).json["count"] as? Int == 1)
        #expect(try Spctl.must(host, ["--cname", c.name, "count", "sg"]).json["count"] as? Int == 1)
        #expect(try Spctl.must(host, ["count", "vm"]).json["count"] as? Int == 1)
        #expect(Self.rows(try Spctl.must(host, ["count", "subnet", "-o", "table"]).stdout) == [["COUNT", "1"]])
        try Spctl.must(host, ["count", "widgets"], code: 2)
        try Spctl.must(host, ["count", "vpc", "-c", "nope"], code: 3)

        let added = try Spctl.must(host, ["tag", "add", "-c", c.name, "--type", "VPC", "-n", "vpc-01", "--tag", "env=prod"])
        #expect(added.json["Key"] as? String == "env" && added.json["Value"] as? String == "prod")
        try Spctl.must(host, ["tag", "add", "-d",
                              #"{"ConnectionName":"\#(c.name)","ReqInfo":{"ResourceType":"VM","ResourceName":"vm-01","Tag":{"Key":"env","Value":"dev"}}}"#])
        try Spctl.must(host, ["tag", "add", "-c", c.name, "-t", "vpc", "--resource", "vpc-01", "--key", "team", "--value", "ops"])
        let listed = Self.array(try Spctl.must(host, ["tag", "list", "-c", c.name, "--type", "VPC", "-n", "vpc-01"]))
        #expect(Set(listed.map { "\($0["Key"] ?? "")=\($0["Value"] ?? "")" }) == ["env=prod", "team=ops"])
        let table = Self.rows(try Spctl.must(host, ["tag", "list", "-c", c.name, "--type", "VPC", "-n", "vpc-01", "-o", "table"]).stdout)
        #expect(table.first == ["KEY", "VALUE"] && table.contains(["team", "ops"]))
        #expect(try Spctl.must(host, ["tag", "get", "-c", c.name, "--type", "VM", "-n", "vm-01", "--key", "env"]).json["Value"] as? String == "dev")

        let found = Self.array(try Spctl.must(host, ["tag", "find", "-c", c.name, "--key", "env"]))
        #expect(Set(found.compactMap { ($0["ResourceIId"] as? [String: Any])?["NameId"] as? String }) == ["vpc-01", "vm-01"])
        let foundTable = Self.rows(try Spctl.must(host, ["tag", "find", "-c", c.name, "--key", "env", "--value", "prod", "-o", "table"]).stdout)
        #expect(foundTable.first?.prefix(2) == ["TYPE", "NAME"] && foundTable.count == 2 && foundTable[1].contains("vpc-01"), "\(foundTable)")

        try Spctl.must(host, ["tag", "remove", "-c", c.name, "--type", "VPC", "-n", "vpc-01", "--key", "env"])
        try Spctl.must(host, ["tag", "remove", "--key", "env", "-d", #"{"ConnectionName":"\#(c.name)","ReqInfo":{"ResourceType":"VM","ResourceName":"vm-01"}}"#])
        try Spctl.must(host, ["tag", "get", "-c", c.name, "--type", "VPC", "-n", "vpc-01", "--key", "env"], code: 3)
        #expect(Self.array(try Spctl.must(host, ["tag", "find", "-c", c.name, "--key", "env"])).isEmpty)
        try Spctl.must(host, ["tag", "list", "-c", c.name, "--type", "GADGET", "-n", "vpc-01"], code: 2)
        try Spctl.must(host, ["tag", "list", "-c", c.name, "--type", "VPC", "-n", "no-vpc"], code: 3)
        try Spctl.must(host, ["tag", "add", "-c", c.name, "--type", "VPC", "-n", "vpc-01"], code: 2)

        let metric = try Spctl.must(host, ["monitoring", "vm", "-c", c.name, "-n", "vm-01", "--metric", "cpu_usage", "--interval", "1", "--hours", "1"])
        #expect(metric.json["VMName"] as? String == "vm-01" && metric.json["MetricUnit"] as? String == "Percent")
        #expect(((metric.json["TimestampValues"] as? [Any])?.count ?? 0) > 0)
        let window = try Spctl.must(host, ["monitoring", "vm", "-n", "vm-01", "--metric", "network_in", "-d",
                                           #"{"ConnectionName":"\#(c.name)","ReqInfo":{"IntervalMinute":"5","TimeBeforeHour":"2"}}"#])
        #expect((window.json["TimestampValues"] as? [Any])?.count ?? 0 > 0 && window.json["MetricUnit"] as? String == "Bytes")
        let metricTable = try Spctl.must(host, ["monitoring", "vm", "-c", c.name, "-n", "vm-01", "--metric", "cpu_usage", "-o", "table"]).stdout
        let lines = metricTable.split(separator: "\n")
        #expect(lines.first == "vm-01 cpu_usage (Percent)" && lines.dropFirst().first?.hasPrefix("TIMESTAMP") == true, "\(metricTable)")
        try Spctl.must(host, ["monitoring", "vm", "-c", c.name, "-n", "vm-01", "--metric", "gpu_temperature"], code: 2)
        try Spctl.must(host, ["monitoring", "vm", "-c", c.name, "-n", "vm-01", "--metric", "cpu_usage", "--hours", "9999"], code: 2)
        try Spctl.must(host, ["monitoring", "vm", "-c", c.name, "-n", "vm-99", "--metric", "cpu_usage"], code: 3)
        let cexample = try Fixtures.registerCExample(host)
        try Spctl.must(host, ["tag", "find", "-c", cexample.name, "--key", "env"], code: 5)
    }

    /// A dotted path's scalar in a JSON object, as text.
    private func text(_ object: [String: Any], _ path: String) -> String {
        var current: Any? = object
        for key in path.split(separator: ".") { current = (current as? [String: Any])?[String(key)] }
        return current.map { "\($0)" } ?? ""
    }
}
