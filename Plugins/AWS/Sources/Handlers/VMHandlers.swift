// vm.start / vm.list / vm.get: RunInstances in a subnet with the given security groups on its
// primary network interface (with a public IP, as CB-Spider's VMs have), the key pair, the root
// disk's type and size, the Name tag (instance and root volume) and user data that creates cb-user
// (on a Windows image: sets Administrator's password, WindowsUserData.swift).
// References are checked with as few requests as give Spider's answers: the image (its platform and
// root device shape the request) and the spec, both kept a while; the subnet (that it is in the VPC;
// the VPC exists when it is) and the key pair (its public key goes into the user data), looked up
// only when this connection did not make them (KnownResources); the security groups are left to
// RunInstances (InvalidGroup.NotFound is NOT_FOUND), and the name to the host, which checks it is
// free before it calls (OPERATIONS.md, Conventions). So a warm launch is RunInstances alone.
import Foundation
import SpiderDriverKit
import SpiderModels

extension AWSConnection {
    static let ebsVolumeTypes: Set<String> = ["standard", "gp2", "gp3", "io1", "io2", "sc1", "st1"]

    func startVM(_ request: VMReqInfo, _ context: CallContext) throws -> VMInfo {
        let name = try requireName(request.IId.NameId)
        let imageType = request.ImageType.flatMap { $0.isEmpty ? nil : $0 } ?? "PublicImage"
        guard imageType == "PublicImage" || imageType == "MyImage" else {
            throw DriverError.invalidArgument("ImageType: '\(imageType)' is not PublicImage or MyImage")
        }
        let ec2 = try ec2()

        // References, in the order OPERATIONS.md names them.
        let imageRef = request.ImageIID.SystemId.isEmpty ? request.ImageIID.NameId : request.ImageIID.SystemId
        // Both kept a while per connection: a second VM of the same image and spec needs neither again.
        // Only public images: an own image (MyImage) may be deleted any time, and moto launches
        // from a missing AMI without a word, so it is looked up every time.
        let image = try compute.reference("image \(imageRef)", keep: { $0.string("isPublic") == "true" }) {
            try describeImage(imageRef, ec2, context)
        }
        _ = try compute.reference("type \(request.VMSpecName)") { try describeInstanceType(request.VMSpecName, ec2, context) }
        // Windows: Administrator's password, set by the user data (WindowsUserData.swift); Linux ignores it.
        let windows = Self.osPlatform(of: image) == "Windows"
        let windowsPassword = windows ? try WindowsUserData.checkedPassword(userId: request.VMUserId, password: request.VMUserPasswd) : nil
        let vpcID = try requireSystemID(request.VpcIID, "VPC", field: "VpcIID")
        let subnetID = try requireSystemID(request.SubnetIID, "subnet", field: "SubnetIID")
        let diskZone = try dataDiskZone(request, subnetID: subnetID, ec2, context)   // VMDataDisks.swift
        try checkSubnet(subnetID, label: request.SubnetIID.NameId, in: vpcID, vpcLabel: request.VpcIID.NameId, ec2, context)
        guard !request.SecurityGroupIIDs.isEmpty else {
            throw DriverError.invalidArgument("SecurityGroupIIDs: at least one security group is required")
        }
        var groupIDs: [String] = []
        for (index, iid) in request.SecurityGroupIIDs.enumerated() {
            let id = try requireSystemID(iid, "security group", field: "SecurityGroupIIDs[\(index)]")
            if !groupIDs.contains(id) { groupIDs.append(id) }
        }
        let key = try launchKey(request.KeyPairIID, ec2, context)
        let rootDisk = try Self.rootDisk(request, image: image)
        let dataDisks = try dataDisksToAttach(request.DataDiskIIDs ?? [], zone: diskZone, subnetLabel: request.SubnetIID.NameId,
                                              ec2, context)

        var params: EC2Params = ["ImageId": image.string("imageId"), "InstanceType": request.VMSpecName,
                                 "MinCount": "1", "MaxCount": "1", "KeyName": key.name]
        params.add("NetworkInterface.1.DeviceIndex", "0")
        params.add("NetworkInterface.1.SubnetId", subnetID)
        params.list("NetworkInterface.1.SecurityGroupId", groupIDs)
        params.add("NetworkInterface.1.AssociatePublicIpAddress", "true")
        params.add("NetworkInterface.1.DeleteOnTermination", "true")
        // The root device is always named: its volume then goes with the VM whatever the image says
        // (an AMI may keep it after termination), and sits where the image says (moto otherwise puts
        // it at /dev/sda1 whatever the image's root device, and it would show as a data disk).
        let rootDevice = image.string("rootDeviceName")
        let rootSize = rootDisk?.size.map(String.init) ?? Self.rootDeviceMapping(of: image)?.find("ebs")?.string("volumeSize") ?? ""
        if !rootDevice.isEmpty && (rootDisk != nil || !rootSize.isEmpty) {
            params.add("BlockDeviceMapping.1.DeviceName", rootDevice)
            params.add("BlockDeviceMapping.1.Ebs.DeleteOnTermination", "true")
            if !rootSize.isEmpty { params.add("BlockDeviceMapping.1.Ebs.VolumeSize", rootSize) }
            if let type = rootDisk?.type { params.add("BlockDeviceMapping.1.Ebs.VolumeType", type) }
        }
        if let windowsPassword {
            params["UserData"] = WindowsUserData.base64(password: windowsPassword)
        } else if !key.publicKey.isEmpty {
            params["UserData"] = VMUserData.base64(user: Self.defaultVMUser, publicKey: key.publicKey)
        }
        params.tagSpecification("instance", name: name, tags: request.TagList)
        params.tagSpecification("volume", name: name, tags: request.TagList)

        let reply = try ec2.call("RunInstances", params, context: context)
        guard let launched = reply.items("instancesSet").first, !launched.string("instanceId").isEmpty else {
            throw DriverError.internal("aws RunInstances answered without an instanceId")
        }
        let instanceID = launched.string("instanceId")
        // AWS answers a pending instance without its public IP and root volume: read back once then.
        // (moto's answer has both.) The root disk, key ID and image ownership are known from the
        // request and the references.
        let complete = !launched.string("ipAddress").isEmpty && !launched.items("blockDeviceMapping").isEmpty
        let instance = !dataDisks.isEmpty ? try attachDataDisks(dataDisks, to: launched, ec2, context)
            : complete ? launched : try describeInstance(instanceID, ec2, context)
        let imageRoot = Self.rootDeviceMapping(of: image)?.find("ebs")
        let root = RootVolume(id: Self.rootVolumeID(of: instance) ?? "",
                              type: rootDisk?.type ?? imageRoot?.string("volumeType") ?? "",
                              size: rootDisk?.size.map(String.init) ?? imageRoot?.string("volumeSize") ?? "")
        let owner = reply.string("ownerId")
        return Self.vmInfo(instance, region: ec2.region, rootVolume: root, keyID: key.id,
                           myImage: !owner.isEmpty && image.string("imageOwnerId") == owner,
                           rebooting: compute.isRebooting(instanceID))
    }

    func listVMs(_ context: CallContext) throws -> VMList {
        let ec2 = try ec2()
        var filter = EC2Params()
        filter.filter("instance-state-name", VMStatusMapping.liveStates)
        return VMList(try vmInfos(try describeInstances(filter, ec2, context), ec2, context))
    }

    func getVM(_ request: IIDRequest, _ context: CallContext) throws -> VMInfo {
        let ec2 = try ec2()
        let instance = try describeInstance(try requireSystemID(request.IId, "VM"), ec2, context)
        guard instance.find("instanceState")?.string("name") != "terminated" else {
            throw DriverError.notFound("VM '\(request.IId.NameId)' (\(request.IId.SystemId)) is terminated")
        }
        return try vmInfos([instance], ec2, context)[0]
    }

    // MARK: steps

    /// Every instance the filter selects, over all pages.
    func describeInstances(_ params: EC2Params, _ ec2: EC2Client, _ context: CallContext?) throws -> [XMLNode] {
        var all: [XMLNode] = []
        var token = ""
        repeat {
            var page = params
            if !token.isEmpty { page["NextToken"] = token }
            let reply = try ec2.call("DescribeInstances", page, context: context)
            all += reply.items("reservationSet").flatMap { $0.items("instancesSet") }
            token = reply.string("nextToken")
        } while !token.isEmpty
        return all
    }

    /// One instance by its ID (AWS answers InvalidInstanceID.NotFound for an unknown one).
    func describeInstance(_ instanceID: String, _ ec2: EC2Client, _ context: CallContext?) throws -> XMLNode {
        var params = EC2Params()
        params.list("InstanceId", [instanceID])
        guard let instance = try describeInstances(params, ec2, context).first else {
            throw DriverError.notFound("VM \(instanceID) does not exist")
        }
        return instance
    }

    /// The key pair's name and public key (for cb-user's user data): remembered from its create
    /// here, else looked up (NOT_FOUND for a missing key).
    private func launchKey(_ iid: IID, _ ec2: EC2Client, _ context: CallContext) throws
        -> (id: String, name: String, publicKey: String) {
        let id = try requireSystemID(iid, "key pair", field: "KeyPairIID")
        if let key = known.keyPair(id) { return (id, key.name, key.publicKey) }
        let key = try describeKeyPair(iid, ec2, context)
        return (Self.keyID(key), key.string("keyName"), key.string("publicKey"))
    }

    /// The root disk's size and type when the request sets either; nil keeps the image's own.
    static func rootDisk(_ request: VMReqInfo, image: XMLNode) throws -> (size: Int?, type: String?)? {
        let sizeText = (request.RootDiskSize ?? "").trimmingCharacters(in: .whitespaces)
        let typeText = (request.RootDiskType ?? "").trimmingCharacters(in: .whitespaces)
        var size: Int?
        if !sizeText.isEmpty && sizeText.lowercased() != "default" {
            guard let value = Int(sizeText), value > 0 else {
                throw DriverError.invalidArgument("RootDiskSize: '\(sizeText)' is not a size in GB")
            }
            let imageSize = Int(rootDeviceMapping(of: image)?.find("ebs")?.string("volumeSize") ?? "") ?? 0
            guard value >= imageSize else {
                throw DriverError.invalidArgument("RootDiskSize: \(value) GB is smaller than image \(image.string("imageId"))'s "
                                                  + "root disk (\(imageSize) GB)")
            }
            size = value
        }
        var type: String?
        if !typeText.isEmpty && typeText.lowercased() != "default" {
            guard ebsVolumeTypes.contains(typeText) else {
                throw DriverError.invalidArgument("RootDiskType: '\(typeText)' is not an EBS volume type ("
                                                  + ebsVolumeTypes.sorted().joined(separator: ", ") + ")")
            }
            type = typeText
        }
        return size == nil && type == nil ? nil : (size, type)
    }

    /// VMInfo for instances, with what the instance record lacks fetched once for all of them:
    /// root volumes (type and size), key-pair IDs and which images are the account's own (MyImage).
    func vmInfos(_ instances: [XMLNode], _ ec2: EC2Client, _ context: CallContext?) throws -> [VMInfo] {
        guard !instances.isEmpty else { return [] }
        let rootVolumeIDs = instances.compactMap { Self.rootVolumeID(of: $0) }
        var volumes: [String: XMLNode] = [:]
        if !rootVolumeIDs.isEmpty {
            var params = EC2Params()
            params.filter("volume-id", rootVolumeIDs)
            for volume in try ec2.call("DescribeVolumes", params, context: context).items("volumeSet") {
                volumes[volume.string("volumeId")] = volume
            }
        }
        var keyIDs: [String: String] = [:]
        let keyNames = Set(instances.map { $0.string("keyName") }.filter { !$0.isEmpty })
        if !keyNames.isEmpty {
            var params = EC2Params()
            params.filter("key-name", keyNames.sorted())
            for key in try ec2.call("DescribeKeyPairs", params, context: context).items("keySet") {
                keyIDs[key.string("keyName")] = Self.keyID(key)
            }
        }
        var ownImages: Set<String> = []
        let imageIDs = Set(instances.map { $0.string("imageId") }.filter { !$0.isEmpty })
        if !imageIDs.isEmpty {
            var params = EC2Params()
            params.list("Owner", ["self"])
            params.filter("image-id", imageIDs.sorted())
            ownImages = Set(try ec2.call("DescribeImages", params, context: context).items("imagesSet").map { $0.string("imageId") })
        }
        return instances.map { instance in
            Self.vmInfo(instance, region: ec2.region, rootVolume: Self.rootVolumeID(of: instance).flatMap { volumes[$0] },
                        keyID: keyIDs[instance.string("keyName")], myImage: ownImages.contains(instance.string("imageId")),
                        rebooting: compute.isRebooting(instance.string("instanceId")))
        }
    }

    // MARK: shapes

    /// The root EBS volume as a VM's answer shows it.
    struct RootVolume {
        var id: String
        var type: String
        var size: String
    }

    static func rootVolumeID(of instance: XMLNode) -> String? {
        let root = instance.string("rootDeviceName")
        let id = instance.items("blockDeviceMapping").first { $0.string("deviceName") == root }?.find("ebs")?.string("volumeId")
        return id?.isEmpty == false ? id : nil
    }

    /// The instance's security groups: its own groupSet, or its primary interface's (the same on
    /// AWS; moto fills only the interface's when the groups came with the interface).
    static func securityGroups(of instance: XMLNode) -> [IID] {
        var groups = instance.items("groupSet")
        if groups.isEmpty {
            let interfaces = instance.items("networkInterfaceSet")
            let primary = interfaces.first { $0.find("attachment")?.string("deviceIndex") == "0" } ?? interfaces.first
            groups = primary?.items("groupSet") ?? []
        }
        return groups.map { IID(NameId: $0.string("groupName"), SystemId: $0.string("groupId")) }
    }

    /// VMInfo with the root volume as DescribeVolumes answers it.
    static func vmInfo(_ instance: XMLNode, region: String, rootVolume: XMLNode?, keyID: String?, myImage: Bool,
                       rebooting: Bool) -> VMInfo {
        vmInfo(instance, region: region,
               rootVolume: rootVolume.map { RootVolume(id: $0.string("volumeId"), type: $0.string("volumeType"), size: $0.string("size")) },
               keyID: keyID, myImage: myImage, rebooting: rebooting)
    }

    static func vmInfo(_ instance: XMLNode, region: String, rootVolume: RootVolume?, keyID: String?, myImage: Bool,
                       rebooting: Bool) -> VMInfo {
        let id = instance.string("instanceId")
        let windows = instance.string("platform").lowercased() == "windows"
        let publicIP = instance.string("ipAddress"), privateIP = instance.string("privateIpAddress")
        let accessIP = publicIP.isEmpty ? privateIP : publicIP
        let port = windows ? "3389" : "22"
        let rootName = instance.string("rootDeviceName")
        let dataDisks = instance.items("blockDeviceMapping").filter { $0.string("deviceName") != rootName }
            .compactMap { $0.find("ebs")?.string("volumeId") }.filter { !$0.isEmpty }
        let interfaces = instance.items("networkInterfaceSet")
        let primary = interfaces.first { $0.find("attachment")?.string("deviceIndex") == "0" } ?? interfaces.first
        let keyName = instance.string("keyName")
        let state = instance.find("instanceState")?.string("name") ?? ""
        let imageID = instance.string("imageId")
        return VMInfo(
            IId: IID(NameId: instance.spiderName(), SystemId: id), StartTime: instance.string("launchTime"),
            Region: RegionInfo(Region: region, Zone: instance.find("placement")?.string("availabilityZone") ?? ""),
            ImageType: myImage ? "MyImage" : "PublicImage", ImageIId: IID(NameId: imageID, SystemId: imageID),
            VMSpecName: instance.string("instanceType"),
            VpcIID: IID(NameId: "", SystemId: instance.string("vpcId")),
            SubnetIID: IID(NameId: "", SystemId: instance.string("subnetId")),
            SecurityGroupIIds: securityGroups(of: instance),
            KeyPairIId: IID(NameId: keyName, SystemId: keyID ?? keyName),
            RootDiskType: rootVolume?.type ?? "", RootDiskSize: rootVolume?.size ?? "",
            RootDeviceName: rootName, DataDiskIIDs: dataDisks.isEmpty ? nil : dataDisks.map { IID(NameId: "", SystemId: $0) },
            VMBootDisk: rootName, VMBlockDisk: rootName,
            VMUserId: windows ? "Administrator" : defaultVMUser,
            NetworkInterface: primary?.string("networkInterfaceId") ?? "",
            PublicIP: publicIP, PublicDNS: instance.string("dnsName").isEmpty ? nil : instance.string("dnsName"),
            PrivateIP: privateIP, PrivateDNS: instance.string("privateDnsName").isEmpty ? nil : instance.string("privateDnsName"),
            Platform: windows ? "WINDOWS" : "LINUX",
            SSHAccessPoint: accessIP.isEmpty || windows ? nil : "\(accessIP):22",
            AccessPoint: accessIP.isEmpty ? "" : "\(accessIP):\(port)",
            TagList: instance.userTags,
            KeyValueList: keyValues([("State", state), ("Status", VMStatusMapping.status(awsState: state, rebooting: rebooting).rawValue),
                                     ("Architecture", instance.string("architecture")),
                                     ("Hypervisor", instance.string("hypervisor")),
                                     ("VirtualizationType", instance.string("virtualizationType")),
                                     ("RootDeviceType", instance.string("rootDeviceType")),
                                     ("RootVolumeId", rootVolume?.id ?? "")]))
    }
}
