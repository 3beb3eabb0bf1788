// vmspec.*: instance types of the connection's region (DescribeInstanceTypes, paged by NextToken,
// cached for a while): vCPUs and clock, memory in MiB, instance storage, GPUs. The org answers pass
// on AWS's own record as JSON.
import SpiderDriverKit
import SpiderModels

extension AWSConnection {
    func listVMSpecs(_ context: CallContext) throws -> VMSpecList {
        let region = try ec2().region
        return VMSpecList(try allInstanceTypes(context).map { Self.vmSpecInfo($0, region: region) })
    }

    func getVMSpec(_ request: NameRequest, _ context: CallContext) throws -> VMSpecInfo {
        let ec2 = try ec2()
        return Self.vmSpecInfo(try describeInstanceType(request.Name, ec2, context), region: ec2.region)
    }

    func originalVMSpecs(_ context: CallContext) throws -> [String: JSONValue] {
        ["VMSpecInfo": .array(try allInstanceTypes(context).map(\.json))]
    }

    func originalVMSpec(_ request: NameRequest, _ context: CallContext) throws -> [String: JSONValue] {
        ["VMSpecInfo": try describeInstanceType(request.Name, try ec2(), context).json]
    }

    /// Every instance type of the region, from the cache or all pages of DescribeInstanceTypes.
    func allInstanceTypes(_ context: CallContext) throws -> [XMLNode] {
        let ec2 = try ec2()
        return try compute.allInstanceTypes {
            var all: [XMLNode] = []
            var token = ""
            repeat {
                var params: EC2Params = ["MaxResults": "100"]
                if !token.isEmpty { params["NextToken"] = token }
                let page = try ec2.call("DescribeInstanceTypes", params, context: context)
                all += page.items("instanceTypeSet")
                token = page.string("nextToken")
            } while !token.isEmpty
            return all
        }
    }

    /// One instance type (from the cache when it is warm); NOT_FOUND for a name the region lacks.
    func describeInstanceType(_ name: String, _ ec2: EC2Client, _ context: CallContext?) throws -> XMLNode {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw DriverError.invalidArgument("Name: a VM spec (instance type) is required") }
        if let cached = compute.cachedInstanceTypes {
            guard let type = cached.first(where: { $0.string("instanceType") == trimmed }) else {
                throw DriverError.notFound("VM spec '\(trimmed)' does not exist in region \(ec2.region)")
            }
            return type
        }
        var params = EC2Params()
        params.list("InstanceType", [trimmed])
        do {
            guard let type = try ec2.call("DescribeInstanceTypes", params, context: context).items("instanceTypeSet").first else {
                throw DriverError.notFound("VM spec '\(trimmed)' does not exist in region \(ec2.region)")
            }
            return type
        } catch let error as DriverError where error.cloudError?.hasPrefix("InvalidInstanceType") == true {
            // AWS answers an unknown name as a bad parameter; for Spider it is a missing spec.
            throw DriverError(.notFound, "VM spec '\(trimmed)' does not exist in region \(ec2.region) (\(error.message))",
                              cloudError: error.cloudError)
        }
    }

    // MARK: shapes

    static func vmSpecInfo(_ type: XMLNode, region: String) -> VMSpecInfo {
        let clock = type.find("processorInfo")?.string("sustainedClockSpeedInGhz") ?? ""
        let storage = type.find("instanceStorageInfo")?.string("totalSizeInGB") ?? ""
        let gpus = type.items(at: "gpuInfo", "gpus").map { gpu -> GpuInfo in
            let count = Int(gpu.string("count")) ?? 0
            let memoryMiB = Int(gpu.find("memoryInfo")?.string("sizeInMiB") ?? "") ?? 0
            return GpuInfo(Count: gpu.string("count"), Mfr: gpu.string("manufacturer"), Model: gpu.string("name"),
                           MemSizeGB: memoryMiB > 0 ? String(memoryMiB / 1024) : nil,
                           TotalMemSizeGB: memoryMiB > 0 ? String(memoryMiB * count / 1024) : nil)
        }
        let architectures = type.items(at: "processorInfo", "supportedArchitectures").map(\.text).joined(separator: ",")
        return VMSpecInfo(
            Region: region, Name: type.string("instanceType"),
            VCpu: VCpuInfo(Count: type.find("vCpuInfo")?.string("defaultVCpus") ?? "", ClockGHz: clock.isEmpty ? nil : clock),
            MemSizeMiB: type.find("memoryInfo")?.string("sizeInMiB") ?? "",
            DiskSizeGB: storage.isEmpty ? "-1" : storage, Gpu: gpus.isEmpty ? nil : gpus,
            KeyValueList: keyValues([("SupportedArchitectures", architectures),
                                     ("CurrentGeneration", type.string("currentGeneration")),
                                     ("Hypervisor", type.string("hypervisor")),
                                     ("NetworkPerformance", type.find("networkInfo")?.string("networkPerformance") ?? ""),
                                     ("BurstablePerformanceSupported", type.string("burstablePerformanceSupported")),
                                     ("FreeTierEligible", type.string("freeTierEligible"))]))
    }
}
