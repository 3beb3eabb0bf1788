// vm.start's data disks (DataDiskIIDs): checked before RunInstances, attached after it.
// Before: each disk exists, is named once, is available (not attached) and is in the subnet's zone,
// so a bad disk launches nothing. The subnet's zone costs one DescribeSubnets (kept a while: a
// subnet never moves), and the disks one DescribeVolumes for all of them.
// After: AWS refuses AttachVolume on a pending instance, so the start waits (within the call's
// deadline) for `running`, attaches each disk on a free /dev/sd[f-p] slot as disk.attach does, and
// waits until AWS shows them attached; that last DescribeInstances is the VM's answer. If any of
// this fails the new VM is terminated (its disks are not DeleteOnTermination, so they come back
// available): the host maps no VM for a failed start, and a VM Spider cannot see would only cost.
import Foundation
import SpiderDriverKit
import SpiderModels

extension AWSConnection {
    /// A data disk checked for a new VM: where it was in the request, and its volume.
    struct DataDisk {
        let index: Int
        let label: String
        let volumeID: String

        var field: String { "DataDiskIIDs[\(index)]" }
    }

    /// The zone of the VM's subnet, looked up only when data disks are given. The look-up also tells
    /// the subnet's VPC, which spares checkSubnet its own.
    func dataDiskZone(_ request: VMReqInfo, subnetID: String, _ ec2: EC2Client, _ context: CallContext) throws -> String? {
        guard !(request.DataDiskIIDs ?? []).isEmpty else { return nil }
        let subnet = try compute.reference("subnet \(subnetID)") {
            var params = EC2Params()
            params.list("SubnetId", [subnetID])
            guard let subnet = try ec2.call("DescribeSubnets", params, context: context).items("subnetSet").first else {
                throw DriverError.notFound("subnet '\(request.SubnetIID.NameId)' (\(subnetID)) does not exist")
            }
            return subnet
        }
        known.subnet(subnetID, in: subnet.string("vpcId"), made: false)
        return subnet.string("availabilityZone")
    }

    /// The request's data disks, each checked; nothing is launched when one is refused.
    func dataDisksToAttach(_ iids: [IID], zone: String?, subnetLabel: String, _ ec2: EC2Client,
                           _ context: CallContext) throws -> [DataDisk] {
        guard !iids.isEmpty else { return [] }
        guard iids.count <= EBSVolume.dataDeviceNames.count else {
            throw DriverError.invalidArgument("DataDiskIIDs: \(iids.count) disks, but an AWS VM has \(EBSVolume.dataDeviceNames.count) "
                                              + "device slots for them (/dev/sdf–/dev/sdp)")
        }
        var disks: [DataDisk] = []
        for (index, iid) in iids.enumerated() {
            let id = try requireSystemID(iid, "disk", field: "DataDiskIIDs[\(index)]")
            let disk = DataDisk(index: index, label: iid.NameId.isEmpty ? id : "'\(iid.NameId)' (\(id))", volumeID: id)
            if let first = disks.first(where: { $0.volumeID == id }) {
                throw DriverError.invalidArgument("\(disk.field): disk \(disk.label) is named twice (also \(first.field))")
            }
            disks.append(disk)
        }
        // A filter, not VolumeId.N: AWS answers VolumeId.N with one error for all missing disks, and
        // the answer here names the first missing one by its place in the request.
        var params = EC2Params()
        params.filter("volume-id", disks.map(\.volumeID))
        var volumes: [String: XMLNode] = [:]
        for volume in try ec2.call("DescribeVolumes", params, context: context).items("volumeSet") {
            volumes[volume.string("volumeId")] = volume
        }
        for disk in disks {
            guard let volume = volumes[disk.volumeID] else {
                throw DriverError.notFound("\(disk.field): disk \(disk.label) does not exist")
            }
            if let owner = Self.attachedInstance(volume) {
                let name = (try? storageInstance(owner, ec2, context))?.spiderName() ?? ""
                throw DriverError.conflict("\(disk.field): disk \(disk.label) is already attached to VM "
                                           + (name.isEmpty ? owner : "'\(name)' (\(owner))"))
            }
            let state = volume.string("status")
            guard state == "available" else {
                throw DriverError.conflict("\(disk.field): disk \(disk.label) is \(state), not available")
            }
            if let zone, volume.string("availabilityZone") != zone {
                throw DriverError.invalidArgument("\(disk.field): disk \(disk.label) is in zone \(volume.string("availabilityZone")), "
                                                  + "the VM's subnet '\(subnetLabel)' in zone \(zone)")
            }
        }
        return disks
    }

    /// Attaches the checked disks to the instance RunInstances just answered and returns the
    /// instance as AWS then describes it. On any failure the instance is terminated and the error
    /// (naming the disk when it was an attach) is thrown.
    func attachDataDisks(_ disks: [DataDisk], to launched: XMLNode, _ ec2: EC2Client, _ context: CallContext) throws -> XMLNode {
        let instanceID = launched.string("instanceId")
        do {
            var instance = launched
            if Self.state(of: instance) != "running" {
                instance = try waitForInstance(instanceID, ec2, context) { Self.state(of: $0) != "pending" }
            }
            let state = Self.state(of: instance)
            if state == "pending" {
                throw DriverError.retryable("VM \(instanceID) was still pending when the call's time ran out; its data disks "
                                            + "cannot be attached before it runs", afterMs: 5_000)
            }
            guard state == "running" else {
                throw DriverError.conflict("VM \(instanceID) is \(state), not running; its data disks cannot be attached")
            }
            var used = instance.items("blockDeviceMapping").map { $0.string("deviceName") } + [instance.string("rootDeviceName")]
            for disk in disks {
                // The count was checked before the launch; only the image's own mappings can fill the slots.
                guard let device = EBSVolume.freeDevice(used: used) else {
                    throw DriverError.conflict("\(disk.field): VM \(instanceID) has no free device slot (/dev/sdf–/dev/sdp) "
                                               + "for disk \(disk.label)")
                }
                used.append(device)
                do {
                    _ = try ec2.call("AttachVolume", ["VolumeId": disk.volumeID, "InstanceId": instanceID, "Device": device],
                                     context: context)
                } catch var error as DriverError {
                    error.message = "\(disk.field): disk \(disk.label) could not be attached: \(error.message)"
                    throw error
                }
            }
            return try waitForInstance(instanceID, ec2, context) { instance in
                let mappings = instance.items("blockDeviceMapping").compactMap { $0.find("ebs") }
                return disks.allSatisfy { disk in
                    mappings.contains { $0.string("volumeId") == disk.volumeID && $0.string("status") != "attaching" }
                }
            }
        } catch {
            let cleanup = terminateFailedStart(instanceID, ec2)
            guard var failure = error as? DriverError else { throw DriverError.internal("\(error)\(cleanup)") }
            failure.message += cleanup
            throw failure
        }
    }

    // MARK: steps

    /// Terminates a VM whose start failed after its launch; says how that went, for the error.
    /// No call context: the start's may be spent or cancelled, and the VM must not stay behind.
    private func terminateFailedStart(_ instanceID: String, _ ec2: EC2Client) -> String {
        var params = EC2Params()
        params.list("InstanceId", [instanceID])
        do {
            _ = try ec2.call("TerminateInstances", params, context: nil)
            return "; the new VM \(instanceID) was terminated"
        } catch {
            return "; terminating the new VM \(instanceID) failed too (\(error)), terminate it by hand"
        }
    }

    /// DescribeInstances until `settled` holds (Polling's bounds); then the instance as it is.
    private func waitForInstance(_ instanceID: String, _ ec2: EC2Client, _ context: CallContext,
                                 until settled: (XMLNode) -> Bool) throws -> XMLNode {
        try Polling.read(context, { try describeInstance(instanceID, ec2, context) }, until: settled)
    }

    private static func state(of instance: XMLNode) -> String {
        instance.find("instanceState")?.string("name") ?? ""
    }
}
