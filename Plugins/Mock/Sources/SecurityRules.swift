// Security rules: validation and the normal form rules are stored, compared and echoed in.
//   Direction   "inbound" | "outbound" (any case)
//   IPProtocol  "tcp" | "udp" | "icmp" | "all" (any case)
//   FromPort/ToPort  whole numbers 1...65535 with From <= To, or both "-1" (every port; also
//                    what "" means); icmp and all always use "-1"
//   CIDR        an IPv4 CIDR block; omitted or "" means "0.0.0.0/0"
import SpiderDriverKit
import SpiderModels

enum SecurityRules {
    static func normalize(_ rule: SecurityRuleInfo, field: String) throws -> SecurityRuleInfo {
        let direction = rule.Direction.lowercased()
        guard direction == "inbound" || direction == "outbound" else {
            throw MockError.invalid("\(field).Direction", "'\(rule.Direction)' is not inbound or outbound")
        }
        let proto = rule.IPProtocol.lowercased()
        guard ["tcp", "udp", "icmp", "all"].contains(proto) else {
            throw MockError.invalid("\(field).IPProtocol", "'\(rule.IPProtocol)' is not tcp, udp, icmp or all")
        }
        let from = try port(rule.FromPort, field: "\(field).FromPort")
        let to = try port(rule.ToPort, field: "\(field).ToPort")
        var fromPort = "-1", toPort = "-1"
        if proto == "tcp" || proto == "udp" {
            switch (from, to) {
            case (-1, -1):
                break
            case let (f, t) where f >= 1 && t >= 1:
                guard f <= t else {
                    throw MockError.invalid("\(field).FromPort", "FromPort \(f) is greater than ToPort \(t)")
                }
                (fromPort, toPort) = (String(f), String(t))
            default:
                throw MockError.invalid("\(field).FromPort", "use ports 1...65535 for both ends, or -1 for both")
            }
        }
        var cidrText = rule.CIDR ?? ""
        if cidrText.isEmpty { cidrText = "0.0.0.0/0" }
        let cidr = try IPv4CIDR(cidrText, field: "\(field).CIDR")
        return SecurityRuleInfo(FromPort: fromPort, ToPort: toPort, IPProtocol: proto, Direction: direction,
                                CIDR: cidr.description)
    }

    static func normalize(_ rules: [SecurityRuleInfo], field: String) throws -> [SecurityRuleInfo] {
        try rules.enumerated().map { try normalize($1, field: "\(field)[\($0)]") }
    }

    private static func port(_ text: String, field: String) throws -> Int {
        if text.isEmpty { return -1 }
        guard let value = Int(text), value == -1 || (0...65535).contains(value) else {
            throw MockError.invalid(field, "'\(text)' is not a port number (1...65535, or -1 for all)")
        }
        return value
    }

    /// `inbound tcp 22-22 0.0.0.0/0`, for messages.
    static func describe(_ rule: SecurityRuleInfo) -> String {
        "\(rule.Direction) \(rule.IPProtocol) \(rule.FromPort)-\(rule.ToPort) \(rule.CIDR ?? "0.0.0.0/0")"
    }
}
