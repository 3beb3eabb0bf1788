// A whole Mock resource set in one call, for tests that need one to exist.
import Foundation
import SpiderClient

/// The SystemIds of one VPC/subnet/SG/key pair/VM set, as their create calls returned them.
struct StackIDs: Equatable, Sendable {
    var vpc = "", subnet = "", securityGroup = "", keyPair = "", vm = ""
}

extension HostProcess {
    /// Creates vpc-01 (subnet-01), sg-01, keypair-01 and vm-01 on a Mock connection. Throws (without
    /// recording an issue, so it may run on any thread) when a step answers other than 200.
    @discardableResult
    func createStack(_ c: RegisteredConnection) throws -> StackIDs {
        func step(_ path: String, _ json: [String: Any]) throws -> [String: Any] {
            let r = try call("POST", path, json: json)
            guard r.status == 200 else { throw TestFailure("POST \(path) answered \(r.status): \(r.text)\n\(logTail())") }
            return r.json
        }
        func systemID(_ object: [String: Any]?) -> String {
            (object?["IId"] as? [String: Any])?["SystemId"] as? String ?? ""
        }
        var ids = StackIDs()
        let vpc = try step("/spider/vpc", Requests.vpc(c.name, "vpc-01"))
        ids.vpc = systemID(vpc)
        ids.subnet = systemID((vpc["SubnetInfoList"] as? [[String: Any]])?.first)
        ids.securityGroup = systemID(try step("/spider/securitygroup",
                                              Requests.securityGroup(c.name, "sg-01", vpc: "vpc-01", rules: [Requests.rule("22")])))
        ids.keyPair = systemID(try step("/spider/keypair", Requests.keyPair(c.name, "keypair-01")))
        ids.vm = systemID(try step("/spider/vm", Requests.vm(c.name, "vm-01", vpc: "vpc-01", subnet: "subnet-01",
                                                            securityGroups: ["sg-01"], keyPair: "keypair-01")))
        return ids
    }
}
