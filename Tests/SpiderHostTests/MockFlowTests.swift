// CB-Spider's scenario on the Mock driver, start to finish, in CB-Spider's REST shapes:
// register → catalogue → VPC/subnets → security group/rules → key pair → VM lifecycle → clean up.
import Foundation
import SpiderClient
import SpiderModels
import Testing

@Suite("Full flow on the Mock driver")
struct MockFlowTests {
    @Test("register, create, control and delete everything; secrets never come back")
    func fullFlow() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerMock(host, tag: "flow")
        let q = c.query

        try checkRegistration(host, c)
        try checkCatalogue(host, q)
        let (vpcID, subnetID) = try networkFlow(host, c)
        let sgID = try securityGroupFlow(host, c)
        let keyID = try keyPairFlow(host, c)
        try vmFlow(host, c, vpcID: vpcID, subnetID: subnetID, sgID: sgID, keyID: keyID)
        try cleanUp(host, c)

        // No response, at any step, carried a credential value.
        for value in c.credentialValues {
            let leaks = host.responses.filter { $0.contains(value) }
            #expect(leaks.isEmpty, "credential value leaked in: \(leaks)")
        }
        host.expectReady()
    }

    // MARK: steps

    private func checkRegistration(_ host: HostProcess, _ c: RegisteredConnection) throws {
        let driver = try host.must("GET", "/spider/driver/\(c.driver)").json
        #expect(driver["DriverName"] as? String == c.driver)
        #expect(driver["ProviderName"] as? String == "MOCK")
        #expect(try host.must("GET", "/spider/driver").list("driver").contains { $0["DriverName"] as? String == c.driver })

        let credential = try host.must("GET", "/spider/credential/\(c.credential)").json
        #expect(credential["CredentialName"] as? String == c.credential)
        let keys = (credential["KeyValueInfoList"] as? [[String: Any]] ?? []).compactMap { $0["Key"] as? String }
        #expect(Set(keys).isSuperset(of: ["MockName", "ClientSecret"]), "the credential's keys are listed: \(credential)")
        #expect(try host.must("GET", "/spider/credential").list("credential").contains { $0["CredentialName"] as? String == c.credential })

        let region = try host.must("GET", "/spider/region/\(c.region)").json
        #expect(region["RegionName"] as? String == c.region)
        let regionValues = (region["KeyValueInfoList"] as? [[String: Any]] ?? []).map { "\($0["Key"] ?? "")=\($0["Value"] ?? "")" }
        #expect(regionValues.contains("Region=default"))
        #expect(try host.must("GET", "/spider/region").list("region").contains { $0["RegionName"] as? String == c.region })

        let config = try host.must("GET", "/spider/connectionconfig/\(c.name)").json
        #expect(config["ConfigName"] as? String == c.name)
        #expect(config["DriverName"] as? String == c.driver)
        #expect(config["CredentialName"] as? String == c.credential)
        #expect(config["RegionName"] as? String == c.region)
        #expect(config["ProviderName"] as? String == "MOCK")
        #expect(try host.must("GET", "/spider/connectionconfig").list("connectionconfig").contains { $0["ConfigName"] as? String == c.name })
    }

    private func checkCatalogue(_ host: HostProcess, _ q: String) throws {
        let regions = try host.must("GET", "/spider/regionzone" + q).decode(RegionZoneList.self)
        #expect(regions.regionzone.contains { $0.Name == "default" && !($0.ZoneList ?? []).isEmpty })
        let images = try host.must("GET", "/spider/vmimage" + q).decode(ImageList.self)
        #expect(images.image.contains { $0.Name == "mock-vmimage-01" })
        let image = try host.must("GET", "/spider/vmimage/mock-vmimage-01" + q).decode(ImageInfo.self)
        #expect(image.Name == "mock-vmimage-01")
        let specs = try host.must("GET", "/spider/vmspec" + q).decode(VMSpecList.self)
        #expect(specs.vmspec.contains { $0.Name == "mock-vmspec-01" })
        let spec = try host.must("GET", "/spider/vmspec/mock-vmspec-01" + q).decode(VMSpecInfo.self)
        #expect(spec.Name == "mock-vmspec-01")
    }

    /// VPC with a subnet; list, get (ConnectionName in the query and in the body), add, get and
    /// remove a second subnet. Returns the SystemIds of the VPC and of subnet-01.
    private func networkFlow(_ host: HostProcess, _ c: RegisteredConnection) throws -> (String, String) {
        let created = try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01")).decode(VPCInfo.self)
        #expect(created.IId.NameId == "vpc-01")
        #expect(!created.IId.SystemId.isEmpty)
        #expect(created.IPv4_CIDR == "10.0.0.0/16")
        #expect(created.SubnetInfoList.map(\.IId.NameId) == ["subnet-01"])
        #expect(created.SubnetInfoList.allSatisfy { !$0.IId.SystemId.isEmpty })

        let listed = try host.must("GET", "/spider/vpc" + c.query).decode(VPCList.self)
        #expect(listed.vpc.map(\.IId) == [created.IId])

        let byQuery = try host.must("GET", "/spider/vpc/vpc-01" + c.query).decode(VPCInfo.self)
        #expect(byQuery.IId == created.IId)
        let byBody = try host.must("GET", "/spider/vpc/vpc-01", json: Requests.connection(c.name)).decode(VPCInfo.self)
        #expect(byBody.IId == created.IId)

        let added = try host.must("POST", "/spider/vpc/vpc-01/subnet",
                                  json: Requests.subnet(c.name, "subnet-02", cidr: "10.0.2.0/24")).decode(VPCInfo.self)
        #expect(Set(added.SubnetInfoList.map(\.IId.NameId)) == ["subnet-01", "subnet-02"])

        let subnet = try host.must("GET", "/spider/vpc/vpc-01/subnet/subnet-02" + c.query).decode(SubnetInfo.self)
        #expect(subnet.IId.NameId == "subnet-02")
        #expect(!subnet.IId.SystemId.isEmpty)
        #expect(subnet.IPv4_CIDR == "10.0.2.0/24")

        try host.must("DELETE", "/spider/vpc/vpc-01/subnet/subnet-02" + c.query)
        try host.expect("GET", "/spider/vpc/vpc-01/subnet/subnet-02" + c.query, status: 404, mentioning: ["subnet-02"])
        let after = try host.must("GET", "/spider/vpc/vpc-01" + c.query).decode(VPCInfo.self)
        #expect(after.SubnetInfoList.map(\.IId) == created.SubnetInfoList.map(\.IId))
        return (created.IId.SystemId, created.SubnetInfoList.first?.IId.SystemId ?? "")
    }

    private func securityGroupFlow(_ host: HostProcess, _ c: RegisteredConnection) throws -> String {
        let ssh = Requests.rule("22"), http = Requests.rule("80"), https = Requests.rule("443")
        let created = try host.must("POST", "/spider/securitygroup",
                                    json: Requests.securityGroup(c.name, "sg-01", vpc: "vpc-01", rules: [ssh]))
            .decode(SecurityInfo.self)
        #expect(created.IId.NameId == "sg-01")
        #expect(!created.IId.SystemId.isEmpty)
        #expect(created.VpcIID.NameId == "vpc-01")
        #expect(ports(created) == ["22"])

        let added = try host.must("POST", "/spider/securitygroup/sg-01/rules", json: Requests.rules(c.name, [http, https]))
            .decode(SecurityInfo.self)
        #expect(ports(added) == ["22", "443", "80"])

        try host.must("DELETE", "/spider/securitygroup/sg-01/rules", json: Requests.rules(c.name, [http]))
        let got = try host.must("GET", "/spider/securitygroup/sg-01" + c.query).decode(SecurityInfo.self)
        #expect(got.IId == created.IId)
        #expect(got.VpcIID.NameId == "vpc-01")
        #expect(ports(got) == ["22", "443"])

        let listed = try host.must("GET", "/spider/securitygroup" + c.query).decode(SecurityGroupList.self)
        #expect(listed.securitygroup.map(\.IId) == [created.IId])
        return created.IId.SystemId
    }

    private func ports(_ sg: SecurityInfo) -> [String] { sg.SecurityRules.map(\.FromPort).sorted() }

    /// The private key comes back from create only.
    private func keyPairFlow(_ host: HostProcess, _ c: RegisteredConnection) throws -> String {
        let createdResponse = try host.must("POST", "/spider/keypair", json: Requests.keyPair(c.name, "keypair-01"))
        let created = try createdResponse.decode(KeyPairInfo.self)
        #expect(created.IId.NameId == "keypair-01")
        #expect(!created.IId.SystemId.isEmpty)
        let privateKey = try #require(created.PrivateKey, "create returns the private key: \(createdResponse.text)")
        #expect(!privateKey.isEmpty)

        let got = try host.must("GET", "/spider/keypair/keypair-01" + c.query)
        #expect(got.json["PrivateKey"] == nil || (got.json["PrivateKey"] as? String)?.isEmpty == true,
                "get must not return the private key: \(got.text)")
        #expect(!got.text.contains(privateKey))
        #expect(try got.decode(KeyPairInfo.self).IId == created.IId)

        let listed = try host.must("GET", "/spider/keypair" + c.query)
        #expect(listed.list("keypair").map { $0["IId"] as? [String: String] ?? [:] } == [["NameId": "keypair-01", "SystemId": created.IId.SystemId]])
        #expect(listed.list("keypair").allSatisfy { $0["PrivateKey"] == nil || ($0["PrivateKey"] as? String)?.isEmpty == true },
                "list must not return private keys: \(listed.text)")
        #expect(!listed.text.contains(privateKey))
        return created.IId.SystemId
    }

    private func vmFlow(_ host: HostProcess, _ c: RegisteredConnection, vpcID: String, subnetID: String, sgID: String, keyID: String) throws {
        let q = c.query
        let vm = try host.must("POST", "/spider/vm", json: Requests.vm(c.name, "vm-01", vpc: "vpc-01", subnet: "subnet-01",
                                                                    securityGroups: ["sg-01"], keyPair: "keypair-01"))
            .decode(VMInfo.self)
        #expect(vm.IId.NameId == "vm-01")
        #expect(!vm.IId.SystemId.isEmpty)
        #expect(vm.VpcIID == IID(NameId: "vpc-01", SystemId: vpcID))
        #expect(vm.SubnetIID == IID(NameId: "subnet-01", SystemId: subnetID))
        #expect(vm.SecurityGroupIIds == [IID(NameId: "sg-01", SystemId: sgID)])
        #expect(vm.KeyPairIId == IID(NameId: "keypair-01", SystemId: keyID))
        #expect(vm.VMSpecName == "mock-vmspec-01")

        #expect(try host.must("GET", "/spider/vm/vm-01" + q).decode(VMInfo.self).IId == vm.IId)
        #expect(try host.must("GET", "/spider/vm" + q).decode(VMList.self).vm.map(\.IId) == [vm.IId])
        #expect(try status(host, q) == .Running)

        // Suspend and resume are idempotent (as in CB-Spider): the second of each succeeds and changes nothing.
        for (action, settled, word) in [("suspend", VMStatus.Suspended, "Suspending"), ("resume", .Running, "Resuming")] {
            for _ in 0..<2 {
                #expect(try host.must("PUT", "/spider/controlvm/vm-01" + q + "&action=" + action).json["Status"] as? String == word)
                #expect(try status(host, q) == settled)
            }
        }
        try host.must("PUT", "/spider/controlvm/vm-01" + q + "&action=reboot")
        #expect(try status(host, q) == .Running)

        let statuses = try host.must("GET", "/spider/vmstatus" + q).decode(VMStatusList.self)
        #expect(statuses.vmstatus.map(\.IId) == [vm.IId])
        #expect(statuses.vmstatus.map(\.VmStatus) == [.Running])

        // Dependencies in use: the VPC (SG and VM) and the SG (VM) cannot go yet.
        try host.expect("DELETE", "/spider/vpc/vpc-01" + q, status: 409, mentioning: ["vpc-01"])
        try host.expect("DELETE", "/spider/securitygroup/sg-01" + q, status: 409, mentioning: ["sg-01"])
        #expect(try host.must("GET", "/spider/vpc/vpc-01" + q).decode(VPCInfo.self).IId.SystemId == vpcID)

        // Terminate, with ConnectionName in the body.
        let terminated = try host.must("DELETE", "/spider/vm/vm-01", json: Requests.connection(c.name)).decode(VMStatusResult.self)
        #expect([.Terminating, .Terminated].contains(terminated.Status))
        try host.expect("GET", "/spider/vmstatus/vm-01" + q, status: 404, mentioning: ["vm-01"])
        #expect(try host.must("GET", "/spider/vm" + q).decode(VMList.self).vm.isEmpty)
    }

    private func status(_ host: HostProcess, _ q: String) throws -> VMStatus {
        try host.must("GET", "/spider/vmstatus/vm-01" + q).decode(VMStatusResult.self).Status
    }

    /// Deletes with ConnectionName in the query and in the body; every list ends empty.
    private func cleanUp(_ host: HostProcess, _ c: RegisteredConnection) throws {
        let q = c.query
        try host.must("DELETE", "/spider/securitygroup/sg-01" + q)
        try host.must("DELETE", "/spider/keypair/keypair-01", json: Requests.connection(c.name))
        try host.must("DELETE", "/spider/vpc/vpc-01", json: Requests.connection(c.name))

        #expect(try host.must("GET", "/spider/vpc" + q).decode(VPCList.self).vpc.isEmpty)
        #expect(try host.must("GET", "/spider/securitygroup" + q).decode(SecurityGroupList.self).securitygroup.isEmpty)
        #expect(try host.must("GET", "/spider/keypair" + q).decode(KeyPairList.self).keypair.isEmpty)
        #expect(try host.must("GET", "/spider/vm" + q).decode(VMList.self).vm.isEmpty)
        #expect(try host.must("GET", "/spider/vmstatus" + q).decode(VMStatusList.self).vmstatus.isEmpty)
        try host.expect("GET", "/spider/vpc/vpc-01" + q, status: 404, mentioning: ["vpc-01"])
    }
}
