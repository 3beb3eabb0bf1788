// CB-Spider's spctl spells some flags with a value where spctl has a plain flag: `--force true|false`.
// Its scripts pass them that way, so the value is folded into the flag before parsing.
enum CBSpiderArguments {
    static func normalized(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" { out += arguments[i...]; break }
            if a == "--force", i + 1 < arguments.count, ["true", "false"].contains(arguments[i + 1].lowercased()) {
                if arguments[i + 1].lowercased() == "true" { out.append("--force") }
                i += 2
                continue
            }
            if a.lowercased() == "--force=true" { out.append("--force"); i += 1; continue }
            if a.lowercased() == "--force=false" { i += 1; continue }
            out.append(a)
            i += 1
        }
        return out
    }
}
