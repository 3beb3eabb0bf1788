// The storage part of the operation table: Cinder disks, MyImages (server snapshots in Glance) and tags.
import SpiderDriverKit
import SpiderModels

extension Operations where Connection == OpenStackConnection {
    func storageOperations() -> Operations {
        self
            .openstack("disk.create") { (c, r: DiskReqInfo, ctx) in try c.createDisk(r, ctx) }
            .openstack("disk.list") { (c, _: EmptyRequest, ctx) in try c.listDisks(ctx) }
            .openstack("disk.get") { (c, r: IIDRequest, ctx) in try c.getDisk(r, ctx) }
            .openstack("disk.delete") { (c, r: IIDRequest, ctx) in try c.deleteDisk(r, ctx) }
            .openstack("disk.resize") { (c, r: DiskResizeReqInfo, ctx) in try c.resizeDisk(r, ctx) }
            .openstack("disk.attach") { (c, r: DiskAttachReqInfo, ctx) in try c.attachDisk(r, ctx) }
            .openstack("disk.detach") { (c, r: DiskAttachReqInfo, ctx) in try c.detachDisk(r, ctx) }
            .openstack("myimage.snapshot") { (c, r: MyImageReqInfo, ctx) in try c.snapshotVM(r, ctx) }
            .openstack("myimage.list") { (c, _: EmptyRequest, ctx) in try c.listMyImages(ctx) }
            .openstack("myimage.get") { (c, r: IIDRequest, ctx) in try c.getMyImage(r, ctx) }
            .openstack("myimage.delete") { (c, r: IIDRequest, ctx) in try c.deleteMyImage(r, ctx) }
            .openstack("tag.add") { (c, r: TagAddReqInfo, ctx) in try c.addTag(r, ctx) }
            .openstack("tag.list") { (c, r: TagTargetRequest, ctx) in try c.listTags(r, ctx) }
            .openstack("tag.get") { (c, r: TagKeyReqInfo, ctx) in try c.getTag(r, ctx) }
            .openstack("tag.remove") { (c, r: TagKeyReqInfo, ctx) in try c.removeTag(r, ctx) }
            .openstack("tag.find") { (c, r: TagFindReqInfo, ctx) in try c.findTags(r, ctx) }
    }
}
