// The storage part of the operation table: EBS disks, MyImages (AMIs) and EC2 tags. Kept apart
// from AWSConnection.operations so each handler family adds its operations in its own file.
import SpiderDriverKit
import SpiderModels

extension Operations where Connection == AWSConnection {
    func storageOperations() -> Operations {
        self
            // Disks (EBS volumes)
            .aws("disk.create") { (c, r: DiskReqInfo, ctx) in try c.createDisk(r, ctx) }
            .aws("disk.list") { (c, _: EmptyRequest, ctx) in try c.listDisks(ctx) }
            .aws("disk.get") { (c, r: IIDRequest, ctx) in try c.getDisk(r, ctx) }
            .aws("disk.delete") { (c, r: IIDRequest, ctx) in try c.deleteDisk(r, ctx) }
            .aws("disk.resize") { (c, r: DiskResizeReqInfo, ctx) in try c.resizeDisk(r, ctx) }
            .aws("disk.attach") { (c, r: DiskAttachReqInfo, ctx) in try c.attachDisk(r, ctx) }
            .aws("disk.detach") { (c, r: DiskAttachReqInfo, ctx) in try c.detachDisk(r, ctx) }
            // MyImages (AMIs made from instances)
            .aws("myimage.snapshot") { (c, r: MyImageReqInfo, ctx) in try c.snapshotVM(r, ctx) }
            .aws("myimage.list") { (c, _: EmptyRequest, ctx) in try c.listMyImages(ctx) }
            .aws("myimage.get") { (c, r: IIDRequest, ctx) in try c.getMyImage(r, ctx) }
            .aws("myimage.delete") { (c, r: IIDRequest, ctx) in try c.deleteMyImage(r, ctx) }
            // Tags
            .aws("tag.add") { (c, r: TagAddReqInfo, ctx) in try c.addTag(r, ctx) }
            .aws("tag.list") { (c, r: TagTargetRequest, ctx) in try c.listTags(r, ctx) }
            .aws("tag.get") { (c, r: TagKeyReqInfo, ctx) in try c.getTag(r, ctx) }
            .aws("tag.remove") { (c, r: TagKeyReqInfo, ctx) in try c.removeTag(r, ctx) }
            .aws("tag.find") { (c, r: TagFindReqInfo, ctx) in try c.findTags(r, ctx) }
    }
}
