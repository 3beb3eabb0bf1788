// MyImages: snapshot a VM into a machine image, list, get and delete. A VM starts from one with
// `ImageType: MyImage` (see VMRoutes).
import SpiderModels

enum MyImageRoutes {
    static func add(to r: inout Router) {
        r.add(.POST, "/spider/myimage") { app, req in
            let info = try req.decode(ConnectionRequest<MyImageSnapshotInfo>.self, what: "MyImage snapshot request").ReqInfo
            try validateName(info.Name, field: "ReqInfo.Name")
            try validateName(info.SourceVM, field: "ReqInfo.SourceVM")
            let gw = try kind.gateway(app, req)
            let request = MyImageReqInfo(IId: IID(NameId: info.Name), SourceVM: try gw.iid(.vm, info.SourceVM), TagList: info.TagList)
            let image = try gw.create(gw.key(.myimage, info.Name), { try gw.run("myimage.snapshot", request, as: MyImageInfo.self) },
                                      systemID: { $0.IId.SystemId })
            return try .json(present(image, gw))
        }
        kind.addListAndGet(to: &r)
        kind.addDelete(to: &r)
    }

    static let kind = ResourceKind<MyImageInfo, MyImageList>(
        type: .myimage, path: "/spider/myimage", capability: \.myImageHandler, capabilityName: "myImageHandler",
        operationPrefix: "myimage", items: \.myImage, makeList: MyImageList.init, iid: \.IId, present: present)

    static func present(_ image: MyImageInfo, _ gw: DriverGateway) -> MyImageInfo {
        var out = image
        out.IId = gw.userIID(image.IId, .myimage)
        out.SourceVM = image.SourceVM.map { gw.userIID($0, .vm) }
        return out
    }
}
