// myimage.*: a snapshot of a VM's root disk. It remembers the public image the VM came from (so a
// VM started from it gets that image's platform and OS) and the root disk's type and size (the
// least a VM started from it may have). Deleting an image leaves the VMs started from it running,
// as real clouds do.
import SpiderDriverKit
import SpiderModels

struct MyImageRecord: Codable, Sendable, Identified {
    var sequence: Int
    var stored: Encoded<MyImageInfo>
    var info: MyImageInfo { get { stored.value } set { stored.value = newValue } }
    /// The public image the source VM was started from.
    var sourceImage: String
    var rootDiskType: String
    var rootDiskSizeGB: Int
    var iid: IID { info.IId }

    enum CodingKeys: String, CodingKey { case sequence, stored = "info", sourceImage, rootDiskType, rootDiskSizeGB }
}

extension MockConnection {
    func snapshotVM(_ request: MyImageReqInfo) throws -> MyImageInfo {
        let name = try requireName(request.IId.NameId, field: "IId.NameId")
        guard !request.SourceVM.NameId.isEmpty || !request.SourceVM.SystemId.isEmpty else {
            throw MockError.invalid("SourceVM", "NameId or SystemId is required")
        }
        return try mutate { state, now in
            guard !state.myImages.hasName(name) else { throw MockError.exists("MyImage", name, in: "region '\(region)'") }
            guard let vm = state.vm(request.SourceVM, at: now) else { throw MockError.notFound("VM", request.SourceVM.label) }
            let status = vm.status(at: now)
            guard status != .Terminating else {
                throw DriverError.conflict("VM '\(vm.iid.NameId)' is Terminating; it cannot be snapshotted")
            }
            let id = SystemID.make("ami") { state.myImages[$0] != nil }
            let source = state.publicImage(of: vm.info)
            let info = MyImageInfo(
                IId: IID(NameId: name, SystemId: id), SourceVM: vm.iid, Status: .Available,
                CreatedTime: WallClock.rfc3339(now), TagList: request.TagList,
                KeyValueList: [KeyValue(Key: "SourceImage", Value: source),
                               KeyValue(Key: "Platform", Value: vm.info.Platform),
                               KeyValue(Key: "RootDiskSize", Value: vm.info.RootDiskSize)])
            state.myImages[id] = MyImageRecord(sequence: state.takeSequence(), stored: Encoded(info), sourceImage: source,
                                               rootDiskType: vm.info.RootDiskType,
                                               rootDiskSizeGB: Int(vm.info.RootDiskSize) ?? 0)
            return info
        }
    }

    func listMyImages() -> MyImageList {
        MyImageList(snapshot().myImages.inCreationOrder.map(\.info))
    }

    func getMyImage(_ request: IIDRequest) throws -> EncodedJSON {
        let image = try snapshot().myImages.require(request.IId, "MyImage")
        return image.stored.answer
    }

    func deleteMyImage(_ request: IIDRequest) throws -> EmptyResult {
        try mutate { state, _ in
            let image = try state.myImages.require(request.IId, "MyImage")
            state.myImages[image.iid.SystemId] = nil
            return EmptyResult()
        }
    }
}

extension RegionState {
    /// The public image behind a VM: its own image, or the one behind the MyImage it came from.
    func publicImage(of vm: VMInfo) -> String {
        guard vm.ImageType == "MyImage" else { return vm.ImageIId.SystemId }
        return myImages[vm.ImageIId.SystemId]?.sourceImage
            ?? vm.KeyValueList?.first { $0.Key == "SourceImage" }?.Value
            ?? vm.ImageIId.SystemId
    }
}

/// What a new VM boots from: a public image, or a MyImage and the public image behind it.
struct BootImage {
    var image: ImageInfo
    /// The VM's ImageIId.
    var iid: IID
    /// The smallest root disk a VM from it may have, in GB.
    var minimumRootGB: Int
    var rootDiskType: String
    /// For messages: "image 'mock-vmimage-01'" or "MyImage 'image-01'".
    var label: String
    /// Kept on the VM so its origin is known after the MyImage is deleted.
    var keyValues: [KeyValue]?
}

extension RegionState {
    func bootImage(_ imageType: String, _ iid: IID) throws -> BootImage {
        guard imageType == "MyImage" else {
            guard let image = Catalogue.image(iid.SystemId) ?? Catalogue.image(iid.NameId) else {
                throw MockError.notFound("image", iid.label)
            }
            return BootImage(image: image, iid: IID(NameId: iid.NameId.isEmpty ? image.Name : iid.NameId, SystemId: image.Name),
                             minimumRootGB: Int(image.OSDiskSizeGB) ?? 0, rootDiskType: image.OSDiskType,
                             label: "image '\(image.Name)'")
        }
        let myImage = try myImages.require(iid, "MyImage")
        guard let image = Catalogue.image(myImage.sourceImage) else {
            throw DriverError.internal("MyImage '\(myImage.iid.NameId)' refers to unknown image '\(myImage.sourceImage)'")
        }
        return BootImage(image: image, iid: myImage.iid,
                         minimumRootGB: max(myImage.rootDiskSizeGB, Int(image.OSDiskSizeGB) ?? 0),
                         rootDiskType: myImage.rootDiskType, label: "MyImage '\(myImage.iid.NameId)'",
                         keyValues: [KeyValue(Key: "SourceImage", Value: myImage.sourceImage)])
    }
}
