// Spider's security rules in one normal form, whatever the cloud, so a rule read back compares
// equal to the request that made it:
//   Direction inbound|outbound (lower case), IPProtocol tcp|udp|icmp|all ("-1" = all),
//   FromPort/ToPort as numbers ("-1" = every port: also "" and tcp/udp 0-65535; icmp keeps type
//   and code as given), CIDR (default 0.0.0.0/0; IPv6 when it has a ':').
import Foundation
import SpiderModels

public enum SecurityRuleForm {
    /// The normal form of `rule`, or INVALID_ARGUMENT naming `field` and what is wrong.
    public static func normalize(_ rule: SecurityRuleInfo, field: String) throws -> SecurityRuleInfo {
        let direction = rule.Direction.lowercased()
        guard direction == "inbound" || direction == "outbound" else {
            throw DriverError.invalidArgument("\(field).Direction: '\(rule.Direction)' is not inbound or outbound")
        }
        var proto = rule.IPProtocol.lowercased()
        if proto == "-1" { proto = "all" }
        guard ["tcp", "udp", "icmp", "all"].contains(proto) else {
            throw DriverError.invalidArgument("\(field).IPProtocol: '\(rule.IPProtocol)' is not tcp, udp, icmp or all")
        }
        var from = try port(rule.FromPort, field: "\(field).FromPort")
        var to = try port(rule.ToPort, field: "\(field).ToPort")
        switch proto {
        case "all":
            (from, to) = (-1, -1)
        case "tcp", "udp":
            if from == -1 || to == -1 || (from == 0 && to == 65535) { (from, to) = (-1, -1) }
            guard from <= to else {
                throw DriverError.invalidArgument("\(field).FromPort: FromPort \(from) is greater than ToPort \(to)")
            }
        default: break   // icmp: type and code as given
        }
        var cidr = (rule.CIDR ?? "").trimmingCharacters(in: .whitespaces)
        if cidr.isEmpty { cidr = "0.0.0.0/0" }
        return SecurityRuleInfo(FromPort: String(from), ToPort: String(to), IPProtocol: proto, Direction: direction, CIDR: cidr)
    }

    public static func normalize(_ rules: [SecurityRuleInfo], field: String) throws -> [SecurityRuleInfo] {
        try rules.enumerated().map { try normalize($1, field: "\(field)[\($0)]") }
    }

    private static func port(_ text: String, field: String) throws -> Int {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.isEmpty { return -1 }
        guard let value = Int(t), (-1...65535).contains(value) else {
            throw DriverError.invalidArgument("\(field): '\(text)' is not a port number (0...65535, or -1 for all)")
        }
        return value
    }

    /// `inbound tcp 22-22 0.0.0.0/0`, for messages.
    public static func describe(_ rule: SecurityRuleInfo) -> String {
        "\(rule.Direction) \(rule.IPProtocol) \(rule.FromPort)-\(rule.ToPort) \(rule.CIDR ?? "0.0.0.0/0")"
    }
}
