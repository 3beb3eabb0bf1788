// Request bodies for the NLB routes, in CB-Spider's REST shape.
import Foundation

extension Requests {
    /// An NLB in `vpc` listening on TCP 80, forwarding to `vms` on TCP 8080, checked by TCP on 8080;
    /// `listener`, `group`, `checker` and `extra` override parts of ReqInfo.
    static func nlb(_ connection: String, _ name: String, vpc: String = "vpc-01", vms: [String] = ["vm-01"],
                    listener: [String: String] = ["Protocol": "TCP", "Port": "80"],
                    group: [String: String] = ["Protocol": "TCP", "Port": "8080"],
                    checker: [String: String] = ["Protocol": "TCP", "Port": "8080"],
                    extra: [String: Any] = [:]) -> [String: Any] {
        var groupInfo: [String: Any] = group
        groupInfo["VMs"] = vms
        var info: [String: Any] = ["Name": name, "VPCName": vpc, "Type": "PUBLIC", "Scope": "REGION",
                                   "Listener": listener, "VMGroup": groupInfo, "HealthChecker": checker]
        info.merge(extra) { $1 }
        return ["ConnectionName": connection, "ReqInfo": info]
    }

    /// For `POST` and `DELETE /spider/nlb/{Name}/vms`.
    static func nlbVMs(_ connection: String, _ vms: [String]) -> [String: Any] {
        ["ConnectionName": connection, "ReqInfo": ["VMs": vms]]
    }

    /// For `PUT /spider/nlb/{Name}/listener`, `/vmgroup` and `/healthchecker`.
    static func nlbChange(_ connection: String, _ info: [String: String]) -> [String: Any] {
        ["ConnectionName": connection, "ReqInfo": info]
    }
}
