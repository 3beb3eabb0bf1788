// spctl disk and myimage against a real host on the Mock: create with flags and -d, tables,
// resize (grow only), attach/detach, snapshot a VM and start a VM from the image; exit codes.
import Foundation
import Testing

@Suite("spctl disk and myimage")
struct SpctlStorageTests {
    @Test("disk: create (flags and -d), list/get, resize, attach/detach, delete")
    func disks() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host)
        try host.createStack(c)

        let created = try Spctl.must(host, ["disk", "create", "-c", c.name, "--name", "disk-01", "--size", "100"])
        #expect(created.json["DiskSize"] as? String == "100", "\(created.stdout)")
        try Spctl.must(host, ["disk", "create", "-d", #"{"ConnectionName":"\#(c.name)","ReqInfo":{"Name":"disk-02","DiskSize":"20"}}"#])

        let listed = try Spctl.must(host, ["disk", "list", "--cname", c.name])
        #expect(NSDictionary(dictionary: listed.json).isEqual(to: try host.must("GET", "/spider/disk\(c.query)").json))
        try Spctl.must(host, ["disk", "resize", "-c", c.name, "-n", "disk-01", "--size", "200"])
        let shrink = try Spctl.must(host, ["disk", "resize", "-c", c.name, "-n", "disk-01", "--size", "50"], code: 2)
        #expect(!shrink.stderr.isEmpty)
        try Spctl.must(host, ["disk", "resize", "-n", "disk-02", "-d", #"{"ConnectionName":"\#(c.name)","ReqInfo":{"Size":"30"}}"#])
        #expect(try host.must("GET", "/spider/disk/disk-02\(c.query)").json["DiskSize"] as? String == "30")

        let attached = try Spctl.must(host, ["disk", "attach", "-c", c.name, "-n", "disk-01", "--vm", "vm-01"])
        #expect((attached.json["OwnerVM"] as? [String: Any])?["NameId"] as? String == "vm-01", "\(attached.stdout)")
        let table = try Spctl.must(host, ["disk", "list", "-c", c.name, "-o", "table"])
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first.map { $0.hasPrefix("NAME") && $0.contains("SIZE") && $0.contains("STATUS") && $0.contains("VM") } == true)
        #expect(lines.contains { $0.hasPrefix("disk-01") && $0.contains("200") && $0.contains("Attached") && $0.contains("vm-01") }, "\(table.stdout)")
        try Spctl.must(host, ["disk", "delete", "-c", c.name, "-n", "disk-01"], code: 4)  // attached: in use
        try Spctl.must(host, ["disk", "detach", "-c", c.name, "-n", "disk-01", "--vm", "vm-01"])
        let got = try Spctl.must(host, ["disk", "get", "-c", c.name, "-n", "disk-01", "-o", "yaml"])
        #expect(got.stdout.contains("Status: Available"), "\(got.stdout)")

        try Spctl.must(host, ["disk", "attach", "-c", c.name, "-n", "disk-01"], code: 2)
        try Spctl.must(host, ["disk", "attach", "-c", c.name, "-n", "disk-01", "--vm", "nope"], code: 3)
        try Spctl.must(host, ["disk", "get", "-c", c.name, "-n", "nope"], code: 3)
        try Spctl.must(host, ["disk", "create", "-c", c.name, "--name", "disk-02"], code: 4)
        try Spctl.must(host, ["disk", "delete", "-c", c.name, "-n", "disk-01"])
        try Spctl.must(host, ["disk", "delete", "--cname", c.name, "-n", "disk-02"])
        #expect(try host.must("GET", "/spider/disk\(c.query)").list("disk").isEmpty)

        let cexample = try Fixtures.registerCExample(host)
        try Spctl.must(host, ["disk", "list", "-c", cexample.name], code: 5)
    }

    @Test("myimage: snapshot --vm and create -d, list/get tables, a VM from it, delete")
    func myImages() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host)
        try host.createStack(c)

        let snap = try Spctl.must(host, ["myimage", "snapshot", "-c", c.name, "--name", "img-01", "--vm", "vm-01"])
        #expect((snap.json["SourceVM"] as? [String: Any])?["NameId"] as? String == "vm-01", "\(snap.stdout)")
        try Spctl.must(host, ["myimage", "create", "-d", #"{"ConnectionName":"\#(c.name)","ReqInfo":{"Name":"img-02","SourceVM":"vm-01"}}"#])
        let listed = try Spctl.must(host, ["myimage", "list", "-c", c.name])
        #expect(NSDictionary(dictionary: listed.json).isEqual(to: try host.must("GET", "/spider/myimage\(c.query)").json))
        let table = try Spctl.must(host, ["myimage", "list", "-c", c.name, "-o", "table"])
        #expect(table.stdout.hasPrefix("NAME") && table.stdout.contains("SOURCE VM"), "\(table.stdout)")
        #expect(table.stdout.split(separator: "\n").contains { $0.hasPrefix("img-02") && $0.contains("vm-01") }, "\(table.stdout)")

        let vm = try Spctl.must(host, ["vm", "start", "-c", c.name, "--name", "vm-02", "--image", "img-01", "--image-type", "MyImage",
                                       "--spec", "mock-vmspec-01", "--vpc", "vpc-01", "--subnet", "subnet-01", "--sg", "sg-01",
                                       "--keypair", "keypair-01"])
        #expect(vm.json["ImageType"] as? String == "MyImage" && (vm.json["ImageIId"] as? [String: Any])?["NameId"] as? String == "img-01",
                "\(vm.stdout)")

        try Spctl.must(host, ["myimage", "snapshot", "-c", c.name, "--name", "img-03"], code: 2)
        try Spctl.must(host, ["myimage", "snapshot", "-c", c.name, "--name", "img-03", "--vm", "nope"], code: 3)
        try Spctl.must(host, ["myimage", "snapshot", "-c", c.name, "--name", "img-01", "--vm", "vm-01"], code: 4)
        try Spctl.must(host, ["myimage", "get", "-c", c.name, "-n", "img-02", "-o", "table"])
        try Spctl.must(host, ["myimage", "delete", "-c", c.name, "-n", "img-02"])
        try Spctl.must(host, ["myimage", "get", "-c", c.name, "-n", "img-02"], code: 3)
    }
}
