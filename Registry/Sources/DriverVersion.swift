import Foundation

/// A driver version as the index and manifests spell it: dot-separated numbers ("1.10.2"), optionally
/// followed by a pre-release tag ("2.0.0-rc.1"). Numbers compare as numbers; a pre-release sorts
/// before its release; a missing number counts as 0 ("1.2" == "1.2.0").
public struct DriverVersion: Comparable, Sendable, CustomStringConvertible {
    public let numbers: [Int]
    /// The part after the first '-' (or '+'), empty for a release.
    public let prerelease: String
    public let description: String

    /// nil when the text does not start with a number.
    public init?(_ text: String) {
        let cut = text.firstIndex { $0 == "-" || $0 == "+" } ?? text.endIndex
        let parts = text[..<cut].split(separator: ".", omittingEmptySubsequences: false)
        let numbers = parts.map { Int($0) }
        guard !parts.isEmpty, !numbers.contains(nil) else { return nil }
        self.numbers = numbers.map { $0! }
        prerelease = cut < text.endIndex ? String(text[text.index(after: cut)...]) : ""
        description = text
    }

    func number(_ i: Int) -> Int { i < numbers.count ? numbers[i] : 0 }

    public static func == (a: DriverVersion, b: DriverVersion) -> Bool { !(a < b) && !(b < a) }

    public static func < (a: DriverVersion, b: DriverVersion) -> Bool {
        for i in 0..<max(a.numbers.count, b.numbers.count) where a.number(i) != b.number(i) {
            return a.number(i) < b.number(i)
        }
        if a.prerelease.isEmpty != b.prerelease.isEmpty { return !a.prerelease.isEmpty }
        return a.prerelease.compare(b.prerelease, options: .numeric) == .orderedAscending
    }
}

/// Which versions an install accepts: an exact version ("1.2.3"), a caret ("^1.2": same major),
/// a tilde ("~1.2": same minor; "~1": same major), comparisons (">=1.0, <2"), several joined by commas or spaces (all
/// must hold), or "*" / "latest" / "" for any. Pre-releases match only a constraint naming one exactly.
public struct VersionConstraint: Sendable, CustomStringConvertible {
    enum Op: String { case eq = "=", ge = ">=", gt = ">", le = "<=", lt = "<" }
    let clauses: [(Op, DriverVersion)]
    public let description: String

    public static let any = try! VersionConstraint("*")

    public init(_ text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        description = trimmed.isEmpty ? "*" : trimmed
        var clauses: [(Op, DriverVersion)] = []
        // ">= 1.0" is ">=1.0": an operator standing alone joins the word after it.
        var words: [String] = []
        for word in trimmed.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init) {
            if let last = words.last, ["=", ">=", ">", "<=", "<", "^", "~"].contains(last) {
                words[words.count - 1] = last + word
            } else {
                words.append(word)
            }
        }
        for word in words where word != "*" && word.lowercased() != "latest" {
            clauses += try Self.parse(word, in: trimmed)
        }
        self.clauses = clauses
    }

    private static func parse(_ word: String, in text: String) throws -> [(Op, DriverVersion)] {
        func version(_ s: Substring) throws -> DriverVersion {
            guard let v = DriverVersion(String(s)) else {
                throw RegistryError.invalidConstraint(
                    "'\(text)' is not a version constraint (use 1.2.3, ^1.2, ~1.2, >=1.0,<2 or latest)")
            }
            return v
        }
        if word.hasPrefix("^") {
            let low = try version(word.dropFirst())
            // ^1.2.3 → <2.0.0; ^0.3 → <0.4 (before 1.0 a minor bump may break).
            let bumped = low.number(0) > 0 ? "\(low.number(0) + 1)" : "0.\(low.number(1) + 1)"
            return [(.ge, low), (.lt, DriverVersion(bumped)!)]
        }
        if word.hasPrefix("~") {
            // ~1.2 → <1.3; ~1 → <2 (only the major was pinned).
            let low = try version(word.dropFirst())
            let upper = low.numbers.count == 1 ? "\(low.number(0) + 1)" : "\(low.number(0)).\(low.number(1) + 1)"
            return [(.ge, low), (.lt, DriverVersion(upper)!)]
        }
        for op in [Op.ge, .le, .gt, .lt, .eq] where word.hasPrefix(op.rawValue) {
            return [(op, try version(word.dropFirst(op.rawValue.count)))]
        }
        return [(.eq, try version(word[...]))]
    }

    public func accepts(_ text: String) -> Bool {
        guard let v = DriverVersion(text) else { return false }
        if !v.prerelease.isEmpty, !clauses.contains(where: { $0.0 == .eq && $0.1.description == text }) { return false }
        return clauses.allSatisfy { op, bound in
            switch op {
            case .eq: v == bound
            case .ge: v >= bound
            case .gt: v > bound
            case .le: v <= bound
            case .lt: v < bound
            }
        }
    }
}
