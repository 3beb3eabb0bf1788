// The plain-C example driver, loaded by dlopen like any other: catalogue, VPCs and key pairs answer
// through it, what it lacks is a 501 naming the capability, and /driver/capability shows its manifest.
import Foundation
import SpiderClient
import SpiderModels
import Testing

@Suite("C example driver")
struct CExampleDriverTests {
    @Test("regions, specs and VPCs answer through the C driver")
    func catalogueAndVPCs() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerCExample(host)
        let q = c.query

        let regions = try host.must("GET", "/spider/regionzone" + q).decode(RegionZoneList.self)
        #expect(Set(regions.regionzone.map(\.Name)).isSuperset(of: ["example-east", "example-west"]))
        #expect(regions.regionzone.first { $0.Name == "example-east" }?.ZoneList?.map(\.Name).contains("example-east-a") == true)

        let specs = try host.must("GET", "/spider/vmspec" + q).decode(VMSpecList.self)
        #expect(specs.vmspec.contains { $0.Name == "ex.small" })
        #expect(specs.vmspec.allSatisfy { $0.Region == "example-east" })
        #expect(try host.must("GET", "/spider/vmspec/ex.small" + q).decode(VMSpecInfo.self).Name == "ex.small")

        let created = try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "c-vpc-01")).decode(VPCInfo.self)
        #expect(created.IId.NameId == "c-vpc-01")
        #expect(!created.IId.SystemId.isEmpty)
        #expect(created.SubnetInfoList.map(\.IId.NameId) == ["subnet-01"])
        #expect(try host.must("GET", "/spider/vpc" + q).decode(VPCList.self).vpc.map(\.IId) == [created.IId])
        #expect(try host.must("GET", "/spider/vpc/c-vpc-01" + q).decode(VPCInfo.self).IId == created.IId)
        try host.must("DELETE", "/spider/vpc/c-vpc-01" + q)
        #expect(try host.must("GET", "/spider/vpc" + q).decode(VPCList.self).vpc.isEmpty)
        try host.expect("GET", "/spider/vpc/c-vpc-01" + q, status: 404, mentioning: ["c-vpc-01"])

        // It was the C library that answered: the host logged loading it.
        #expect(host.log.contains("libspider-driver-cexample.so"), "\(host.logTail())")
    }

    @Test("a route the driver has no capability for is 501 naming the capability")
    func missingCapability() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerCExample(host)
        try host.expect("GET", "/spider/securitygroup" + c.query, status: 501, mentioning: ["securityHandler"])
        try host.expect("POST", "/spider/securitygroup", json: Requests.securityGroup(c.name, "sg-01", vpc: "v", rules: []),
                        status: 501, mentioning: ["securityHandler"])
        try host.expect("GET", "/spider/disk" + c.query, status: 501, mentioning: ["diskHandler"])
        host.expectReady()
    }

    @Test("key pairs and VMs answer through the C driver, VMs without security groups")
    func keyPairsAndVMs() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerCExample(host)
        let q = c.query

        // Key pairs: the private key (a labelled fake) comes once, from create.
        let created = try host.must("POST", "/spider/keypair", json: Requests.keyPair(c.name, "c-key-01")).decode(KeyPairInfo.self)
        #expect(created.IId.NameId == "c-key-01")
        #expect(created.IId.SystemId.hasPrefix("exkey-"))
        #expect(created.PrivateKey?.hasPrefix("-----BEGIN CEXAMPLE FAKE PRIVATE KEY-----") == true, "\(created)")
        #expect(created.PublicKey?.isEmpty == false)
        try host.expect("POST", "/spider/keypair", json: Requests.keyPair(c.name, "c-key-01"), status: 409, mentioning: ["c-key-01"])
        let listed = try host.must("GET", "/spider/keypair" + q).decode(KeyPairList.self).keypair
        #expect(listed.map(\.IId) == [created.IId])
        #expect(listed.allSatisfy { $0.PrivateKey == nil })
        let got = try host.must("GET", "/spider/keypair/c-key-01" + q).decode(KeyPairInfo.self)
        #expect(got.IId == created.IId && got.PublicKey == created.PublicKey && got.Fingerprint == created.Fingerprint)
        #expect(got.PrivateKey == nil)

        // VMs: the driver answers vm.list and vm.status.list (empty) ...
        #expect(try host.must("GET", "/spider/vm" + q).decode(VMList.self).vm.isEmpty)
        #expect(try host.must("GET", "/spider/vmstatus" + q).decode(VMStatusList.self).vmstatus.isEmpty)
        // ... and a cloud ID it does not know is its 404.
        try host.expect("DELETE", "/spider/cspvm/exvm-0042", json: Requests.connection(c.name), status: 404, mentioning: ["exvm-0042"])
        try host.expect("POST", "/spider/regvm", json: ["ConnectionName": c.name, "ReqInfo": ["Name": "r", "CSPId": "exvm-0042"]],
                        status: 404, mentioning: ["exvm-0042"])
        // The C driver has no security groups (no securityHandler), so the host starts its VMs
        // without any; naming one is still a 404, since nothing maps it.
        try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "c-vpc-01"))
        try host.expect("POST", "/spider/vm", json: Requests.vm(c.name, "c-vm-01", vpc: "c-vpc-01", subnet: "subnet-01",
                                                               securityGroups: ["sg-01"], keyPair: "c-key-01", image: "any-image", spec: "ex.small"),
                        status: 404, mentioning: ["sg-01"])
        try host.expect("POST", "/spider/regsecuritygroup", json: ["ConnectionName": c.name, "ReqInfo": ["Name": "sg-01", "CSPId": "sg-x"]],
                        status: 501, mentioning: ["securityHandler"])
        let vm = try host.must("POST", "/spider/vm", json: Requests.vm(c.name, "c-vm-01", vpc: "c-vpc-01", subnet: "subnet-01",
                                                                    securityGroups: [], keyPair: "c-key-01", image: "any-image",
                                                                    spec: "ex.small")).decode(VMInfo.self)
        #expect(vm.IId.NameId == "c-vm-01" && vm.VpcIID.NameId == "c-vpc-01" && vm.KeyPairIId.NameId == "c-key-01")
        #expect(try host.must("GET", "/spider/vmstatus/c-vm-01" + q).json["Status"] as? String == "Running")
        for (action, settled) in [("suspend", "Suspended"), ("resume", "Running"), ("reboot", "Running")] {
            try host.must("PUT", "/spider/controlvm/c-vm-01?action=\(action)", json: Requests.connection(c.name))
            #expect(try host.must("GET", "/spider/vmstatus/c-vm-01" + q).json["Status"] as? String == settled, "after \(action)")
        }
        try host.expect("DELETE", "/spider/keypair/c-key-01" + q, status: 409, mentioning: ["in use", "c-vm-01"])
        try host.must("DELETE", "/spider/vm/c-vm-01", json: Requests.connection(c.name))
        try host.expect("GET", "/spider/vm/c-vm-01" + q, status: 404, mentioning: ["c-vm-01"])

        // Deleting the key pair and the VPC.
        try host.must("DELETE", "/spider/keypair/c-key-01" + q)
        #expect(try host.must("GET", "/spider/keypair" + q).decode(KeyPairList.self).keypair.isEmpty)
        try host.expect("GET", "/spider/keypair/c-key-01" + q, status: 404, mentioning: ["c-key-01"])
        try host.must("DELETE", "/spider/vpc/c-vpc-01" + q)
        host.expectReady()
    }

    @Test("/spider/driver/capability reflects the manifest")
    func capabilityReflectsManifest() throws {
        let host = try HostProcess()
        let c = try Fixtures.registerCExample(host)
        let manifest = try TestPaths.stagedManifest(named: "cexample")
        let declared = try #require(manifest["capabilities"] as? [String: Any])

        for path in ["/spider/driver/capability" + c.query, "/spider/driver/capability?DriverName=\(c.driver)"] {
            let answer = try host.must("GET", path).json
            let all = Set(answer.keys).union(declared.keys)
            for key in all {
                let expected = declared[key] as? Bool ?? false
                if let flag = answer[key] as? Bool {
                    #expect(flag == expected, "\(path): capability \(key) is \(flag), manifest says \(expected)")
                } else if declared[key] is Bool {
                    Issue.record("\(path): capability \(key) is missing from \(answer)")
                }
            }
            #expect(answer["vpchandler"] as? Bool == true)
            #expect(answer["keyPairHandler"] as? Bool == true && answer["vmhandler"] as? Bool == true)
            #expect(answer["securityHandler"] as? Bool == false)
        }
    }
}
