// Request bodies of the cluster routes, in CB-Spider's REST shape (sizes and switches as strings).
import Foundation

extension Requests {
    static func nodeGroup(_ name: String, keyPair: String = "keypair-01", desired: String = "2", min: String = "1",
                          max: String = "3", autoscaling: String = "true", extra: [String: Any] = [:]) -> [String: Any] {
        var group: [String: Any] = [
            "Name": name, "KeyPairName": keyPair, "VMSpecName": "mock-vmspec-02", "OnAutoScaling": autoscaling,
            "DesiredNodeSize": desired, "MinNodeSize": min, "MaxNodeSize": max,
        ]
        group.merge(extra) { $1 }
        return group
    }

    /// A cluster in vpc-01/subnet-01 with sg-01 (the stack's), with these node groups.
    static func cluster(_ connection: String, _ name: String, version: String = "1.29", vpc: String = "vpc-01",
                        subnets: [String] = ["subnet-01"], securityGroups: [String] = ["sg-01"],
                        nodeGroups: [[String: Any]] = [], extra: [String: Any] = [:]) -> [String: Any] {
        var info: [String: Any] = [
            "Name": name, "Version": version, "VPCName": vpc, "SubnetNames": subnets,
            "SecurityGroupNames": securityGroups, "NodeGroupList": nodeGroups,
        ]
        info.merge(extra) { $1 }
        return ["ConnectionName": connection, "ReqInfo": info]
    }

    static func withInfo(_ connection: String, _ info: [String: Any]) -> [String: Any] {
        ["ConnectionName": connection, "ReqInfo": info]
    }
}
