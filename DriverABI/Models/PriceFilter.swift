// The FilterList of `/priceinfo/vm/{RegionName}`: the host applies it so every driver filters the
// same way, and a driver may apply it too to return less. Each {Key, Value} must hold (AND); keys
// are matched case-insensitively; a Value that is a number (optionally after =, <, <=, >, >=)
// compares numerically, any other Value compares as text (case-insensitive); an empty Value
// matches everything.
import Foundation

/// A FilterList entry that cannot be applied, with a sentence naming it.
public struct PriceFilterError: Error, CustomStringConvertible {
    public let description: String
}

public struct PriceFilter: Sendable {
    /// A filter key and what it reads from a price entry.
    private struct Field: Sendable {
        let name: String
        let read: @Sendable (Price) -> String?
    }

    private enum Comparison: Sendable {
        case text(String)
        case number(op: String, Double)
    }

    private struct Condition: Sendable {
        let field: Field
        let comparison: Comparison
    }

    private static let fields: [Field] = {
        let gpuCount: @Sendable (Price) -> String? = { p in
            guard let spec = PriceFilter.spec(p) else { return nil }
            return String((spec.Gpu ?? []).reduce(0) { $0 + (Int($1.Count) ?? 0) })
        }
        return [
            Field(name: "VMSpecName") { $0.ProductInfo.VMSpecName ?? PriceFilter.spec($0)?.Name },
            Field(name: "SpecName") { $0.ProductInfo.VMSpecName ?? PriceFilter.spec($0)?.Name },
            Field(name: "ProductId") { $0.ProductInfo.ProductId },
            Field(name: "ZoneName") { $0.ZoneName },
            Field(name: "VCpu.Count") { PriceFilter.spec($0)?.VCpu.Count },
            Field(name: "VCpu.ClockGHz") { PriceFilter.spec($0)?.VCpu.ClockGHz },
            Field(name: "MemSizeMiB") { PriceFilter.spec($0)?.MemSizeMiB },
            Field(name: "DiskSizeGB") { PriceFilter.spec($0)?.DiskSizeGB },
            Field(name: "Gpu.Count", read: gpuCount),
            Field(name: "Gpu.Mfr") { PriceFilter.spec($0)?.Gpu?.first?.Mfr },
            Field(name: "Gpu.Model") { PriceFilter.spec($0)?.Gpu?.first?.Model },
            Field(name: "Gpu.MemSizeGB") { PriceFilter.spec($0)?.Gpu?.first?.MemSizeGB },
            Field(name: "OSDistribution") { $0.ProductInfo.OSDistribution },
            Field(name: "Description") { $0.ProductInfo.Description },
            Field(name: "PricingPolicy") { $0.PriceInfo.PricingPolicy ?? "OnDemand" },
            Field(name: "PricingId") { $0.PriceInfo.OnDemand.PricingId },
            Field(name: "Price") { $0.PriceInfo.OnDemand.Price },
            Field(name: "Currency") { $0.PriceInfo.OnDemand.Currency },
            Field(name: "Unit") { $0.PriceInfo.OnDemand.Unit },
        ]
    }()

    private static let fieldsByKey: [String: Field] =
        Dictionary(uniqueKeysWithValues: fields.map { ($0.name.lowercased(), $0) })

    private static func spec(_ p: Price) -> VMSpecInfo? { p.ProductInfo.VMSpecInfo }

    public static var knownKeys: [String] { fields.map(\.name) }

    private let conditions: [Condition]

    public var isEmpty: Bool { conditions.isEmpty }

    /// Parses a FilterList; an unknown key or a comparison without a number is an error naming the entry.
    public init(_ list: [KeyValue]) throws(PriceFilterError) {
        var conditions: [Condition] = []
        for (index, entry) in list.enumerated() {
            let key = entry.Key.trimmingCharacters(in: .whitespaces)
            guard let field = Self.fieldsByKey[key.lowercased()] else {
                throw PriceFilterError(description: "FilterList[\(index)].Key '\(entry.Key)' is not a filter key; known keys: "
                                       + Self.knownKeys.joined(separator: ", "))
            }
            let value = entry.Value.trimmingCharacters(in: .whitespaces)
            guard !value.isEmpty else { continue }
            conditions.append(Condition(field: field, comparison: try Self.comparison(value, index: index)))
        }
        self.conditions = conditions
    }

    private static func comparison(_ value: String, index: Int) throws(PriceFilterError) -> Comparison {
        for op in [">=", "<=", ">", "<", "="] where value.hasPrefix(op) {
            let operand = value.dropFirst(op.count).trimmingCharacters(in: .whitespaces)
            guard let number = Double(operand) else {
                throw PriceFilterError(description: "FilterList[\(index)].Value '\(value)': '\(op)' needs a number after it")
            }
            return .number(op: op, number)
        }
        if let number = Double(value) { return .number(op: "=", number) }
        return .text(value.lowercased())
    }

    public func matches(_ price: Price) -> Bool {
        conditions.allSatisfy { condition in
            guard let actual = condition.field.read(price) else { return false }
            switch condition.comparison {
            case .text(let wanted):
                return actual.lowercased() == wanted
            case .number(let op, let wanted):
                guard let number = Double(actual.trimmingCharacters(in: .whitespaces)) else { return false }
                switch op {
                case ">=": return number >= wanted
                case "<=": return number <= wanted
                case ">": return number > wanted
                case "<": return number < wanted
                default: return number == wanted
                }
            }
        }
    }
}
