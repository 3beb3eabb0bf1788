// Request bodies in CB-Spider's REST shape: {"ConnectionName": ..., "ReqInfo": {...}}.
import Foundation

enum Requests {
    static func vpc(_ connection: String, _ name: String, cidr: String = "10.0.0.0/16",
                    subnets: [(name: String, cidr: String)] = [("subnet-01", "10.0.1.0/24")]) -> [String: Any] {
        ["ConnectionName": connection, "ReqInfo": [
            "Name": name, "IPv4_CIDR": cidr,
            "SubnetInfoList": subnets.map { ["Name": $0.name, "IPv4_CIDR": $0.cidr] },
        ] as [String: Any]]
    }

    static func subnet(_ connection: String, _ name: String, cidr: String) -> [String: Any] {
        ["ConnectionName": connection, "ReqInfo": ["Name": name, "IPv4_CIDR": cidr]]
    }

    static func rule(_ from: String, _ to: String? = nil, protocol proto: String = "tcp", direction: String = "inbound",
                     cidr: String = "0.0.0.0/0") -> [String: String] {
        ["FromPort": from, "ToPort": to ?? from, "IPProtocol": proto, "Direction": direction, "CIDR": cidr]
    }

    static func securityGroup(_ connection: String, _ name: String, vpc: String, rules: [[String: String]]) -> [String: Any] {
        ["ConnectionName": connection, "ReqInfo": ["Name": name, "VPCName": vpc, "SecurityRules": rules] as [String: Any]]
    }

    static func rules(_ connection: String, _ rules: [[String: String]]) -> [String: Any] {
        ["ConnectionName": connection, "ReqInfo": ["RuleInfoList": rules]]
    }

    static func keyPair(_ connection: String, _ name: String) -> [String: Any] {
        ["ConnectionName": connection, "ReqInfo": ["Name": name]]
    }

    static func vm(_ connection: String, _ name: String, vpc: String, subnet: String, securityGroups: [String],
                   keyPair: String, image: String = "mock-vmimage-01", spec: String = "mock-vmspec-01") -> [String: Any] {
        ["ConnectionName": connection, "ReqInfo": [
            "Name": name, "ImageName": image, "VPCName": vpc, "SubnetName": subnet,
            "SecurityGroupNames": securityGroups, "VMSpecName": spec, "KeyPairName": keyPair,
        ] as [String: Any]]
    }

    /// Just the connection, for GET and DELETE requests that carry it in the body.
    static func connection(_ name: String) -> [String: Any] { ["ConnectionName": name] }
}
