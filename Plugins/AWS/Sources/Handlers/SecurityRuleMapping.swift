// Spider's security rules ↔ EC2's IpPermissions.
//   Spider: Direction inbound|outbound, IPProtocol tcp|udp|icmp|all, FromPort/ToPort ("-1" or ""
//           = every port), CIDR (default 0.0.0.0/0; IPv6 when it has a ':').
//   EC2:    IpProtocol tcp|udp|icmp|-1, FromPort/ToPort (tcp/udp every port = 0-65535; icmp type
//           and code, -1 = all), IpRanges.N.CidrIp / Ipv6Ranges.N.CidrIpv6.
// Reading back, tcp/udp 0-65535 and the `all` protocol show as "-1"/"-1", so a rule compares
// equal to the request that made it.
import Foundation
import SpiderDriverKit
import SpiderModels

enum SecurityRuleMapping {
    /// A rule in the normal form used for comparing and for the EC2 parameters (the kit's).
    static func normalize(_ rule: SecurityRuleInfo, field: String) throws -> SecurityRuleInfo {
        try SecurityRuleForm.normalize(rule, field: field)
    }

    static func normalize(_ rules: [SecurityRuleInfo], field: String) throws -> [SecurityRuleInfo] {
        try SecurityRuleForm.normalize(rules, field: field)
    }

    /// `IpPermissions.N.*` for normalized rules (all of one direction).
    static func permissions(_ rules: [SecurityRuleInfo]) -> EC2Params {
        var params = EC2Params()
        for (i, rule) in rules.enumerated() {
            let p = "IpPermissions.\(i + 1)"
            switch rule.IPProtocol {
            case "all":
                params.add("\(p).IpProtocol", "-1")
            case "tcp", "udp":
                params.add("\(p).IpProtocol", rule.IPProtocol)
                params.add("\(p).FromPort", rule.FromPort == "-1" ? "0" : rule.FromPort)
                params.add("\(p).ToPort", rule.ToPort == "-1" ? "65535" : rule.ToPort)
            default:
                params.add("\(p).IpProtocol", rule.IPProtocol)
                params.add("\(p).FromPort", rule.FromPort)
                params.add("\(p).ToPort", rule.ToPort)
            }
            let cidr = rule.CIDR ?? "0.0.0.0/0"
            if cidr.contains(":") {
                params.add("\(p).Ipv6Ranges.1.CidrIpv6", cidr)
            } else {
                params.add("\(p).IpRanges.1.CidrIp", cidr)
            }
        }
        return params
    }

    /// The rules of a DescribeSecurityGroups item: one per (permission, CIDR). Rules that name
    /// other groups or prefix lists instead of CIDRs are not Spider rules and are left out.
    static func rules(of group: XMLNode) -> [SecurityRuleInfo] {
        rules(group.items("ipPermissions"), direction: "inbound") + rules(group.items("ipPermissionsEgress"), direction: "outbound")
    }

    static func rules(_ permissions: [XMLNode], direction: String) -> [SecurityRuleInfo] {
        permissions.flatMap { permission -> [SecurityRuleInfo] in
            var proto = permission.string("ipProtocol").lowercased()
            if proto == "-1" { proto = "all" }
            var from = permission.string("fromPort"), to = permission.string("toPort")
            if from.isEmpty { from = "-1" }
            if to.isEmpty { to = "-1" }
            if proto == "all" || ((proto == "tcp" || proto == "udp") && from == "0" && to == "65535") { (from, to) = ("-1", "-1") }
            let cidrs = permission.items("ipRanges").map { $0.string("cidrIp") } + permission.items("ipv6Ranges").map { $0.string("cidrIpv6") }
            return cidrs.map { SecurityRuleInfo(FromPort: from, ToPort: to, IPProtocol: proto, Direction: direction, CIDR: $0) }
        }
    }

    /// `inbound tcp 22-22 0.0.0.0/0`, for messages.
    static func describe(_ rule: SecurityRuleInfo) -> String { SecurityRuleForm.describe(rule) }
}
