// Request bodies for the disk and MyImage routes, in CB-Spider's REST shape.
import Foundation

extension Requests {
    static func disk(_ connection: String, _ name: String, type: String? = nil, size: String? = nil,
                     zone: String? = nil) -> [String: Any] {
        var info: [String: Any] = ["Name": name]
        if let type { info["DiskType"] = type }
        if let size { info["DiskSize"] = size }
        if let zone { info["Zone"] = zone }
        return ["ConnectionName": connection, "ReqInfo": info]
    }

    static func diskSize(_ connection: String, _ size: String) -> [String: Any] {
        ["ConnectionName": connection, "ReqInfo": ["Size": size]]
    }

    /// For `PUT /spider/disk/{Name}/attach` and `/detach`.
    static func diskVM(_ connection: String, _ vm: String) -> [String: Any] {
        ["ConnectionName": connection, "ReqInfo": ["VMName": vm]]
    }

    static func myImage(_ connection: String, _ name: String, sourceVM: String) -> [String: Any] {
        ["ConnectionName": connection, "ReqInfo": ["Name": name, "SourceVM": sourceVM]]
    }

    /// vm-NN in vpc-01/subnet-01 with sg-01 and keypair-01 (see `createStack`), with extra ReqInfo fields.
    static func vmInStack(_ connection: String, _ name: String, image: String = "mock-vmimage-01",
                          extra: [String: Any] = [:]) -> [String: Any] {
        var body = vm(connection, name, vpc: "vpc-01", subnet: "subnet-01", securityGroups: ["sg-01"], keyPair: "keypair-01",
                      image: image)
        var info = body["ReqInfo"] as? [String: Any] ?? [:]
        info.merge(extra) { $1 }
        body["ReqInfo"] = info
        return body
    }
}
