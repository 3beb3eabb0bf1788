// EBS volume facts in Spider's terms: a volume's state as a DiskStatus, and the volume types with
// the sizes AWS allows for each (so a bad size is refused naming the field, before AWS is asked).
import SpiderDriverKit
import SpiderModels

enum EBSVolume {
    /// EBS volume state → DiskStatus (CB-Spider's mapping): `in-use` is Attached whatever the
    /// attachment's own state; a state AWS adds later is reported as Error rather than guessed.
    static func diskStatus(_ volumeState: String) -> DiskStatus {
        switch volumeState {
        case "creating": .Creating
        case "available": .Available
        case "in-use": .Attached
        case "deleting", "deleted": .Deleting
        default: .Error
        }
    }

    /// Volume type → allowed sizes in GiB (AWS's EBS limits).
    static let sizeLimits: [String: ClosedRange<Int>] = [
        "standard": 1...1_024, "gp2": 1...16_384, "gp3": 1...16_384,
        "io1": 4...16_384, "io2": 4...65_536, "st1": 125...16_384, "sc1": 125...16_384,
    ]

    /// AWS's own default when CreateVolume names no type.
    static let defaultType = "gp2"

    /// The type to create: empty or "default" → gp2; otherwise one AWS knows (INVALID_ARGUMENT otherwise).
    static func volumeType(_ requested: String?) throws -> String {
        let type = (requested ?? "").trimmingCharacters(in: .whitespaces)
        if type.isEmpty || type.lowercased() == "default" { return defaultType }
        guard sizeLimits[type] != nil else {
            throw DriverError.invalidArgument("DiskType: '\(type)' is not an EBS volume type (known: "
                                              + sizeLimits.keys.sorted().joined(separator: ", ") + ")")
        }
        return type
    }

    /// The size to create: empty or "default" → the type's smallest; otherwise whole GiB in the type's range.
    static func volumeSize(_ requested: String?, type: String, field: String = "DiskSize") throws -> Int {
        let limits = sizeLimits[type] ?? 1...16_384
        let text = (requested ?? "").trimmingCharacters(in: .whitespaces)
        if text.isEmpty || text.lowercased() == "default" { return limits.lowerBound }
        guard let size = Int(text), limits.contains(size) else {
            throw DriverError.invalidArgument("\(field): '\(text)' must be a whole number of GB from \(limits.lowerBound) "
                                              + "to \(limits.upperBound) for \(type) volumes")
        }
        return size
    }

    /// Provisioned IOPS for io1/io2 (AWS requires them): the most a volume of that size allows at
    /// io1's 50 IOPS per GiB, capped at 64,000; nil for the other types.
    static func provisionedIops(type: String, size: Int) -> Int? {
        guard type == "io1" || type == "io2" else { return nil }
        return min(size * 50, 64_000)
    }

    /// Device names AWS recommends for data volumes on Linux instances.
    static let dataDeviceNames = (UInt8(ascii: "f")...UInt8(ascii: "p")).map { "/dev/sd" + String(UnicodeScalar($0)) }

    /// The first recommended device name no mapping of the instance uses (`/dev/sdf` and
    /// `/dev/xvdf` name the same slot), or nil when all are taken.
    static func freeDevice(used: [String]) -> String? {
        let taken = Set(used.map { $0.replacingOccurrences(of: "/dev/xvd", with: "/dev/sd") })
        return dataDeviceNames.first { !taken.contains($0) }
    }
}
