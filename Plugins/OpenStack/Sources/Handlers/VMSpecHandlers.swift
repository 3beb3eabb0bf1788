// vmspec.*: Nova's flavors (microversion 2.61 lists their extra specs too): vCPUs, memory in MiB,
// root disk in GB, and GPUs where the extra specs ask for them (`pci_passthrough:alias` =
// "<alias>:<count>[,…]", `resources:VGPU` = <count>). The org answers pass Nova's record on.
import Foundation
import SpiderDriverKit
import SpiderModels

extension OpenStackConnection {
    static let flavorMicroversion = "2.61"

    func listVMSpecs(_ context: CallContext) throws -> VMSpecList {
        VMSpecList(try flavors(context).map { Self.vmSpecInfo($0, region: settings.region ?? "") })
    }

    func getVMSpec(_ request: NameRequest, _ context: CallContext) throws -> VMSpecInfo {
        Self.vmSpecInfo(try findFlavor(request.Name, context), region: settings.region ?? "")
    }

    func originalVMSpecs(_ context: CallContext) throws -> [String: JSONValue] {
        ["VMSpecInfo": .array(try flavors(context).map(\.jsonValue))]
    }

    func originalVMSpec(_ request: NameRequest, _ context: CallContext) throws -> [String: JSONValue] {
        ["VMSpecInfo": try findFlavor(request.Name, context).jsonValue]
    }

    func flavors(_ context: CallContext?) throws -> [JSON] {
        try api.call(.compute, "GET", "/flavors/detail", microversion: Self.flavorMicroversion, context: context)["flavors"].array
    }

    /// A flavor by name (what CB-Spider's VMSpecName is) or ID.
    func findFlavor(_ nameOrID: String, _ context: CallContext?) throws -> JSON {
        let wanted = nameOrID.trimmingCharacters(in: .whitespaces)
        guard !wanted.isEmpty else { throw DriverError.invalidArgument("Name: a VM spec (flavor) name is required") }
        let all = try flavors(context)
        guard let flavor = all.first(where: { $0["name"].string == wanted }) ?? all.first(where: { $0["id"].string == wanted }) else {
            throw DriverError.notFound("VM spec '\(wanted)' is not a flavor of region \(settings.region ?? "?") "
                                       + "(or not visible to this project)")
        }
        return flavor
    }

    // MARK: shapes

    static func vmSpecInfo(_ flavor: JSON, region: String) -> VMSpecInfo {
        var keyValues: [KeyValue] = [KeyValue(Key: "FlavorId", Value: flavor["id"].string)]
        for (key, field) in [("EphemeralGB", "OS-FLV-EXT-DATA:ephemeral"), ("SwapMiB", "swap"), ("RxTxFactor", "rxtx_factor"),
                             ("IsPublic", "os-flavor-access:is_public")] {
            let value = flavor[field].string
            if !value.isEmpty { keyValues.append(KeyValue(Key: key, Value: value)) }
        }
        for (key, value) in flavor["extra_specs"].entries { keyValues.append(KeyValue(Key: key, Value: value.string)) }
        let gpus = gpuInfo(flavor["extra_specs"])
        return VMSpecInfo(Region: region, Name: flavor["name"].string, VCpu: VCpuInfo(Count: flavor["vcpus"].string),
                          MemSizeMiB: flavor["ram"].string, DiskSizeGB: flavor["disk"].string,
                          Gpu: gpus.isEmpty ? nil : gpus, KeyValueList: keyValues)
    }

    /// GPUs a flavor's extra specs ask for.
    static func gpuInfo(_ extraSpecs: JSON) -> [GpuInfo] {
        var gpus: [GpuInfo] = []
        for alias in extraSpecs["pci_passthrough:alias"].string.split(separator: ",") {
            let parts = alias.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let name = parts.first, !name.isEmpty else { continue }
            let count = parts.count > 1 ? parts[1] : "1"
            gpus.append(GpuInfo(Count: count, Mfr: manufacturer(name), Model: name))
        }
        if let vgpus = extraSpecs["resources:VGPU"].int, vgpus > 0 {
            gpus.append(GpuInfo(Count: String(vgpus), Mfr: "NA", Model: "vGPU"))
        }
        return gpus
    }

    static func manufacturer(_ alias: String) -> String {
        let lower = alias.lowercased()
        for (hint, name) in [("nvidia", "NVIDIA"), ("tesla", "NVIDIA"), ("amd", "AMD"), ("radeon", "AMD"), ("intel", "Intel")]
        where lower.contains(hint) { return name }
        return "NA"
    }
}
