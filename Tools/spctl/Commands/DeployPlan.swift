// infra.json for `spctl deploy`: one description of a VPC, security groups, a key pair and VMs,
// with the values that differ per cloud (image, spec, disks) given once as defaults and overridden
// per connection. Read strictly: an unknown key is a usage error naming its place, so a typo
// never deploys something else than what was meant.
import Foundation

/// What `deploy` creates on one connection, every value resolved for that connection.
struct DeployPlan: Sendable {
    struct Subnet: Sendable { var name, cidr: String; var zone: String? }
    struct Rule: Sendable { var direction, proto, from, to, cidr: String }
    struct SecurityGroup: Sendable { var name: String; var rules: [Rule] }
    struct VM: Sendable {
        var name, subnet: String
        var securityGroups: [String]
        var keyPair, image, spec: String
        var imageType, rootDiskType, rootDiskSize: String?
        /// VMUserPasswd: required on Windows images (the Administrator password), ignored on Linux.
        var vmPassword: String?
    }

    var vpcName, vpcCIDR: String
    var subnets: [Subnet]
    var securityGroups: [SecurityGroup]
    var keyPair: String?
    var vms: [VM]
    var tags: [(key: String, value: String)]
}

/// The file as read: the shared description plus the per-connection overrides.
struct InfraFile {
    /// Values a connection (or one VM on a connection) may override.
    struct Overrides {
        var image, imageType, spec, rootDiskType, rootDiskSize, vmPassword: String?
        var vms: [String: Overrides] = [:]

        /// `other`'s values where it has them, else ours.
        func overlaid(by other: Overrides?) -> Overrides {
            guard let other else { return self }
            return Overrides(image: other.image ?? image, imageType: other.imageType ?? imageType, spec: other.spec ?? spec,
                             rootDiskType: other.rootDiskType ?? rootDiskType, rootDiskSize: other.rootDiskSize ?? rootDiskSize,
                             vmPassword: other.vmPassword ?? vmPassword)
        }
    }

    var vpcName = "", vpcCIDR = ""
    var subnets: [DeployPlan.Subnet] = []
    var securityGroups: [DeployPlan.SecurityGroup] = []
    var keyPair: String?
    /// Each VM's own fields; its image/spec etc. are overrides on top of `defaults`.
    var vms: [(name: String, subnet: String?, securityGroups: [String]?, keyPair: String?, own: Overrides)] = []
    var defaults = Overrides()
    var connections: [String: Overrides] = [:]
    var tags: [(key: String, value: String)] = []

    static let help = """
        infra.json: only "vpc" (with at least one subnet) is required; the names are the same on every connection.
          {
            "vpc": {"name": "vpc-01", "cidr": "10.0.0.0/16", "subnets": [
              {"name": "subnet-01", "cidr": "10.0.1.0/24", "zone": "(optional)"}]},
            "securityGroups": [{"name": "sg-01", "rules": [
              {"direction": "inbound", "protocol": "tcp", "from": 22, "to": 22,
               "cidr": "0.0.0.0/0"}]}],
            "keyPair": {"name": "key-01"},
            "vms": [{"name": "vm-01", "subnet": "subnet-01",
                     "securityGroups": ["sg-01"], "keyPair": "key-01"}],
            "defaults": {"image": "ubuntu-22.04", "spec": "small-2cpu"},
            "connections": {
              "aws-ohio": {"image": "ami-0abcd", "spec": "t3.small"},
              "gcp-tokyo": {"spec": "e2-small",
                            "vms": {"vm-01": {"rootDiskSize": "50"}}}},
            "tags": {"project": "demo"}
          }
        image, imageType, spec, rootDiskType, rootDiskSize, vmPassword: a VM's own value (in "vms") overrides "defaults", the connection's value overrides both, and the connection's "vms" entry for that VM overrides everything. Every VM needs an image and a spec on every connection, else nothing starts (exit 2). vmPassword is the Administrator password a Windows image needs (ignored on Linux; never printed).
        A VM's subnet defaults to the first subnet, its security groups to all of them, its key pair to "keyPair". A rule's direction defaults to inbound, protocol to tcp, "to" to "from", cidr to 0.0.0.0/0. "tags" go on every resource. An unknown key is an error (exit 2).
        """

    /// Reads the file at `path` ("-": standard input).
    static func load(_ path: String) throws -> InfraFile {
        let bytes = path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: path)
        guard let bytes else { throw SpctlFailure(.usage, "cannot read \(path)") }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: bytes)
        } catch {
            throw SpctlFailure(.usage, "\(path) is not valid JSON: \((error as NSError).userInfo[NSDebugDescriptionErrorKey] ?? error)")
        }
        do {
            return try parse(JSONObject(parsed, at: ""))
        } catch let failure as SpctlFailure {
            throw SpctlFailure(failure.code, "\(path): \(failure.description)")
        }
    }

    static func parse(_ root: JSONObject) throws -> InfraFile {
        var file = InfraFile()
        try root.only(["vpc", "securityGroups", "keyPair", "vms", "defaults", "connections", "tags"])
        let vpc = try root.object("vpc", required: true)!
        try vpc.only(["name", "cidr", "subnets"])
        file.vpcName = try vpc.string("name", required: true)!
        file.vpcCIDR = try vpc.string("cidr", required: true)!
        for s in try vpc.objects("subnets") {
            try s.only(["name", "cidr", "zone"])
            file.subnets.append(.init(name: try s.string("name", required: true)!, cidr: try s.string("cidr", required: true)!,
                                      zone: try s.string("zone")))
        }
        guard !file.subnets.isEmpty else { throw SpctlFailure(.usage, "vpc.subnets: at least one subnet is needed") }

        for g in try root.objects("securityGroups") {
            try g.only(["name", "rules"])
            var rules: [DeployPlan.Rule] = []
            for r in try g.objects("rules") {
                try r.only(["direction", "protocol", "from", "to", "cidr"])
                let from = try r.string("from", required: true)!
                rules.append(.init(direction: try r.string("direction") ?? "inbound", proto: try r.string("protocol") ?? "tcp",
                                   from: from, to: try r.string("to") ?? from, cidr: try r.string("cidr") ?? "0.0.0.0/0"))
            }
            file.securityGroups.append(.init(name: try g.string("name", required: true)!, rules: rules))
        }
        if let k = try root.object("keyPair") {
            try k.only(["name"])
            file.keyPair = try k.string("name", required: true)!
        }
        for v in try root.objects("vms") {
            try v.only(["name", "subnet", "securityGroups", "keyPair"] + overrideKeys)
            file.vms.append((name: try v.string("name", required: true)!, subnet: try v.string("subnet"),
                             securityGroups: try v.strings("securityGroups"), keyPair: try v.string("keyPair"),
                             own: try overrides(v, allowVMs: false, checked: true)))
        }
        // A VM can only use the file's own subnets and security groups: they live in the file's VPC.
        for (i, vm) in file.vms.enumerated() {
            if let subnet = vm.subnet, !file.subnets.contains(where: { $0.name == subnet }) {
                throw SpctlFailure(.usage, "vms[\(i)].subnet '\(subnet)' is not one of vpc.subnets")
            }
            for group in vm.securityGroups ?? [] where !file.securityGroups.contains(where: { $0.name == group }) {
                throw SpctlFailure(.usage, "vms[\(i)].securityGroups: '\(group)' is not one of securityGroups")
            }
        }
        if let d = try root.object("defaults") {
            file.defaults = try overrides(d, allowVMs: false)
        }
        if let c = try root.object("connections") {
            for name in c.keys {
                let o = try c.object(name)!
                file.connections[name] = try overrides(o, allowVMs: true)
            }
        }
        if let t = try root.object("tags") {
            file.tags = try t.keys.map { ($0, try t.string($0, required: true)!) }
        }
        return file
    }

    static let overrideKeys = ["image", "imageType", "spec", "rootDiskType", "rootDiskSize", "vmPassword"]

    private static func overrides(_ o: JSONObject, allowVMs: Bool, checked: Bool = false) throws -> Overrides {
        if !checked { try o.only(overrideKeys + (allowVMs ? ["vms"] : [])) }
        var out = Overrides(image: try o.string("image"), imageType: try o.string("imageType"), spec: try o.string("spec"),
                            rootDiskType: try o.string("rootDiskType"), rootDiskSize: try o.string("rootDiskSize"),
                            vmPassword: try o.string("vmPassword"))
        if allowVMs, let vms = try o.object("vms") {
            for name in vms.keys {
                let v = try vms.object(name)!
                out.vms[name] = try overrides(v, allowVMs: false)
            }
        }
        return out
    }

    /// Everything resolved for one connection; a VM without an image or spec there is a usage error.
    func plan(for connection: String) throws -> DeployPlan {
        let perConnection = connections[connection]
        let vmPlans = try vms.map { vm -> DeployPlan.VM in
            let values = defaults.overlaid(by: vm.own).overlaid(by: perConnection).overlaid(by: perConnection?.vms[vm.name])
            func need(_ value: String?, _ what: String) throws -> String {
                guard let value, !value.isEmpty else {
                    throw SpctlFailure(.usage, "VM '\(vm.name)' has no \(what) for connection '\(connection)': give \"\(what)\" in defaults, the VM or connections.\(connection)")
                }
                return value
            }
            guard let key = vm.keyPair ?? keyPair else {
                throw SpctlFailure(.usage, "VM '\(vm.name)' needs a key pair: give \"keyPair\" in the file or in the VM")
            }
            return DeployPlan.VM(name: vm.name, subnet: vm.subnet ?? subnets[0].name,
                                 securityGroups: vm.securityGroups ?? securityGroups.map(\.name), keyPair: key,
                                 image: try need(values.image, "image"), spec: try need(values.spec, "spec"),
                                 imageType: values.imageType, rootDiskType: values.rootDiskType, rootDiskSize: values.rootDiskSize,
                                 vmPassword: values.vmPassword)
        }
        return DeployPlan(vpcName: vpcName, vpcCIDR: vpcCIDR, subnets: subnets, securityGroups: securityGroups, keyPair: keyPair,
                          vms: vmPlans, tags: tags)
    }
}

/// A JSON object being read, with the place it has in the file for error messages.
struct JSONObject {
    let place: String
    private let values: [String: Any]

    init(_ value: Any, at place: String) throws {
        guard let o = value as? [String: Any] else { throw SpctlFailure(.usage, "\(place.isEmpty ? "the file" : place) must be a JSON object ({...})") }
        self.place = place
        values = o
    }

    var keys: [String] { values.keys.sorted() }

    /// Fails on any other key (a typo, or something deploy does not do) before anything is read.
    func only(_ allowed: [String]) throws {
        let unknown = Set(values.keys).subtracting(allowed).sorted()
        guard unknown.isEmpty else {
            throw SpctlFailure(.usage, "\(place.isEmpty ? "" : place + ": ")unknown key\(unknown.count > 1 ? "s" : "") \(unknown.map { "'\($0)'" }.joined(separator: ", ")); known here: \(allowed.joined(separator: ", "))")
        }
    }

    func object(_ key: String, required: Bool = false) throws -> JSONObject? {
        guard let v = try take(key, required) else { return nil }
        return try JSONObject(v, at: inside(key))
    }

    func objects(_ key: String) throws -> [JSONObject] {
        guard let v = try take(key, false) else { return [] }
        guard let list = v as? [Any] else { throw SpctlFailure(.usage, "\(inside(key)) must be a list ([...])") }
        return try list.enumerated().map { try JSONObject($1, at: "\(inside(key))[\($0)]") }
    }

    /// A string; numbers (ports, sizes) are taken as their text.
    func string(_ key: String, required: Bool = false) throws -> String? {
        guard let v = try take(key, required) else { return nil }
        if let s = v as? String { return s }
        if let n = v as? NSNumber, String(cString: n.objCType) != "c" { return n.stringValue }
        throw SpctlFailure(.usage, "\(inside(key)) must be a string")
    }

    func strings(_ key: String) throws -> [String]? {
        guard let v = try take(key, false) else { return nil }
        guard let list = v as? [String] else { throw SpctlFailure(.usage, "\(inside(key)) must be a list of strings") }
        return list
    }

    private func inside(_ key: String) -> String { place.isEmpty ? key : "\(place).\(key)" }

    private func take(_ key: String, _ required: Bool) throws -> Any? {
        guard let v = values[key], !(v is NSNull) else {
            if required { throw SpctlFailure(.usage, "\(inside(key)) is required") }
            return nil
        }
        return v
    }
}
