// VM metrics: `GET /spider/monitoring/vm/{VMName}/{MetricType}?IntervalMinute=&TimeBeforeHour=`.
// The host checks the metric and the window, resolves the VM's name, and shows the user's name.
import Foundation
import SpiderModels

enum MonitoringRoutes {
    /// Bounds that keep one answer to at most a week of one-minute values.
    static let intervalMinutes = 1...1440
    static let hoursBefore = 1...168

    /// CB-Spider clients may also send the window in the body's ReqInfo.
    struct MonitoringQuery: Decodable {
        struct Window: Decodable {
            var IntervalMinute: String?
            var TimeBeforeHour: String?
        }
        var ConnectionName: String?
        var ReqInfo: Window?
    }

    static func add(to r: inout Router) {
        r.add(.GET, "/spider/monitoring/vm/{VMName}/{MetricType}") { app, req in
            let metricName = req.parameter("MetricType")
            guard let metric = MetricType(rawValue: metricName.lowercased()) else {
                throw HostError.badRequest("MetricType '\(metricName)' is not a metric; valid metrics: "
                                           + MetricType.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let window = req.body.isEmpty ? nil : try req.decode(MonitoringQuery.self, what: "monitoring request").ReqInfo
            let interval = try number(req.query["IntervalMinute"] ?? window?.IntervalMinute, "IntervalMinute", in: intervalMinutes)
            let hours = try number(req.query["TimeBeforeHour"] ?? window?.TimeBeforeHour, "TimeBeforeHour", in: hoursBefore)
            let gw = try DriverGateway(app, req, needs: \.monitoringHandler, named: "monitoringHandler")
            let vm = try gw.iid(.vm, req.parameter("VMName"))
            let request = VMMonitoringRequest(VMIID: vm, MetricType: metric.rawValue,
                                              IntervalMinute: String(interval), TimeBeforeHour: String(hours))
            return try gw.answer("monitoring.vm.get", request, as: MetricData.self) { data in
                guard data.VMName != vm.NameId else { return data }
                gw.noteChange()
                var shown = data
                shown.VMName = vm.NameId
                return shown
            }
        }
    }

    /// A whole number within `range`; absent or empty means CB-Spider's default, 1.
    private static func number(_ text: String?, _ field: String, in range: ClosedRange<Int>) throws -> Int {
        guard let text, !text.isEmpty else { return 1 }
        guard let value = Int(text), range.contains(value) else {
            throw HostError.badRequest("\(field) '\(text)' must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }
}
