// Windows VMs on the Mock behave as on AWS (OPERATIONS.md, VMs): VMUserPasswd is required and must
// pass Windows' complexity policy (400 naming the field, nothing made), the login is Administrator
// over RDP on 3389, and no answer carries the password.
import Foundation
import SpiderModels
import Testing

@Suite("Mock: Windows VMs log in as Administrator with a checked password")
struct MockWindowsVMTests {
    static let password = "Spider-Pass-\(UUID().uuidString.prefix(6))"

    @Test("missing, weak or other-user requests are 400 and make nothing; a good one answers Administrator on 3389 without the password")
    func windowsLogin() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "windows")
        try host.createStack(c)
        let q = "?ConnectionName=\(c.name)"
        let before = try host.must("GET", "/spider/vm" + q).decode(VMList.self).vm.map(\.IId.NameId)
        for (extra, field) in [([:], "VMUserPasswd"), (["VMUserPasswd": "short1A"], "VMUserPasswd"),
                               (["VMUserPasswd": "alllowercase"], "VMUserPasswd"),
                               (["VMUserPasswd": "Administrator-1"], "VMUserPasswd"),
                               (["VMUserPasswd": Self.password, "VMUserId": "alice"], "VMUserId")] as [([String: Any], String)] {
            try host.expect("POST", "/spider/vm", json: Requests.vmInStack(c.name, "win-01", image: "mock-vmimage-06", extra: extra),
                            status: 400, mentioning: [field])
        }
        #expect(try host.must("GET", "/spider/vm" + q).decode(VMList.self).vm.map(\.IId.NameId) == before)

        let started = try host.must("POST", "/spider/vm", json: Requests.vmInStack(c.name, "win-01", image: "mock-vmimage-06",
                                                                                  extra: ["VMUserPasswd": Self.password]))
        let vm = try started.decode(VMInfo.self)
        #expect(vm.Platform == "WINDOWS")
        #expect(vm.VMUserId == "Administrator")
        #expect(vm.AccessPoint == "\(vm.PublicIP):3389")
        #expect(vm.SSHAccessPoint == nil)
        let answers = [started.body, try host.must("GET", "/spider/vm/win-01" + q).body, try host.must("GET", "/spider/vm" + q).body]
        #expect(answers.allSatisfy { !String(decoding: $0, as: UTF8.self).contains(Self.password) })

        // A Linux image ignores VMUserPasswd: its user stays cb-user, on SSH.
        let linux = try host.must("POST", "/spider/vm", json: Requests.vmInStack(c.name, "lin-01", extra: ["VMUserPasswd": Self.password]))
            .decode(VMInfo.self)
        #expect(linux.VMUserId == "cb-user")
        #expect(linux.AccessPoint == "\(linux.PublicIP):22")
    }
}
