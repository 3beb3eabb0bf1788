// A host stopped in the middle of a flow (SIGTERM) and started again on the same folders picks
// up where it was: same SystemIds, same VM state, and the flow can finish.
import Foundation
import SpiderClient
import SpiderModels
import Testing

@Suite("Restart in the middle of a flow")
struct RestartTests {
    @Test("names, cloud IDs and VM state survive a restart; the flow then finishes")
    func restartKeepsState() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "restart")
        let q = c.query
        let ids = try host.createStack(c)
        #expect(!ids.vpc.isEmpty && !ids.subnet.isEmpty && !ids.securityGroup.isEmpty && !ids.keyPair.isEmpty && !ids.vm.isEmpty,
                "every create returned a SystemId: \(ids)")
        try host.must("PUT", "/spider/controlvm/vm-01" + q + "&action=suspend")
        #expect(try host.must("GET", "/spider/vmstatus/vm-01" + q).decode(VMStatusResult.self).Status == .Suspended)

        try host.restart()

        // The registration survived.
        #expect(try host.must("GET", "/spider/connectionconfig/\(c.name)").json["DriverName"] as? String == c.driver)
        #expect(try host.must("GET", "/spider/credential/\(c.credential)").json["CredentialName"] as? String == c.credential)

        // Every GET answers with the SystemIds the creates returned.
        let vpc = try host.must("GET", "/spider/vpc/vpc-01" + q).decode(VPCInfo.self)
        #expect(vpc.IId == IID(NameId: "vpc-01", SystemId: ids.vpc))
        #expect(vpc.SubnetInfoList.map(\.IId) == [IID(NameId: "subnet-01", SystemId: ids.subnet)])
        let subnet = try host.must("GET", "/spider/vpc/vpc-01/subnet/subnet-01" + q).decode(SubnetInfo.self)
        #expect(subnet.IId.SystemId == ids.subnet)
        let sg = try host.must("GET", "/spider/securitygroup/sg-01" + q).decode(SecurityInfo.self)
        #expect(sg.IId == IID(NameId: "sg-01", SystemId: ids.securityGroup))
        #expect(sg.VpcIID == vpc.IId)
        let key = try host.must("GET", "/spider/keypair/keypair-01" + q).decode(KeyPairInfo.self)
        #expect(key.IId == IID(NameId: "keypair-01", SystemId: ids.keyPair))
        let vm = try host.must("GET", "/spider/vm/vm-01" + q).decode(VMInfo.self)
        #expect(vm.IId == IID(NameId: "vm-01", SystemId: ids.vm))
        #expect(vm.VpcIID == vpc.IId)
        #expect(vm.SecurityGroupIIds == [sg.IId])
        #expect(vm.KeyPairIId == key.IId)
        #expect(try host.must("GET", "/spider/vpc" + q).decode(VPCList.self).vpc.map(\.IId) == [vpc.IId])
        #expect(try host.must("GET", "/spider/vm" + q).decode(VMList.self).vm.map(\.IId) == [vm.IId])

        // The VM is still suspended, and a name taken before the restart is still taken.
        #expect(try host.must("GET", "/spider/vmstatus/vm-01" + q).decode(VMStatusResult.self).Status == .Suspended)
        try host.expect("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01"), status: 409, mentioning: ["vpc-01"])

        // The flow goes on.
        try host.must("PUT", "/spider/controlvm/vm-01" + q + "&action=resume")
        #expect(try host.must("GET", "/spider/vmstatus/vm-01" + q).decode(VMStatusResult.self).Status == .Running)
        try host.must("DELETE", "/spider/vm/vm-01" + q)
        try host.must("DELETE", "/spider/securitygroup/sg-01" + q)
        try host.must("DELETE", "/spider/keypair/keypair-01" + q)
        try host.must("DELETE", "/spider/vpc/vpc-01" + q)
        #expect(try host.must("GET", "/spider/vpc" + q).decode(VPCList.self).vpc.isEmpty)
        #expect(try host.must("GET", "/spider/securitygroup" + q).decode(SecurityGroupList.self).securitygroup.isEmpty)
        #expect(try host.must("GET", "/spider/keypair" + q).decode(KeyPairList.self).keypair.isEmpty)
        #expect(try host.must("GET", "/spider/vm" + q).decode(VMList.self).vm.isEmpty)

        // And that state survives a second restart too.
        try host.restart()
        #expect(try host.must("GET", "/spider/vpc" + q).decode(VPCList.self).vpc.isEmpty)
        #expect(try host.must("GET", "/spider/vm" + q).decode(VMList.self).vm.isEmpty)
        try host.expect("GET", "/spider/vpc/vpc-01" + q, status: 404, mentioning: ["vpc-01"])
    }
}
