// myimage.*: AMIs this account owns, made from an instance (CreateImage without a reboot) and
// tagged Name=<Spider name>. Older AWS answers keep no link from an AMI to its instance, so the
// description names it too ("… from instance i-…") for SourceVM. Deleting deregisters the
// AMI and deletes the EBS snapshots it was made of (they would otherwise stay, and cost).
import Foundation
import SpiderDriverKit
import SpiderModels

extension AWSConnection {
    func snapshotVM(_ request: MyImageReqInfo, _ context: CallContext) throws -> MyImageInfo {
        let name = try requireName(request.IId.NameId)
        let ec2 = try ec2()
        let instance = try storageInstance(try requireSystemID(request.SourceVM, "VM", field: "SourceVM"), ec2, context)
        let instanceID = instance.string("instanceId")
        let state = instance.find("instanceState")?.string("name") ?? ""
        if ["shutting-down", "terminated"].contains(state) {
            throw DriverError.conflict("VM '\(request.SourceVM.NameId)' is \(state); it cannot be snapshotted")
        }
        var params: EC2Params = ["InstanceId": instanceID, "Name": name, "NoReboot": "true",
                                 "Description": "Spider MyImage '\(name)' from instance \(instanceID)"]
        params.tagSpecification("image", name: name, tags: request.TagList)
        let imageID = try ec2.call("CreateImage", params, context: context).string("imageId")
        guard !imageID.isEmpty else { throw DriverError.internal("aws CreateImage answered without an imageId") }
        return try myImageInfos([try imageRecord(imageID, ec2, context)], ec2, context)[0]
    }

    func listMyImages(_ context: CallContext) throws -> MyImageList {
        let ec2 = try ec2()
        var params = EC2Params()
        params.list("Owner", ["self"])
        return MyImageList(try myImageInfos(try ec2.call("DescribeImages", params, context: context).items("imagesSet"), ec2, context))
    }

    func getMyImage(_ request: IIDRequest, _ context: CallContext) throws -> MyImageInfo {
        let ec2 = try ec2()
        return try myImageInfos([try imageRecord(try requireSystemID(request.IId, "MyImage"), ec2, context)], ec2, context)[0]
    }

    func deleteMyImage(_ request: IIDRequest, _ context: CallContext) throws -> EmptyResult {
        let ec2 = try ec2()
        let image = try imageRecord(try requireSystemID(request.IId, "MyImage"), ec2, context)
        let snapshots = Self.snapshotIDs(image)
        _ = try ec2.call("DeregisterImage", ["ImageId": image.string("imageId")], context: context)
        for snapshot in snapshots {
            _ = try ec2.call("DeleteSnapshot", ["SnapshotId": snapshot], context: context)
        }
        return EmptyResult()
    }

    // MARK: steps

    /// An AMI this account owns (NOT_FOUND for an unknown, deregistered or foreign one).
    func imageRecord(_ imageID: String, _ ec2: EC2Client, _ context: CallContext) throws -> XMLNode {
        var params = EC2Params()
        params.list("ImageId", [imageID])
        params.list("Owner", ["self"])
        guard let image = try ec2.call("DescribeImages", params, context: context).items("imagesSet").first else {
            throw DriverError.notFound("MyImage \(imageID) does not exist")
        }
        return image
    }

    /// Images as MyImageInfo, each source VM named by its Name tag when it still exists.
    private func myImageInfos(_ images: [XMLNode], _ ec2: EC2Client, _ context: CallContext) throws -> [MyImageInfo] {
        let sources = Array(Set(images.compactMap(Self.sourceInstance))).sorted()
        var names: [String: String] = [:]
        if !sources.isEmpty {
            var params = EC2Params()
            params.filter("instance-id", sources)
            for instance in try ec2.call("DescribeInstances", params, context: context).items("reservationSet")
                .flatMap({ $0.items("instancesSet") }) {
                names[instance.string("instanceId")] = instance.spiderName()
            }
        }
        return images.map { Self.myImageInfo($0, sourceNames: names) }
    }

    // MARK: shapes

    /// The instance an AMI was made from: AWS's sourceInstanceId (newer answers), else the one
    /// named in the description CreateImage was given here ("… from instance i-…").
    static func sourceInstance(_ image: XMLNode) -> String? {
        let recorded = image.string("sourceInstanceId")
        if !recorded.isEmpty { return recorded }
        let description = image.string("description")
        guard let range = description.range(of: "from instance i-") else { return nil }
        let id = description[description.index(range.upperBound, offsetBy: -2)...].prefix { $0.isLetter || $0.isNumber || $0 == "-" }
        return id.count > 2 ? String(id) : nil
    }

    /// The EBS snapshots behind an AMI's block devices.
    static func snapshotIDs(_ image: XMLNode) -> [String] {
        image.items("blockDeviceMapping").compactMap { $0.find("ebs")?.string("snapshotId") }.filter { !$0.isEmpty }
    }

    static func myImageInfo(_ image: XMLNode, sourceNames: [String: String]) -> MyImageInfo {
        let source = sourceInstance(image).map { IID(NameId: sourceNames[$0] ?? "", SystemId: $0) }
        return MyImageInfo(IId: IID(NameId: image.spiderName(or: image.string("name")), SystemId: image.string("imageId")),
                           SourceVM: source, Status: image.string("imageState") == "available" ? .Available : .Unavailable,
                           CreatedTime: image.string("creationDate"), TagList: image.userTags,
                           KeyValueList: keyValues([("State", image.string("imageState")), ("Name", image.string("name")),
                                                    ("Architecture", image.string("architecture")),
                                                    ("PlatformDetails", image.string("platformDetails")),
                                                    ("RootDeviceName", image.string("rootDeviceName")),
                                                    ("SnapshotIds", snapshotIDs(image).joined(separator: ","))]))
    }
}
