// myimage.*: a MyImage is a snapshot of a server (Nova's createImage, microversion 2.45 answers
// the image's ID), which Glance holds as an image of the project with `image_type=snapshot` and
// the server's ID in `instance_uuid`. The snapshot waits until Glance says `active`; one that ends
// otherwise (killed, deleted) is an error and is removed. Delete is Glance's. A VM starts from one
// with ImageType "MyImage".
import Foundation
import SpiderDriverKit
import SpiderModels

extension OpenStackConnection {
    static let snapshotMicroversion = "2.45"

    func snapshotVM(_ request: MyImageReqInfo, _ context: CallContext) throws -> MyImageInfo {
        let name = try requireNewName(request.IId.NameId)
        let vmID = try requireOpenStackID(request.SourceVM, "VM", field: "SourceVM")
        _ = try server(vmID, context)   // NOT_FOUND for a VM that is gone
        let imageID = try api.call(.compute, "POST", "/servers/\(vmID)/action", body: ["createImage": ["name": name]],
                                   microversion: Self.snapshotMicroversion, context: context)["image_id"].string
        guard !imageID.isEmpty else { throw DriverError.internal("openstack nova: createImage answered without image_id") }
        let settled = try Polling.read(context, everyMs: 250, { try self.glanceImage(imageID, context) }, until: { image in
            ["active", "killed", "deleted", "deactivated"].contains(image["status"].string)
        })
        guard settled["status"].string == "active" else {
            _ = try? api.call(.image, "DELETE", "/images/\(imageID)", context: nil)
            throw DriverError(.internal, "openstack: MyImage '\(name)' did not become active in Glance (status \(settled["status"].string))",
                              cloudError: "image status \(settled["status"].string)")
        }
        return Self.myImageInfo(settled)
    }

    func listMyImages(_ context: CallContext) throws -> MyImageList {
        let project = try api.projectID(context)
        return MyImageList(try glanceImages("owner=\(project)", context).filter { $0["image_type"].string == "snapshot" }
            .map(Self.myImageInfo))
    }

    func getMyImage(_ request: IIDRequest, _ context: CallContext) throws -> MyImageInfo {
        Self.myImageInfo(try glanceImage(try requireOpenStackID(request.IId, "MyImage"), context))
    }

    func deleteMyImage(_ request: IIDRequest, _ context: CallContext) throws -> EmptyResult {
        try api.call(.image, "DELETE", "/images/\(try requireOpenStackID(request.IId, "MyImage"))", context: context)
        return EmptyResult()
    }

    func glanceImage(_ id: String, _ context: CallContext?) throws -> JSON {
        try api.call(.image, "GET", "/images/\(urlEncoded(id))", context: context)
    }

    static func myImageInfo(_ image: JSON) -> MyImageInfo {
        let source = image["instance_uuid"].string
        return MyImageInfo(IId: IID(NameId: image["name"].string, SystemId: image["id"].string),
                           SourceVM: source.isEmpty ? nil : IID(NameId: "", SystemId: source),
                           Status: image["status"].string == "active" ? .Available : .Unavailable,
                           CreatedTime: image["created_at"].string,
                           KeyValueList: nonEmptyKeyValues([("GlanceStatus", image["status"].string), ("Size", image["size"].string),
                                                            ("DiskFormat", image["disk_format"].string),
                                                            ("Visibility", image["visibility"].string)]))
    }
}
