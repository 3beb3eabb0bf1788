// monitoring.vm.get: plausible, repeatable VM metrics. Each value depends only on the VM's
// SystemId, the metric, and the minute it stands for, so asking again gives the same numbers for
// the same timestamps; a daily wave and bounded noise make the series look like a real one.
import Foundation
import SpiderDriverKit
import SpiderModels

extension MockConnection {
    static let maxMetricPoints = 20_000

    func vmMetrics(_ request: VMMonitoringRequest) throws -> MetricData {
        let now = WallClock.nowMs()
        guard let vm = snapshot().vm(request.VMIID, at: now) else { throw MockError.notFound("VM", request.VMIID.label) }
        guard let metric = MetricType(rawValue: request.MetricType) else {
            throw MockError.invalid("MetricType", "'\(request.MetricType)' is not one of "
                                    + MetricType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard let interval = Int(request.IntervalMinute), interval >= 1 else {
            throw MockError.invalid("IntervalMinute", "'\(request.IntervalMinute)' is not a positive whole number")
        }
        guard let hours = Int(request.TimeBeforeHour), hours >= 1 else {
            throw MockError.invalid("TimeBeforeHour", "'\(request.TimeBeforeHour)' is not a positive whole number")
        }
        let count = max(1, hours * 60 / interval)
        guard count <= Self.maxMetricPoints else {
            throw MockError.invalid("TimeBeforeHour", "\(count) values would be returned; the Mock answers at most \(Self.maxMetricPoints)")
        }
        let series = MetricSeries(vm: vm.iid.SystemId, metric: metric)
        // A suspended VM is idle from the minute its suspension settled (earlier values stay as they were).
        let idleFromMinute = vm.status(at: now) == .Suspended ? vm.settleAtMs / 60_000 : Int64.max
        let lastBucket = now / 60_000 / Int64(interval)
        let values = (0..<count).reversed().map { back -> TimestampValue in
            let minute = (lastBucket - Int64(back)) * Int64(interval)
            let value = minute >= idleFromMinute ? series.idleValue : series.value(atMinute: minute, interval: interval)
            return TimestampValue(Timestamp: WallClock.rfc3339(minute * 60_000), Value: value)
        }
        return MetricData(VMName: vm.iid.NameId, MetricName: metric.rawValue, MetricUnit: metric.unit, TimestampValues: values)
    }
}

/// One VM's one metric as a pure function of time.
struct MetricSeries {
    let metric: MetricType
    private let seed: UInt64

    init(vm: String, metric: MetricType) {
        self.metric = metric
        seed = Self.fnv1a(vm + "/" + metric.rawValue)
    }

    /// The value for the `interval` minutes starting at `minute` (minutes since 1970).
    func value(atMinute minute: Int64, interval: Int) -> String {
        let noise = Self.unit(seed ^ UInt64(bitPattern: minute))               // 0..<1
        let level = Self.unit(seed)                                             // this VM's own level
        let day = sin(2 * Double.pi * Double(minute % 1440) / 1440)             // -1...1, one wave a day
        let minutes = Double(interval)
        switch metric {
        case .cpu_usage:
            return percent(15 + 35 * level + 8 * day + 8 * (noise - 0.5))      // 3 to 62
        case .memory_usage:
            return percent(25 + 45 * level + 4 * day + 4 * (noise - 0.5))
        case .disk_read, .disk_write:
            return whole((0.5 + 4.5 * level) * 1_048_576 * (1 + 0.4 * day) * (0.5 + noise) * minutes)
        case .disk_read_ops, .disk_write_ops:
            return whole((20 + 180 * level) * (1 + 0.4 * day) * (0.5 + noise) * minutes)
        case .network_in, .network_out:
            return whole((1 + 15 * level) * 1_048_576 * (1 + 0.5 * day) * (0.5 + noise) * minutes)
        }
    }

    /// What a stopped VM reports: nothing in use.
    var idleValue: String { metric.unit == "Percent" ? percent(0) : whole(0) }

    private func percent(_ value: Double) -> String { String(format: "%.2f", min(100, max(0, value))) }
    private func whole(_ value: Double) -> String { String(Int64(max(0, value).rounded())) }

    /// A well-mixed value in 0..<1 from 64 bits (SplitMix64's finalizer).
    private static func unit(_ x: UInt64) -> Double {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(UInt64(1) << 53)
    }

    private static func fnv1a(_ text: String) -> UInt64 {
        text.utf8.reduce(0xCBF2_9CE4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
    }
}
