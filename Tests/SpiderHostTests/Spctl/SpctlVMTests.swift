// spctl vm against a real host on the Mock: start with flags and with -d, list (a table with each
// VM's status and addresses), status one or all, suspend/resume/reboot (also `--cname c vm suspend`
// and `vm control --action`), terminate, listall; exit codes.
import Foundation
import Testing

@Suite("spctl vm")
struct SpctlVMTests {
    static func status(_ host: HostProcess, _ c: RegisteredConnection, _ vm: String) throws -> String {
        try host.must("GET", "/spider/vmstatus/\(vm)\(c.query)").json["Status"] as? String ?? ""
    }

    @Test("start with flags and -d, list/get as JSON and tables, status, control, terminate, listall")
    func lifecycle() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host)
        try host.createStack(c)  // vpc-01/subnet-01, sg-01, keypair-01, vm-01

        let started = try Spctl.must(host, ["vm", "start", "-c", c.name, "--name", "vm-02", "--image", "mock-vmimage-01",
                                            "--spec", "mock-vmspec-01", "--vpc", "vpc-01", "--subnet", "subnet-01", "--sg", "sg-01",
                                            "--keypair", "keypair-01", "--disk-type", "SSD", "--disk-size", "50"])
        #expect((started.json["IId"] as? [String: Any])?["NameId"] as? String == "vm-02", "\(started.stdout)")
        #expect(started.json["RootDiskSize"] as? String == "50" && started.json["VMSpecName"] as? String == "mock-vmspec-01", "\(started.stdout)")
        try Spctl.must(host, ["--config", "spctl.conf", "vm", "start", "-i", "json", "-d", """
            {"ConnectionName":"\(c.name)","ReqInfo":{"Name":"vm-03","ImageName":"mock-vmimage-01","VPCName":"vpc-01","SubnetName":"subnet-01","SecurityGroupNames":["sg-01"],"VMSpecName":"mock-vmspec-01","KeyPairName":"keypair-01"}}
            """])

        let listed = try Spctl.must(host, ["vm", "list", "-c", c.name])
        #expect(NSDictionary(dictionary: listed.json).isEqual(to: try host.must("GET", "/spider/vm\(c.query)").json), "the host's JSON")
        let vm2 = try host.must("GET", "/spider/vm/vm-02\(c.query)").json
        let table = try Spctl.must(host, ["vm", "list", "-c", c.name, "-o", "table"])
        let lines = table.stdout.split(separator: "\n").map(String.init)
        for title in ["NAME", "STATUS", "ZONE", "PUBLIC IP", "PRIVATE IP", "SPEC", "IMAGE"] {
            #expect(lines.first?.contains(title) == true, "\(title) in \(table.stdout)")
        }
        let row = lines.first { $0.hasPrefix("vm-02 ") } ?? ""
        for cell in ["Running", vm2["PublicIP"] as? String ?? "?", vm2["PrivateIP"] as? String ?? "?", "mock-vmspec-01", "mock-vmimage-01", "sg-01"] {
            #expect(row.contains(cell), "\(cell) in \(row)")
        }
        #expect(lines.count == 4, "a title and three VMs: \(table.stdout)")
        let one = try Spctl.must(host, ["vm", "get", "-c", c.name, "-n", "vm-02", "-o", "table"])
        #expect(one.stdout.contains("STATUS") && one.stdout.contains("Running") && one.stdout.contains("SSD 50 GB"), "\(one.stdout)")

        // Status: one and all, in CB-Spider's names and the friendly one.
        let all = try Spctl.must(host, ["vm", "liststatus", "--cname", c.name])
        #expect((all.json["vmstatus"] as? [[String: Any]])?.count == 3, "\(all.stdout)")
        let allTable = try Spctl.must(host, ["vm", "status", "-c", c.name, "-o", "table"])
        #expect(allTable.stdout.split(separator: "\n").contains { $0.hasPrefix("vm-03") && $0.contains("Running") }, "\(allTable.stdout)")
        #expect(try Spctl.must(host, ["vm", "getstatus", "-c", c.name, "-n", "vm-01"]).json["Status"] as? String == "Running")

        // Control: `--cname c vm suspend -n` (CB-Spider's scripts), `vm control --action -d`, resume, reboot.
        try Spctl.must(host, ["--config", "spctl.conf", "--cname", c.name, "vm", "suspend", "-n", "vm-01"])
        #expect(["Suspending", "Suspended"].contains(try Self.status(host, c, "vm-01")))
        let resumed = try Spctl.must(host, ["vm", "control", "-n", "vm-01", "--action", "resume", "-d", #"{"ConnectionName":"\#(c.name)"}"#])
        #expect(["Resuming", "Running"].contains(resumed.json["Status"] as? String ?? ""), "\(resumed.stdout)")
        try Spctl.must(host, ["vm", "suspend", "-c", c.name, "-n", "vm-02"])
        try Spctl.must(host, ["vm", "resume", "-c", c.name, "-n", "vm-02"])
        let rebooted = try Spctl.must(host, ["vm", "reboot", "-c", c.name, "-n", "vm-03", "-o", "table"])
        #expect(rebooted.stdout.hasPrefix("STATUS"), "\(rebooted.stdout)")

        let listall = try Spctl.must(host, ["vm", "listall", "-c", c.name])
        #expect(((listall.json["AllList"] as? [String: Any])?["MappedList"] as? [Any])?.count == 3, "\(listall.stdout)")
        try Spctl.must(host, ["vm", "terminate", "-c", c.name, "-n", "vm-03"])
        try Spctl.must(host, ["--cname", c.name, "vm", "terminate", "-n", "vm-02"])
        #expect(try host.must("GET", "/spider/vm\(c.query)").list("vm").count == 1)
    }

    @Test("exit codes: missing flags name what is missing, unknown names 3, duplicates 4, a bad action 2")
    func exitCodes() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host)
        try host.createStack(c)
        let base = ["vm", "start", "-c", c.name, "--image", "mock-vmimage-01", "--vpc", "vpc-01", "--subnet", "subnet-01",
                    "--sg", "sg-01", "--keypair", "keypair-01"]

        let noSpec = try Spctl.must(host, base + ["--name", "vm-02"], code: 2)
        #expect(noSpec.stderr.contains("--spec"), "\(noSpec)")
        try Spctl.must(host, base + ["--spec", "mock-vmspec-01"], code: 2)
        try Spctl.must(host, base + ["--name", "vm-01", "--spec", "mock-vmspec-01"], code: 4)
        try Spctl.must(host, ["vm", "start", "-c", c.name, "--name", "vm-02", "--image", "mock-vmimage-01", "--spec", "mock-vmspec-01",
                              "--vpc", "vpc-01", "--subnet", "subnet-01", "--sg", "no-such-sg", "--keypair", "keypair-01"], code: 3)
        try Spctl.must(host, ["vm", "get", "-c", c.name, "-n", "nope"], code: 3)
        try Spctl.must(host, ["vm", "suspend", "-c", c.name, "-n", "nope"], code: 3)
        let action = try Spctl.must(host, ["vm", "control", "-c", c.name, "-n", "vm-01", "--action", "explode"], code: 2)
        #expect(action.stderr.contains("explode"), "\(action)")
        try Spctl.must(host, ["vm", "suspend", "-n", "vm-01"], code: 2)
        #expect(try host.must("GET", "/spider/vm\(c.query)").list("vm").count == 1)
    }
}
