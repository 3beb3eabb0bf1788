// The work of `spctl deploy` on one connection: create VPC → security groups → key pair → VMs, or
// with --destroy delete them in reverse (VMs → key pair → security groups → VPC). It stops at the
// first failing step of its own connection and reports what it did; other connections are not
// its business. Runs on its own thread, so it talks to the host through the Sendable SpiderClient.
import Foundation
import SpiderClient

/// One REST call of a deploy.
struct DeployStep: Sendable {
    var type: String   // vpc, securitygroup, keypair, vm
    var name: String
    var label: String { "\(type) \(name)" }
}

/// How one connection's deploy (or destroy) went.
struct DeployResult: Sendable {
    var connection: String
    /// Created (deploy) or deleted (destroy), in order.
    var done: [DeployStep] = []
    /// Destroy only: what was not there any more (404).
    var alreadyGone: [DeployStep] = []
    var seconds = 0.0
    var failedStep: DeployStep?
    var error: String?
    var succeeded: Bool { error == nil }
}

struct DeployRunner: Sendable {
    let client: SpiderClient
    let connection: String
    let plan: DeployPlan
    /// Where private keys go (files `<connection>-<key>.pem`, mode 0600); nil: not kept.
    let keyFolder: String?
    /// How long to keep retrying a delete the host calls a conflict (a VM still shutting down holds its SG).
    var conflictRetries = 8

    var createSteps: [DeployStep] {
        [DeployStep(type: "vpc", name: plan.vpcName)]
            + plan.securityGroups.map { DeployStep(type: "securitygroup", name: $0.name) }
            + (plan.keyPair.map { [DeployStep(type: "keypair", name: $0)] } ?? [])
            + plan.vms.map { DeployStep(type: "vm", name: $0.name) }
    }

    var destroySteps: [DeployStep] { createSteps.reversed() }

    /// Runs every step in order; `report(index, step)` before each one (for the progress display).
    func run(destroy: Bool, report: (Int, Int, DeployStep) -> Void) -> DeployResult {
        let start = Date()
        var result = DeployResult(connection: connection)
        let steps = destroy ? destroySteps : createSteps
        for (i, step) in steps.enumerated() {
            report(i, steps.count, step)
            do {
                if destroy {
                    if try delete(step) { result.done.append(step) } else { result.alreadyGone.append(step) }
                } else {
                    try create(step)
                    result.done.append(step)
                }
            } catch {
                result.failedStep = step
                result.error = "\(error)"
                break
            }
        }
        result.seconds = Date().timeIntervalSince(start)
        return result
    }

    // MARK: create

    private func create(_ step: DeployStep) throws {
        switch step.type {
        case "vpc":
            var info: [String: Any] = ["Name": plan.vpcName, "IPv4_CIDR": plan.vpcCIDR, "SubnetInfoList": plan.subnets.map { s in
                var o: [String: Any] = ["Name": s.name, "IPv4_CIDR": s.cidr]
                if let zone = s.zone { o["Zone"] = zone }
                return o
            }]
            tag(&info)
            try post("/vpc", info)
        case "securitygroup":
            let group = plan.securityGroups.first { $0.name == step.name }!
            var info: [String: Any] = ["Name": group.name, "VPCName": plan.vpcName, "SecurityRules": group.rules.map {
                ["Direction": $0.direction, "IPProtocol": $0.proto, "FromPort": $0.from, "ToPort": $0.to, "CIDR": $0.cidr]
            }]
            tag(&info)
            try post("/securitygroup", info)
        case "keypair":
            var info: [String: Any] = ["Name": step.name]
            tag(&info)
            let answer = try post("/keypair", info)
            if let keyFolder {
                guard let key = answer["PrivateKey"] as? String, !key.isEmpty else {
                    throw SpctlFailure(.serverFailure, "key pair \(step.name) was created but the host sent no private key to save")
                }
                try PrivateKeyWriter.write(key, to: keyFolder, name: "\(connection)-\(step.name).pem")
            }
        default:
            let vm = plan.vms.first { $0.name == step.name }!
            var info: [String: Any] = ["Name": vm.name, "ImageName": vm.image, "VPCName": plan.vpcName, "SubnetName": vm.subnet,
                                       "SecurityGroupNames": vm.securityGroups, "VMSpecName": vm.spec, "KeyPairName": vm.keyPair]
            if let t = vm.imageType { info["ImageType"] = t }
            if let t = vm.rootDiskType { info["RootDiskType"] = t }
            if let s = vm.rootDiskSize { info["RootDiskSize"] = s }
            if let p = vm.vmPassword { info["VMUserPasswd"] = p }
            tag(&info)
            try post("/vm", info)
        }
    }

    private func tag(_ info: inout [String: Any]) {
        if !plan.tags.isEmpty { info["TagList"] = plan.tags.map { ["Key": $0.key, "Value": $0.value] } }
    }

    @discardableResult
    private func post(_ path: String, _ info: [String: Any]) throws -> [String: Any] {
        let r = try send("POST", path, ["ConnectionName": connection, "ReqInfo": info])
        guard (200..<300).contains(r.status) else { throw SpctlFailure.from(status: r.status, message: r.message) }
        return r.json
    }

    // MARK: destroy

    /// Deletes one resource; false when it was gone already (404).
    private func delete(_ step: DeployStep) throws -> Bool {
        var wait = 0.25
        for attempt in 0... {
            let r = try send("DELETE", "/\(step.type)/\(segment(step.name))", ["ConnectionName": connection])
            if (200..<300).contains(r.status) { return true }
            if r.status == 404 { return false }
            // In use, e.g. by a VM the cloud is still terminating: wait and try again, a few times.
            if r.status == 409, attempt < conflictRetries {
                Thread.sleep(forTimeInterval: wait)
                wait = min(wait * 2, 4)
                continue
            }
            throw SpctlFailure.from(status: r.status, message: r.message)
        }
        fatalError("unreachable")
    }

    private func send(_ method: String, _ path: String, _ json: [String: Any]) throws -> SpiderResponse {
        do {
            return try client.request(method, "/spider" + path, body: try JSONSerialization.data(withJSONObject: json))
        } catch let error as SpiderClientError {
            if case .noHost = error { throw SpctlFailure(.unreachable, "\(error)") }
            throw SpctlFailure(.serverFailure, "\(error)")
        }
    }
}

/// Private keys on disk: mode 0600 from the first byte, in a folder made 0700 when spctl creates it.
enum PrivateKeyWriter {
    static func write(_ key: String, to folder: String, name: String) throws {
        var isDir: ObjCBool = false
        if !FileManager.default.fileExists(atPath: folder, isDirectory: &isDir) {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } else if !isDir.boolValue {
            throw SpctlFailure(.usage, "--save-keys \(folder) is not a folder")
        }
        let path = (folder as NSString).appendingPathComponent(name)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SpctlFailure(.serverFailure, "cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        fchmod(fd, 0o600)  // an existing file keeps its old mode through O_TRUNC
        let bytes = Array(key.utf8)
        guard bytes.withUnsafeBytes({ Foundation.write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
            throw SpctlFailure(.serverFailure, "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
