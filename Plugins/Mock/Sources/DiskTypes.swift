// The Mock cloud's disk types and the sizes each allows, in GB.

struct DiskType: Sendable {
    let name: String
    let sizes: ClosedRange<Int>
    let defaultSize: Int

    static let all = [
        DiskType(name: "SSD", sizes: 1...16_384, defaultSize: 100),
        DiskType(name: "HDD", sizes: 10...16_384, defaultSize: 500),
    ]
    /// What "default" (or no type) means.
    static let standard = all[0]

    /// The type a request names; empty or "default" is `standard`. Names are matched case-insensitively.
    static func named(_ text: String?) -> DiskType? {
        guard let text, !text.isEmpty, text.lowercased() != "default" else { return standard }
        return all.first { $0.name.lowercased() == text.lowercased() }
    }

    static var names: String { all.map(\.name).joined(separator: ", ") }
}
