// MyImages over the socket on the Mock driver: snapshot a VM, list, get, start VMs from the image
// (platform and OS follow the source), delete; and the errors.
import Foundation
import SpiderClient
import SpiderModels
import Testing

@Suite("MyImages")
struct MyImageTests {
    @Test("snapshot a VM, list, get, start a VM from it, delete")
    func lifecycle() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "myimage")
        let q = c.query
        let ids = try host.createStack(c)

        let image = try host.must("POST", "/spider/myimage", json: Requests.myImage(c.name, "image-01", sourceVM: "vm-01"))
            .decode(MyImageInfo.self)
        #expect(image.IId.NameId == "image-01" && !image.IId.SystemId.isEmpty)
        #expect(image.Status == .Available)
        #expect(image.SourceVM == IID(NameId: "vm-01", SystemId: ids.vm))
        #expect(!image.CreatedTime.isEmpty)

        let listed = try host.must("GET", "/spider/myimage" + q)
        #expect(listed.list("myImage").count == 1, "CB-Spider's list key is myImage: \(listed.text)")
        #expect(try listed.decode(MyImageList.self).myImage.map(\.IId) == [image.IId])
        let got = try host.must("GET", "/spider/myimage/image-01" + q).decode(MyImageInfo.self)
        #expect(got.IId == image.IId && got.SourceVM == image.SourceVM)

        let vm = try host.must("POST", "/spider/vm", json: Requests.vmInStack(c.name, "vm-02", image: "image-01",
                                                                             extra: ["ImageType": "MyImage", "VMUserPasswd": "Spider-Win2"]))
            .decode(VMInfo.self)
        #expect(vm.ImageType == "MyImage")
        #expect(vm.ImageIId == image.IId)
        #expect(vm.Platform == "LINUX")
        #expect(try host.must("GET", "/spider/vm/vm-02" + q).decode(VMInfo.self).ImageIId == image.IId)

        // Deleting the image leaves the VM started from it; the source VM may go first, too.
        try host.must("DELETE", "/spider/vm/vm-01" + q)
        try host.must("DELETE", "/spider/myimage/image-01" + q)
        try host.expect("GET", "/spider/myimage/image-01" + q, status: 404, mentioning: ["image-01"])
        #expect(try host.must("GET", "/spider/myimage" + q).decode(MyImageList.self).myImage.isEmpty)
        #expect(try host.must("GET", "/spider/vm/vm-02" + q).decode(VMInfo.self).ImageType == "MyImage")
    }

    @Test("a VM from a MyImage takes the source's platform and at least its root disk")
    func platformFollowsSource() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "myimagewin")
        try host.createStack(c)
        let windows = try host.must("POST", "/spider/vm", json: Requests.vmInStack(c.name, "win-01", image: "mock-vmimage-06",
                                                                                  extra: ["RootDiskSize": "60", "VMUserPasswd": "Spider-Win1"]))
            .decode(VMInfo.self)
        #expect(windows.Platform == "WINDOWS")
        try host.must("POST", "/spider/myimage", json: Requests.myImage(c.name, "win-image", sourceVM: "win-01"))

        let fromImage = try host.must("POST", "/spider/vm", json: Requests.vmInStack(c.name, "win-02", image: "win-image",
                                                                                    extra: ["ImageType": "MyImage", "VMUserPasswd": "Spider-Win2"]))
            .decode(VMInfo.self)
        #expect(fromImage.Platform == "WINDOWS")
        #expect(fromImage.RootDiskSize == "60")
        // Smaller than the snapshot's root disk is refused.
        try host.expect("POST", "/spider/vm", json: Requests.vmInStack(c.name, "win-03", image: "win-image",
                                                                      extra: ["ImageType": "MyImage", "RootDiskSize": "40",
                                                                                               "VMUserPasswd": "Spider-Win3"]),
                        status: 400, mentioning: ["RootDiskSize", "60", "MyImage 'win-image'"])
    }

    @Test("unknown names 404, duplicates 409, bad input 400, no myImageHandler 501")
    func errors() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "myimageerr")
        let q = c.query
        try host.createStack(c)
        try host.must("POST", "/spider/myimage", json: Requests.myImage(c.name, "image-01", sourceVM: "vm-01"))

        try host.expect("POST", "/spider/myimage", json: Requests.myImage(c.name, "image-02", sourceVM: "no-vm"),
                        status: 404, mentioning: ["no-vm"])
        try host.expect("POST", "/spider/myimage", json: Requests.myImage(c.name, "image-01", sourceVM: "vm-01"),
                        status: 409, mentioning: ["image-01"])
        try host.expect("POST", "/spider/myimage", json: Requests.myImage(c.name, "image-02", sourceVM: ""),
                        status: 400, mentioning: ["ReqInfo.SourceVM"])
        try host.expect("POST", "/spider/myimage", json: Requests.myImage(c.name, "", sourceVM: "vm-01"),
                        status: 400, mentioning: ["ReqInfo.Name"])
        try host.expect("GET", "/spider/myimage/nope" + q, status: 404, mentioning: ["nope"])
        try host.expect("DELETE", "/spider/myimage/nope" + q, status: 404, mentioning: ["nope"])
        try host.expect("POST", "/spider/vm", json: Requests.vmInStack(c.name, "vm-x", image: "nope", extra: ["ImageType": "MyImage"]),
                        status: 404, mentioning: ["nope"])
        try host.expect("POST", "/spider/vm", json: Requests.vmInStack(c.name, "vm-x", extra: ["ImageType": "Snapshot"]),
                        status: 400, mentioning: ["ImageType", "Snapshot"])
        // A public image name is not a MyImage, and a MyImage name is not a public image.
        try host.expect("POST", "/spider/vm", json: Requests.vmInStack(c.name, "vm-x", extra: ["ImageType": "MyImage"]),
                        status: 404, mentioning: ["mock-vmimage-01"])
        try host.expect("POST", "/spider/vm", json: Requests.vmInStack(c.name, "vm-x", image: "image-01"),
                        status: 404, mentioning: ["image-01"])
        try host.expect("GET", "/spider/vm/vm-x" + q, status: 404)

        let ce = try Fixtures.registerCExample(host)
        try host.expect("GET", "/spider/myimage" + ce.query, status: 501, mentioning: ["myImageHandler"])
        try host.expect("POST", "/spider/myimage", json: Requests.myImage(ce.name, "i1", sourceVM: "vm-01"),
                        status: 501, mentioning: ["myImageHandler"])
        try host.expect("DELETE", "/spider/myimage/i1" + ce.query, status: 501, mentioning: ["myImageHandler"])
        host.expectReady()
    }

    @Test("a VM from a MyImage needs myImageHandler, data disks need diskHandler (501 naming them)")
    func vmStartNeedsCapabilities() throws {
        let host = try HostProcess(driversDirs: [], ownDrivers: true, start: false)
        try MockVariant.stage(into: host.ownDriversDir, capabilities: ["myImageHandler": false, "diskHandler": false])
        try host.start()
        let c = try Fixtures.register(host, driver: Fixtures.mockDriverName, provider: "MOCK", library: "libspider-driver-mock.so",
                                      tag: "novmextras", credentials: [("MockName", "tenant-novmextras-\(UUID().uuidString.prefix(8))")],
                                      region: [("Region", "default")])
        try host.createStack(c)
        try host.expect("POST", "/spider/vm", json: Requests.vmInStack(c.name, "vm-x", image: "img", extra: ["ImageType": "MyImage"]),
                        status: 501, mentioning: ["myImageHandler"])
        try host.expect("POST", "/spider/vm", json: Requests.vmInStack(c.name, "vm-x", extra: ["DataDiskNames": ["d1"]]),
                        status: 501, mentioning: ["diskHandler", "DataDiskNames"])
        try host.expect("GET", "/spider/vm/vm-x" + c.query, status: 404)
    }
}
