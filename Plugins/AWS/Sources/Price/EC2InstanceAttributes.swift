// The size facts of an EC2 "Compute Instance" product, read from the offer file's text attributes
// ("vcpu": "2", "memory": "1,952 GiB", "clockSpeed": "Up to 3.1 GHz", "storage": "2 x 900 NVMe SSD",
// "gpu": "4") into CB-Spider's VMSpecInfo. The file names no GPU maker or model, and does not say
// whether gpuMemory is per GPU or in all, so that stays a KeyValue as AWS wrote it.
import Foundation
import SpiderModels

enum EC2InstanceAttributes {
    /// The first decimal number in `text`, commas as thousands separators ("1,952 GiB" → 1952).
    static func number(in text: String?) -> Double? {
        guard let text else { return nil }
        let cleaned = text.replacingOccurrences(of: ",", with: "")
        guard let start = cleaned.firstIndex(where: \.isNumber) else { return nil }
        let digits = cleaned[start...].prefix { $0.isNumber || $0 == "." }
        return Double(digits)
    }

    /// A whole number as text, any other number with its decimals ("0.5" stays "0.5").
    static func text(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    /// Instance-store GB: "2 x 900 NVMe SSD" → 1800, "1 x 75 NVMe SSD" → 75; "EBS only" → nil.
    static func instanceStoreGB(_ storage: String?) -> Double? {
        guard let storage else { return nil }
        let parts = storage.replacingOccurrences(of: ",", with: "").split(separator: " ")
        if let x = parts.firstIndex(of: "x"), x > 0, x + 1 < parts.count,
           let count = Double(parts[x - 1]), let size = Double(parts[x + 1]) {
            return count * size
        }
        return number(in: storage)
    }

    /// The spec of a product, or nil when it is not an instance (no instanceType or vcpu).
    static func spec(_ attributes: [String: String], region: String) -> VMSpecInfo? {
        guard let name = attributes["instanceType"], let vcpus = number(in: attributes["vcpu"]) else { return nil }
        let memoryMiB = (number(in: attributes["memory"]) ?? 0) * 1024
        // CB-Spider's "-1": no local disk of its own (EBS only).
        let disk = instanceStoreGB(attributes["storage"]).map(text) ?? "-1"
        let gpus = number(in: attributes["gpu"]).flatMap { $0 > 0 ? [GpuInfo(Count: text($0))] : nil }
        let details = ["instanceFamily", "currentGeneration", "physicalProcessor", "processorArchitecture",
                       "storage", "networkPerformance", "gpuMemory", "tenancy"]
        return VMSpecInfo(Region: region, Name: name,
                          VCpu: VCpuInfo(Count: text(vcpus), ClockGHz: number(in: attributes["clockSpeed"]).map(text)),
                          MemSizeMiB: text(memoryMiB), DiskSizeGB: disk, Gpu: gpus,
                          KeyValueList: details.compactMap { key in
                              attributes[key].flatMap { $0 == "NA" ? nil : KeyValue(Key: key, Value: $0) }
                          })
    }
}
