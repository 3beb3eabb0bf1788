// VM metrics on the Mock: CB-Spider's MetricData shape, units per metric, one value per interval
// over the window, the same numbers when asked again, and the errors (unknown metric, VM, window;
// a driver without monitoringHandler).
import Foundation
import SpiderClient
import SpiderModels
import Testing

@Suite("VM monitoring")
struct MonitoringTests {
    private func metric(_ host: HostProcess, _ c: RegisteredConnection, _ type: String, vm: String = "vm-01",
                        window: String = "") throws -> MetricData {
        try host.must("GET", "/spider/monitoring/vm/\(vm)/\(type)" + c.query + window).decode(MetricData.self)
    }

    @Test("every metric has its unit and one plausible value per interval, oldest first")
    func shapes() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "monitor")
        try host.createStack(c)
        let units = ["cpu_usage": "Percent", "memory_usage": "Percent", "disk_read": "Bytes", "disk_write": "Bytes",
                     "disk_read_ops": "Count", "disk_write_ops": "Count", "network_in": "Bytes", "network_out": "Bytes"]
        for (type, unit) in units {
            let data = try metric(host, c, type, window: "&IntervalMinute=5&TimeBeforeHour=2")
            #expect(data.VMName == "vm-01")
            #expect(data.MetricName == type)
            #expect(data.MetricUnit == unit)
            #expect(data.TimestampValues.count == 24, "\(type): 2 hours of 5-minute values")
            let times = data.TimestampValues.compactMap { try? Date($0.Timestamp, strategy: .iso8601) }
            #expect(times.count == data.TimestampValues.count, "\(type): RFC 3339 timestamps")
            #expect(zip(times, times.dropFirst()).allSatisfy { $1.timeIntervalSince($0) == 300 }, "\(type): 5 minutes apart")
            let values = data.TimestampValues.compactMap { Double($0.Value) }
            #expect(values.count == data.TimestampValues.count, "\(type): numeric values")
            if unit == "Percent" {
                #expect(values.allSatisfy { (0...100).contains($0) }, "\(type): \(values)")
            } else {
                #expect(values.allSatisfy { $0 >= 0 && $0 == $0.rounded() }, "\(type): whole non-negative numbers \(values)")
            }
            #expect(Set(values).count > 1, "\(type): the series varies")
        }
        // CB-Spider's defaults: one-minute values over the last hour.
        #expect(try metric(host, c, "cpu_usage").TimestampValues.count == 60)
        // Metric names are accepted in any case.
        #expect(try metric(host, c, "CPU_USAGE", window: "&IntervalMinute=60&TimeBeforeHour=3").TimestampValues.count == 3)
        // The window may come in the body's ReqInfo, as CB-Spider clients send it.
        let fromBody = try host.must("GET", "/spider/monitoring/vm/vm-01/network_in", json: [
            "ConnectionName": c.name, "ReqInfo": ["IntervalMinute": "30", "TimeBeforeHour": "2"],
        ]).decode(MetricData.self)
        #expect(fromBody.TimestampValues.count == 4)
    }

    @Test("asking again gives the same values for the same timestamps; metrics differ")
    func deterministic() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "monitorseed")
        try host.createStack(c)
        let window = "&IntervalMinute=10&TimeBeforeHour=6"
        let first = try metric(host, c, "cpu_usage", window: window).TimestampValues
        let second = try metric(host, c, "cpu_usage", window: window).TimestampValues
        let earlier = Dictionary(uniqueKeysWithValues: first.map { ($0.Timestamp, $0.Value) })
        let shared = second.filter { earlier[$0.Timestamp] != nil }
        #expect(shared.count >= second.count - 1, "the windows overlap (at most one interval passed)")
        #expect(shared.allSatisfy { earlier[$0.Timestamp] == $0.Value })
        let memory = try metric(host, c, "memory_usage", window: window).TimestampValues
        #expect(memory.map(\.Value) != second.map(\.Value))
    }

    @Test("a suspended VM reports zero from its suspension on")
    func suspendedIsIdle() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "monitoridle")
        try host.createStack(c)
        let before = try metric(host, c, "cpu_usage").TimestampValues
        try host.must("PUT", "/spider/controlvm/vm-01" + c.query + "&action=suspend")
        for (type, zero) in [("cpu_usage", "0.00"), ("memory_usage", "0.00"), ("network_in", "0"), ("disk_write_ops", "0")] {
            let values = try metric(host, c, type).TimestampValues
            #expect(values.count == 60)
            #expect(values.last?.Value == zero, "\(type): idle now")
            #expect(values.first?.Value != zero, "\(type): busy an hour ago")
        }
        // The hour before the suspension is unchanged.
        let after = try metric(host, c, "cpu_usage").TimestampValues
        #expect(after.first.map { first in before.first { $0.Timestamp == first.Timestamp }?.Value == first.Value } ?? false)
    }

    @Test("unknown metric, unknown VM, bad window: 400/404 naming what is wrong; no capability: 501")
    func errors() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "monitorerr")
        try host.createStack(c)
        try host.expect("GET", "/spider/monitoring/vm/vm-01/gpu_usage" + c.query, status: 400,
                        mentioning: ["gpu_usage", "cpu_usage", "memory_usage", "disk_read_ops", "network_out"])
        try host.expect("GET", "/spider/monitoring/vm/no-such-vm/cpu_usage" + c.query, status: 404, mentioning: ["no-such-vm"])
        try host.expect("GET", "/spider/monitoring/vm/vm-01/cpu_usage" + c.query + "&IntervalMinute=0", status: 400,
                        mentioning: ["IntervalMinute"])
        try host.expect("GET", "/spider/monitoring/vm/vm-01/cpu_usage" + c.query + "&TimeBeforeHour=abc", status: 400,
                        mentioning: ["TimeBeforeHour"])
        try host.expect("GET", "/spider/monitoring/vm/vm-01/cpu_usage" + c.query + "&TimeBeforeHour=100000", status: 400,
                        mentioning: ["TimeBeforeHour"])
        try host.expect("GET", "/spider/monitoring/vm/vm-01/cpu_usage", status: 400, mentioning: ["ConnectionName"])

        let cex = try Fixtures.registerCExample(host)
        try host.expect("GET", "/spider/monitoring/vm/vm-01/cpu_usage" + cex.query, status: 501, mentioning: ["monitoringHandler"])
        host.expectReady()
    }
}
