// Disks over the socket on the Mock driver: lifecycle, attach/detach rules, resize (grow only),
// data disks at VM start, state across a restart, and the 501s (no diskHandler, no zoneBasedControl).
import Foundation
import SpiderClient
import SpiderModels
import Testing

@Suite("Disks")
struct DiskTests {
    @Test("create, list, get, resize, attach, detach and delete; terminating a VM detaches its disks")
    func lifecycle() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "disk")
        let q = c.query
        let ids = try host.createStack(c)

        let d1 = try host.must("POST", "/spider/disk", json: Requests.disk(c.name, "disk-01", type: "default", size: "default"))
            .decode(DiskInfo.self)
        #expect(d1.IId.NameId == "disk-01" && !d1.IId.SystemId.isEmpty)
        #expect(d1.Status == .Available)
        #expect(d1.DiskType == "SSD" && d1.DiskSize == "100")
        #expect(d1.Zone == "default-a", "an empty zone is the connection's zone")
        #expect(d1.OwnerVM?.SystemId ?? "" == "")
        #expect(!d1.CreatedTime.isEmpty)
        // Another zone: the Mock declares zoneBasedControl.
        let d2 = try host.must("POST", "/spider/disk", json: Requests.disk(c.name, "disk-02", type: "HDD", size: "50", zone: "default-b"))
            .decode(DiskInfo.self)
        #expect(d2.Zone == "default-b" && d2.DiskType == "HDD" && d2.DiskSize == "50")

        #expect(try host.must("GET", "/spider/disk" + q).decode(DiskList.self).disk.map(\.IId) == [d1.IId, d2.IId])
        #expect(try host.must("GET", "/spider/disk/disk-01" + q).decode(DiskInfo.self).IId == d1.IId)

        let grown = try host.must("PUT", "/spider/disk/disk-01/size", json: Requests.diskSize(c.name, "200"))
        #expect(grown.json["Result"] as? String == "true")
        #expect(try disk(host, "disk-01", q).DiskSize == "200")

        let vm = IID(NameId: "vm-01", SystemId: ids.vm)
        let attached = try host.must("PUT", "/spider/disk/disk-01/attach", json: Requests.diskVM(c.name, "vm-01")).decode(DiskInfo.self)
        #expect(attached.Status == .Attached)
        #expect(attached.OwnerVM == vm)
        #expect(try disk(host, "disk-01", q).OwnerVM == vm)
        #expect(try host.must("GET", "/spider/vm/vm-01" + q).decode(VMInfo.self).DataDiskIIDs == [d1.IId])
        // Growing an attached disk is allowed.
        try host.must("PUT", "/spider/disk/disk-01/size", json: Requests.diskSize(c.name, "250"))

        let detached = try host.must("PUT", "/spider/disk/disk-01/detach", json: Requests.diskVM(c.name, "vm-01"))
        #expect(detached.json["Result"] as? String == "true")
        let free = try disk(host, "disk-01", q)
        #expect(free.Status == .Available && free.OwnerVM?.SystemId ?? "" == "")
        #expect(try host.must("GET", "/spider/vm/vm-01" + q).decode(VMInfo.self).DataDiskIIDs ?? [] == [])

        try host.must("PUT", "/spider/disk/disk-01/attach", json: Requests.diskVM(c.name, "vm-01"))
        try host.must("DELETE", "/spider/vm/vm-01" + q)
        #expect(try disk(host, "disk-01", q).Status == .Available, "terminating the VM detached the disk")

        try host.must("DELETE", "/spider/disk/disk-01" + q)
        try host.must("DELETE", "/spider/disk/disk-02", json: Requests.connection(c.name))
        try host.expect("GET", "/spider/disk/disk-01" + q, status: 404, mentioning: ["disk-01"])
        #expect(try host.must("GET", "/spider/disk" + q).decode(DiskList.self).disk.isEmpty)
    }

    @Test("unknown names 404, conflicts 409, bad values 400 naming the field")
    func errors() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "diskerr")
        let q = c.query
        try host.createStack(c)
        try host.must("POST", "/spider/vm", json: Requests.vmInStack(c.name, "vm-02"))
        try host.must("POST", "/spider/disk", json: Requests.disk(c.name, "disk-01", size: "20"))
        try host.must("POST", "/spider/disk", json: Requests.disk(c.name, "disk-b", zone: "default-b"))

        // Unknown names.
        try host.expect("GET", "/spider/disk/nope" + q, status: 404, mentioning: ["nope"])
        try host.expect("DELETE", "/spider/disk/nope" + q, status: 404, mentioning: ["nope"])
        try host.expect("PUT", "/spider/disk/nope/size", json: Requests.diskSize(c.name, "50"), status: 404, mentioning: ["nope"])
        try host.expect("PUT", "/spider/disk/nope/attach", json: Requests.diskVM(c.name, "vm-01"), status: 404, mentioning: ["nope"])
        try host.expect("PUT", "/spider/disk/disk-01/attach", json: Requests.diskVM(c.name, "no-vm"), status: 404, mentioning: ["no-vm"])
        try host.expect("PUT", "/spider/disk/disk-01/detach", json: Requests.diskVM(c.name, "no-vm"), status: 404, mentioning: ["no-vm"])

        // Bad create requests.
        try host.expect("POST", "/spider/disk", json: Requests.disk(c.name, "disk-01"), status: 409, mentioning: ["disk-01"])
        try host.expect("POST", "/spider/disk", json: Requests.disk(c.name, ""), status: 400, mentioning: ["ReqInfo.Name"])
        try host.expect("POST", "/spider/disk", json: Requests.disk(c.name, "d-x", type: "tape"), status: 400, mentioning: ["DiskType", "tape"])
        try host.expect("POST", "/spider/disk", json: Requests.disk(c.name, "d-x", size: "99999"), status: 400, mentioning: ["DiskSize"])
        try host.expect("POST", "/spider/disk", json: Requests.disk(c.name, "d-x", type: "HDD", size: "5"), status: 400, mentioning: ["DiskSize", "HDD"])
        try host.expect("POST", "/spider/disk", json: Requests.disk(c.name, "d-x", size: "ten"), status: 400, mentioning: ["DiskSize"])
        try host.expect("POST", "/spider/disk", json: Requests.disk(c.name, "d-x", zone: "mars-1a"), status: 400, mentioning: ["Zone", "mars-1a"])
        #expect(try host.must("GET", "/spider/disk" + q).decode(DiskList.self).disk.count == 2, "failed creates left nothing behind")

        // Resize: only larger, a number, within the type's limit.
        try host.expect("PUT", "/spider/disk/disk-01/size", json: Requests.diskSize(c.name, "10"), status: 400, mentioning: ["Size", "larger"])
        try host.expect("PUT", "/spider/disk/disk-01/size", json: Requests.diskSize(c.name, "20"), status: 400, mentioning: ["Size", "larger"])
        try host.expect("PUT", "/spider/disk/disk-01/size", json: Requests.diskSize(c.name, "big"), status: 400, mentioning: ["Size"])
        try host.expect("PUT", "/spider/disk/disk-01/size", json: Requests.diskSize(c.name, "20000"), status: 400, mentioning: ["Size"])
        try host.expect("PUT", "/spider/disk/disk-01/size", json: ["ConnectionName": c.name, "ReqInfo": [String: String]()],
                        status: 400, mentioning: ["Size"])
        #expect(try disk(host, "disk-01", q).DiskSize == "20")

        // Attach and detach rules.
        try host.expect("PUT", "/spider/disk/disk-b/attach", json: Requests.diskVM(c.name, "vm-01"), status: 400,
                        mentioning: ["default-b", "default-a"])
        try host.expect("PUT", "/spider/disk/disk-01/detach", json: Requests.diskVM(c.name, "vm-01"), status: 409,
                        mentioning: ["not attached"])
        try host.must("PUT", "/spider/disk/disk-01/attach", json: Requests.diskVM(c.name, "vm-01"))
        try host.expect("PUT", "/spider/disk/disk-01/attach", json: Requests.diskVM(c.name, "vm-01"), status: 409, mentioning: ["vm-01"])
        try host.expect("PUT", "/spider/disk/disk-01/attach", json: Requests.diskVM(c.name, "vm-02"), status: 409,
                        mentioning: ["already attached", "vm-01"])
        try host.expect("PUT", "/spider/disk/disk-01/detach", json: Requests.diskVM(c.name, "vm-02"), status: 409,
                        mentioning: ["vm-01", "vm-02"])
        try host.expect("PUT", "/spider/disk/disk-01/attach", json: ["ConnectionName": c.name, "ReqInfo": ["VMName": ""]],
                        status: 400, mentioning: ["ReqInfo.VMName"])
        try host.expect("DELETE", "/spider/disk/disk-01" + q, status: 409, mentioning: ["disk-01", "vm-01"])
        #expect(try disk(host, "disk-01", q).Status == .Attached, "the refused delete left the disk")
        host.expectReady()
    }

    @Test("a VM starts with data disks attached; bad data disks are refused")
    func vmWithDataDisks() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "datadisk")
        let q = c.query
        try host.createStack(c)
        let a = try host.must("POST", "/spider/disk", json: Requests.disk(c.name, "data-a")).decode(DiskInfo.self)
        let b = try host.must("POST", "/spider/disk", json: Requests.disk(c.name, "data-b", type: "HDD")).decode(DiskInfo.self)
        try host.must("POST", "/spider/disk", json: Requests.disk(c.name, "data-far", zone: "default-b"))

        try host.expect("POST", "/spider/vm", json: Requests.vmInStack(c.name, "vm-x", extra: ["DataDiskNames": ["ghost"]]),
                        status: 404, mentioning: ["ghost"])
        try host.expect("POST", "/spider/vm", json: Requests.vmInStack(c.name, "vm-x", extra: ["DataDiskNames": ["data-a", "data-a"]]),
                        status: 400, mentioning: ["DataDiskNames"])
        try host.expect("POST", "/spider/vm", json: Requests.vmInStack(c.name, "vm-x", extra: ["DataDiskNames": ["data-far"]]),
                        status: 400, mentioning: ["data-far", "default-b"])

        let vm = try host.must("POST", "/spider/vm", json: Requests.vmInStack(c.name, "vm-02", extra: ["DataDiskNames": ["data-a", "data-b"]]))
            .decode(VMInfo.self)
        #expect(vm.DataDiskIIDs == [a.IId, b.IId])
        #expect(try host.must("GET", "/spider/vm/vm-02" + q).decode(VMInfo.self).DataDiskIIDs == [a.IId, b.IId])
        for name in ["data-a", "data-b"] {
            let d = try disk(host, name, q)
            #expect(d.Status == .Attached && d.OwnerVM == vm.IId, "\(name): \(d)")
        }
        // A disk already attached cannot go to a second new VM; the failed start leaves no VM.
        try host.expect("POST", "/spider/vm", json: Requests.vmInStack(c.name, "vm-03", extra: ["DataDiskNames": ["data-a"]]),
                        status: 409, mentioning: ["data-a", "vm-02"])
        try host.expect("GET", "/spider/vm/vm-03" + q, status: 404)
    }

    @Test("disks, their attachment and MyImages survive a host restart")
    func survivesRestart() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "diskrestart")
        let q = c.query
        let ids = try host.createStack(c)
        let d = try host.must("POST", "/spider/disk", json: Requests.disk(c.name, "disk-01", size: "30")).decode(DiskInfo.self)
        try host.must("PUT", "/spider/disk/disk-01/attach", json: Requests.diskVM(c.name, "vm-01"))
        let image = try host.must("POST", "/spider/myimage", json: Requests.myImage(c.name, "image-01", sourceVM: "vm-01"))
            .decode(MyImageInfo.self)

        try host.restart()

        let after = try disk(host, "disk-01", q)
        #expect(after.IId == d.IId && after.DiskSize == "30" && after.Status == .Attached)
        #expect(after.OwnerVM == IID(NameId: "vm-01", SystemId: ids.vm))
        #expect(try host.must("GET", "/spider/myimage/image-01" + q).decode(MyImageInfo.self).IId == image.IId)
        try host.expect("DELETE", "/spider/disk/disk-01" + q, status: 409, mentioning: ["vm-01"])
        try host.expect("POST", "/spider/disk", json: Requests.disk(c.name, "disk-01"), status: 409, mentioning: ["disk-01"])
    }

    @Test("a driver without diskHandler is 501 naming it; a disk or subnet in another zone needs zoneBasedControl")
    func unsupported() throws {
        // The C example driver has no disks (and no MyImages).
        let host = try HostProcess()
        let ce = try Fixtures.registerCExample(host)
        try host.expect("GET", "/spider/disk" + ce.query, status: 501, mentioning: ["diskHandler"])
        try host.expect("POST", "/spider/disk", json: Requests.disk(ce.name, "d1"), status: 501, mentioning: ["diskHandler"])
        try host.expect("PUT", "/spider/disk/d1/size", json: Requests.diskSize(ce.name, "50"), status: 501, mentioning: ["diskHandler"])
        try host.expect("DELETE", "/spider/disk/d1" + ce.query, status: 501, mentioning: ["diskHandler"])

        // The Mock with zoneBasedControl switched off in its manifest.
        let noZones = try HostProcess(driversDirs: [], ownDrivers: true, start: false)
        try MockVariant.stage(into: noZones.ownDriversDir, capabilities: ["zoneBasedControl": false])
        try noZones.start()
        let c = try Fixtures.register(noZones, driver: Fixtures.mockDriverName, provider: "MOCK", library: "libspider-driver-mock.so",
                                      tag: "nozone", credentials: [("MockName", "tenant-nozone-\(UUID().uuidString.prefix(8))")],
                                      region: [("Region", "default"), ("Zone", "default-a")])
        let home = try noZones.must("POST", "/spider/disk", json: Requests.disk(c.name, "disk-home")).decode(DiskInfo.self)
        #expect(home.Zone == "default-a")
        try noZones.must("POST", "/spider/disk", json: Requests.disk(c.name, "disk-same", zone: "default-a"))
        try noZones.expect("POST", "/spider/disk", json: Requests.disk(c.name, "disk-far", zone: "default-b"), status: 501,
                           mentioning: ["zoneBasedControl", "default-b"])
        try noZones.expect("GET", "/spider/disk/disk-far" + c.query, status: 404)

        // Subnets (and so the VMs in them) follow the same rule.
        var vpc = Requests.vpc(c.name, "vpc-far", subnets: [("subnet-01", "10.0.1.0/24")])
        var info = vpc["ReqInfo"] as? [String: Any] ?? [:]
        info["SubnetInfoList"] = [["Name": "subnet-01", "IPv4_CIDR": "10.0.1.0/24", "Zone": "default-b"]]
        vpc["ReqInfo"] = info
        try noZones.expect("POST", "/spider/vpc", json: vpc, status: 501, mentioning: ["zoneBasedControl", "SubnetInfoList[0].Zone"])
        try noZones.expect("GET", "/spider/vpc/vpc-far" + c.query, status: 404)
        try noZones.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01"))
        var far = Requests.subnet(c.name, "subnet-far", cidr: "10.0.9.0/24")
        far["ReqInfo"] = ["Name": "subnet-far", "IPv4_CIDR": "10.0.9.0/24", "Zone": "default-b"]
        try noZones.expect("POST", "/spider/vpc/vpc-01/subnet", json: far, status: 501, mentioning: ["zoneBasedControl", "default-b"])
        far["ReqInfo"] = ["Name": "subnet-home", "IPv4_CIDR": "10.0.9.0/24", "Zone": "default-a"]
        let home2 = try noZones.must("POST", "/spider/vpc/vpc-01/subnet", json: far).decode(VPCInfo.self)
        #expect(home2.SubnetInfoList.first { $0.IId.NameId == "subnet-home" }?.Zone == "default-a")
    }

    // MARK: helpers

    private func disk(_ host: HostProcess, _ name: String, _ q: String) throws -> DiskInfo {
        try host.must("GET", "/spider/disk/\(name)" + q).decode(DiskInfo.self)
    }
}
