// The FilterList of `price.vm.list` with the host's rules (Host/SpiderHost/Services/PriceFilter.swift),
// so the driver returns no more than the host would keep: each {Key, Value} must hold (AND); keys
// match case-insensitively; a Value that is a number (optionally after =, <, <=, >, >=) compares
// numerically, any other Value as text (case-insensitive); an empty Value matches everything.
import Foundation
import SpiderDriverKit
import SpiderModels

struct PriceListFilter: Sendable {
    private enum Comparison: Sendable {
        case text(String)
        case number(op: String, Double)
    }

    private struct Condition: Sendable {
        let read: @Sendable (Price) -> String?
        let comparison: Comparison
    }

    /// The keys the host knows, and what each reads from a price.
    private static let fields: [(name: String, read: @Sendable (Price) -> String?)] = [
        ("VMSpecName", { $0.ProductInfo.VMSpecName ?? $0.ProductInfo.VMSpecInfo?.Name }),
        ("SpecName", { $0.ProductInfo.VMSpecName ?? $0.ProductInfo.VMSpecInfo?.Name }),
        ("ProductId", { $0.ProductInfo.ProductId }),
        ("ZoneName", { $0.ZoneName }),
        ("VCpu.Count", { $0.ProductInfo.VMSpecInfo?.VCpu.Count }),
        ("VCpu.ClockGHz", { $0.ProductInfo.VMSpecInfo?.VCpu.ClockGHz }),
        ("MemSizeMiB", { $0.ProductInfo.VMSpecInfo?.MemSizeMiB }),
        ("DiskSizeGB", { $0.ProductInfo.VMSpecInfo?.DiskSizeGB }),
        ("Gpu.Count", { p in
            p.ProductInfo.VMSpecInfo.map { String(($0.Gpu ?? []).reduce(0) { $0 + (Int($1.Count) ?? 0) }) }
        }),
        ("Gpu.Mfr", { $0.ProductInfo.VMSpecInfo?.Gpu?.first?.Mfr }),
        ("Gpu.Model", { $0.ProductInfo.VMSpecInfo?.Gpu?.first?.Model }),
        ("Gpu.MemSizeGB", { $0.ProductInfo.VMSpecInfo?.Gpu?.first?.MemSizeGB }),
        ("OSDistribution", { $0.ProductInfo.OSDistribution }),
        ("Description", { $0.ProductInfo.Description }),
        ("PricingPolicy", { $0.PriceInfo.PricingPolicy ?? "OnDemand" }),
        ("PricingId", { $0.PriceInfo.OnDemand.PricingId }),
        ("Price", { $0.PriceInfo.OnDemand.Price }),
        ("Currency", { $0.PriceInfo.OnDemand.Currency }),
        ("Unit", { $0.PriceInfo.OnDemand.Unit }),
    ]

    static var knownKeys: [String] { fields.map(\.name) }

    private let conditions: [Condition]

    var isEmpty: Bool { conditions.isEmpty }

    /// An unknown key or a comparison without a number is INVALID_ARGUMENT naming the entry.
    init(_ list: [KeyValue]) throws {
        var conditions: [Condition] = []
        for (index, entry) in list.enumerated() {
            let key = entry.Key.trimmingCharacters(in: .whitespaces).lowercased()
            guard let field = Self.fields.first(where: { $0.name.lowercased() == key }) else {
                throw DriverError.invalidArgument("FilterList[\(index)].Key '\(entry.Key)' is not a filter key; known keys: "
                                                  + Self.knownKeys.joined(separator: ", "))
            }
            let value = entry.Value.trimmingCharacters(in: .whitespaces)
            guard !value.isEmpty else { continue }
            conditions.append(Condition(read: field.read, comparison: try Self.comparison(value, index: index)))
        }
        self.conditions = conditions
    }

    private static func comparison(_ value: String, index: Int) throws -> Comparison {
        for op in [">=", "<=", ">", "<", "="] where value.hasPrefix(op) {
            let operand = value.dropFirst(op.count).trimmingCharacters(in: .whitespaces)
            guard let number = Double(operand) else {
                throw DriverError.invalidArgument("FilterList[\(index)].Value '\(value)': '\(op)' needs a number after it")
            }
            return .number(op: op, number)
        }
        if let number = Double(value) { return .number(op: "=", number) }
        return .text(value.lowercased())
    }

    func matches(_ price: Price) -> Bool {
        conditions.allSatisfy { condition in
            guard let actual = condition.read(price) else { return false }
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
