// monitoring.vm.get: CloudWatch's AWS/EC2 metrics of one instance (GetMetricStatistics by
// InstanceId), one value per IntervalMinute, oldest first. Percentages are averages over the
// interval; bytes and operations are sums (what the VM moved in that interval). EC2 publishes no
// memory metric: memory_usage reads the CloudWatch agent's CWAgent/mem_used_percent, whose
// dimensions depend on the agent's configuration (InstanceId plus, often, ImageId, InstanceType…),
// so ListMetrics finds the instance's own set first; a VM without the agent answers UNSUPPORTED.
import Foundation
import SpiderDriverKit
import SpiderModels

extension AWSConnection {
    /// CloudWatch answers at most 1,440 datapoints a call: longer windows take several calls.
    static let maxDatapointsPerCall = 1_440

    /// The CloudWatch agent's namespace and memory metric.
    static let agentNamespace = "CWAgent", agentMemoryMetric = "mem_used_percent"

    /// The AWS/EC2 metric and statistic behind each of Spider's metrics (memory: the agent's, nil here).
    static func cloudWatchMetric(_ metric: MetricType) -> (name: String, statistic: String)? {
        switch metric {
        case .cpu_usage: ("CPUUtilization", "Average")
        case .memory_usage: nil
        case .disk_read: ("DiskReadBytes", "Sum")
        case .disk_write: ("DiskWriteBytes", "Sum")
        case .disk_read_ops: ("DiskReadOps", "Sum")
        case .disk_write_ops: ("DiskWriteOps", "Sum")
        case .network_in: ("NetworkIn", "Sum")
        case .network_out: ("NetworkOut", "Sum")
        }
    }

    func vmMetrics(_ request: VMMonitoringRequest, _ context: CallContext) throws -> MetricData {
        guard let metric = MetricType(rawValue: request.MetricType) else {
            throw DriverError.invalidArgument("MetricType: '\(request.MetricType)' is not one of "
                                              + MetricType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard let interval = Int(request.IntervalMinute), interval >= 1 else {
            throw DriverError.invalidArgument("IntervalMinute: '\(request.IntervalMinute)' is not a positive whole number")
        }
        guard let hours = Int(request.TimeBeforeHour), hours >= 1 else {
            throw DriverError.invalidArgument("TimeBeforeHour: '\(request.TimeBeforeHour)' is not a positive whole number")
        }
        let instanceID = try requireSystemID(request.VMIID, "VM", field: "VMIID")
        let instance = try storageInstance(instanceID, try ec2(), context)   // NOT_FOUND for an unknown VM
        let cloudWatch = try cloudWatch()
        let (namespace, metricName, statistic, dimensions): (String, String, String, [(String, String)])
        if let (name, stat) = Self.cloudWatchMetric(metric) {
            (namespace, metricName, statistic, dimensions) = ("AWS/EC2", name, stat, [("InstanceId", instanceID)])
        } else {
            (namespace, metricName, statistic) = (Self.agentNamespace, Self.agentMemoryMetric, "Average")
            dimensions = try agentDimensions(instanceID, cloudWatch, context)
        }

        // Whole periods ending now; each call covers at most maxDatapointsPerCall of them.
        let period = interval * 60
        let end = Date()
        var start = end.addingTimeInterval(-Double(hours * 3_600))
        var points: [(Date, String)] = []
        while start < end {
            let chunkEnd = min(end, start.addingTimeInterval(Double(period * Self.maxDatapointsPerCall)))
            var params: EC2Params = ["Namespace": namespace, "MetricName": metricName,
                                     "StartTime": Self.queryTime(start), "EndTime": Self.queryTime(chunkEnd),
                                     "Period": String(period), "Statistics.member.1": statistic]
            params.members("Dimensions", dimensions.map { [("Name", $0.0), ("Value", $0.1)] })
            if metric == .cpu_usage { params["Unit"] = "Percent" }
            for point in try cloudWatch.call("GetMetricStatistics", params, context: context)
                .members(at: "GetMetricStatisticsResult", "Datapoints") {
                guard let time = Self.parseTime(point.string("Timestamp")), let value = Double(point.string(statistic)) else { continue }
                points.append((time, Self.format(value, metric)))
            }
            start = chunkEnd
        }
        points.sort { $0.0 < $1.0 }
        let formatter = ISO8601DateFormatter()
        return MetricData(VMName: instance.spiderName(or: request.VMIID.NameId), MetricName: metric.rawValue,
                          MetricUnit: metric.unit,
                          TimestampValues: points.map { TimestampValue(Timestamp: formatter.string(from: $0.0), Value: $0.1) })
    }

    /// The dimensions the CloudWatch agent publishes the instance's memory under (the first set
    /// ListMetrics finds with its InstanceId), or UNSUPPORTED when it publishes none.
    private func agentDimensions(_ instanceID: String, _ cloudWatch: EC2Client, _ context: CallContext) throws -> [(String, String)] {
        var params: EC2Params = ["Namespace": Self.agentNamespace, "MetricName": Self.agentMemoryMetric]
        params.members("Dimensions", [[("Name", "InstanceId"), ("Value", instanceID)]])
        let found = try cloudWatch.call("ListMetrics", params, context: context).members(at: "ListMetricsResult", "Metrics").first
        guard let found else {
            throw DriverError.unsupported("memory_usage: EC2 does not report memory to CloudWatch, and no CloudWatch agent "
                                          + "publishes \(Self.agentNamespace)/\(Self.agentMemoryMetric) for VM \(instanceID); "
                                          + "install the CloudWatch agent in the VM to see its memory")
        }
        return found.members(at: "Dimensions").map { ($0.string("Name"), $0.string("Value")) }
    }

    /// The Query API's time: ISO 8601 in whole seconds, UTC.
    static func queryTime(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    static func parseTime(_ text: String) -> Date? {
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }

    /// Percentages with two decimals; bytes and counts as whole numbers.
    static func format(_ value: Double, _ metric: MetricType) -> String {
        metric.unit == "Percent" ? String(format: "%.2f", value) : String(Int64(value.rounded()))
    }
}
