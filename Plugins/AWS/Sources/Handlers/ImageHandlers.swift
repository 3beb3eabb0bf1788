// image.*: public images. The list is the current OS families of Amazon and the distributions'
// publishers, asked with owner and name filters (never the whole public catalogue, which has tens
// of thousands) and cached for a while. An image is named by its AMI ID (Name and IId; AWS's image
// name is in KeyValueList), as VMs are started from one; a get by AWS's image name looks it up
// among those owners' images and the account's own.
import SpiderDriverKit
import SpiderModels

extension AWSConnection {
    /// Name patterns of the OS families listed (AWS's `name` filter, `*` as a wildcard).
    static let publicImageNamePatterns = [
        "al2023-ami-2023*", "amzn2-ami-hvm-*", "amzn-ami-hvm-*",
        "ubuntu/images/*ubuntu-*-server-*", "debian-*", "RHEL-*", "suse-sles-*",
        "Windows_Server-20*-English-Full-Base-*",
    ]

    /// Whose images are listed: Amazon, and the publishers of the distributions above
    /// (Canonical, Debian, Red Hat), whose images are not under Amazon's alias on AWS.
    static let publicImageOwners = ["amazon", "099720109477", "136693071363", "309956199498"]

    func listImages(_ context: CallContext) throws -> ImageList {
        let ec2 = try ec2()
        let images = try compute.publicImages {
            var params = EC2Params()
            params.list("Owner", Self.publicImageOwners)
            params.filter("name", Self.publicImageNamePatterns)
            params.filter("state", ["available"])
            params.filter("image-type", ["machine"])
            return try ec2.call("DescribeImages", params, context: context).items("imagesSet")
        }
        return ImageList(images.map(Self.imageInfo))
    }

    func getImage(_ request: NameRequest, _ context: CallContext) throws -> ImageInfo {
        Self.imageInfo(try describeImage(request.Name, try ec2(), context))
    }

    /// The DescribeImages item of an AMI ID (any owner) or of an image name (the listed owners' or the account's).
    func describeImage(_ name: String, _ ec2: EC2Client, _ context: CallContext?) throws -> XMLNode {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw DriverError.invalidArgument("Name: an image name or AMI ID is required") }
        var params = EC2Params()
        if trimmed.hasPrefix("ami-") {
            params.list("ImageId", [trimmed])
        } else {
            params.list("Owner", Self.publicImageOwners + ["self"])
            params.filter("name", [trimmed])
        }
        let found: [XMLNode]
        do {
            found = try ec2.call("DescribeImages", params, context: context).items("imagesSet")
        } catch let error as DriverError where error.cloudError?.hasPrefix("InvalidAMIID.Malformed") == true {
            throw DriverError(.notFound, "image '\(trimmed)' does not exist (\(error.message))", cloudError: error.cloudError)
        }
        // The newest of several images with one name (AWS's dates sort as text).
        guard let image = found.max(by: { $0.string("creationDate") < $1.string("creationDate") }) else {
            throw DriverError.notFound("image '\(trimmed)' does not exist in region \(ec2.region)")
        }
        return image
    }

    // MARK: shapes

    static func imageInfo(_ image: XMLNode) -> ImageInfo {
        let id = image.string("imageId")
        let root = rootDeviceMapping(of: image)
        return ImageInfo(
            IId: IID(NameId: id, SystemId: id), Name: id,
            OSArchitecture: image.string("architecture"), OSPlatform: osPlatform(of: image),
            OSDistribution: image.string("description").isEmpty ? image.string("name") : image.string("description"),
            OSDiskType: root?.find("ebs")?.string("volumeType") ?? "", OSDiskSizeGB: root?.find("ebs")?.string("volumeSize") ?? "",
            ImageStatus: imageStatus(image.string("imageState")),
            KeyValueList: keyValues([("ImageName", image.string("name")), ("OwnerId", image.string("imageOwnerId")),
                                     ("OwnerAlias", image.string("imageOwnerAlias")), ("CreationDate", image.string("creationDate")),
                                     ("RootDeviceName", image.string("rootDeviceName")),
                                     ("RootDeviceType", image.string("rootDeviceType")),
                                     ("VirtualizationType", image.string("virtualizationType")),
                                     ("BootMode", image.string("bootMode")),
                                     ("PlatformDetails", image.string("platformDetails"))]))
    }

    /// The block device mapping of the image's root device, if it lists one.
    static func rootDeviceMapping(of image: XMLNode) -> XMLNode? {
        let rootName = image.string("rootDeviceName")
        return image.items("blockDeviceMapping").first { $0.string("deviceName") == rootName }
    }

    /// "Windows" or "Linux/UNIX": AWS names Windows images in `platform` and leaves it out for Linux.
    static func osPlatform(of image: XMLNode) -> String {
        image.string("platform").lowercased() == "windows" || image.string("platformDetails").hasPrefix("Windows")
            ? "Windows" : "Linux/UNIX"
    }

    static func imageStatus(_ state: String) -> String {
        switch state {
        case "available": "Available"
        case "deregistered", "disabled": "Deprecated"
        default: "Unavailable"
        }
    }
}
