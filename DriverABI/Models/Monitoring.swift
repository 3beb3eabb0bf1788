// VM metrics: CB-Spider's MetricData for `/monitoring/vm/{VMName}/{MetricType}`.

/// The metrics CB-Spider defines, with the unit each is measured in.
public enum MetricType: String, CaseIterable, Codable, Sendable {
    case cpu_usage, memory_usage, disk_read, disk_write, disk_read_ops, disk_write_ops, network_in, network_out

    public var unit: String {
        switch self {
        case .cpu_usage, .memory_usage: "Percent"
        case .disk_read, .disk_write, .network_in, .network_out: "Bytes"
        case .disk_read_ops, .disk_write_ops: "Count"
        }
    }
}

/// `monitoring.vm.get`: one metric of one VM, one value per `IntervalMinute` over the last `TimeBeforeHour`.
public struct VMMonitoringRequest: Codable, Sendable {
    public var VMIID: IID
    public var MetricType: String
    public var IntervalMinute: String
    public var TimeBeforeHour: String
    public init(VMIID: IID, MetricType: String, IntervalMinute: String, TimeBeforeHour: String) {
        self.VMIID = VMIID
        self.MetricType = MetricType
        self.IntervalMinute = IntervalMinute
        self.TimeBeforeHour = TimeBeforeHour
    }
}

public struct TimestampValue: Codable, Sendable, Equatable {
    /// RFC 3339, UTC.
    public var Timestamp: String
    public var Value: String
    public init(Timestamp: String, Value: String) {
        self.Timestamp = Timestamp
        self.Value = Value
    }
}

public struct MetricData: Codable, Sendable {
    public var VMName: String
    public var MetricName: String
    public var MetricUnit: String
    public var TimestampValues: [TimestampValue]
    public init(VMName: String, MetricName: String, MetricUnit: String, TimestampValues: [TimestampValue]) {
        self.VMName = VMName
        self.MetricName = MetricName
        self.MetricUnit = MetricUnit
        self.TimestampValues = TimestampValues
    }
}
