// CB-Spider's "full test" over the socket, written once and run unchanged on the AWS driver in two
// regions of one moto and on the Mock: only the connection, the image and the spec differ. Each
// step is checked in Spider's answer and by a witness: moto's own view (boto3) for AWS, the host's
// REST lists for the Mock. The two AWS regions run nested, so both sets exist at once and each
// region is checked to see only its own.
import Foundation
import Testing

@Suite("Full scenario, one code multi-cloud: AWS (two regions on moto) and the Mock", .serialized)
struct AWSFullScenarioTests {
    /// A host with the AWS and Mock bundles installed from a registry (kept: its folder goes with it).
    static func host() throws -> (HostProcess, TestRegistry) {
        let registry = try TestRegistry()
        try registry.addStaged("aws")
        try registry.addStaged("mock")
        try registry.publish()
        return (try HostProcess(driversDirs: [], extraArguments: registry.hostArguments), registry)
    }

    static func registerAWS(_ host: HostProcess, _ moto: MotoServer, region: String) throws -> RegisteredConnection {
        try AWSStack.connect(host, tag: "aws-\(region)", region: region, keys: [("Endpoint", moto.endpoint)])
    }

    /// moto's AMI of Amazon Linux 2 in `region`, by its AWS name.
    static func awsImage(_ moto: MotoServer, _ region: String) throws -> String {
        let found = MotoView.items(try moto.ec2(region, "describe_images", filters: ["name": [AWSComputeTests.imageName]]), "Images")
        return try #require(found.first?["ImageId"] as? String, "moto has no \(AWSComputeTests.imageName) in \(region)")
    }

    @Test("AWS: us-east-1 and eu-west-1 on one moto, the second run inside the first; each region sees only its own")
    func awsTwoRegions() throws {
        let moto = try MotoServer()
        let (host, registry) = try Self.host()
        defer { withExtendedLifetime(registry) {} }
        let east = try Self.registerAWS(host, moto, region: "us-east-1")
        let west = try Self.registerAWS(host, moto, region: "eu-west-1")
        let eastWitness = MotoWitness(moto: moto, region: "us-east-1")
        let westWitness = MotoWitness(moto: moto, region: "eu-west-1")

        var checkedBoth = false
        try Self.fullScenario(host, east.name, image: Self.awsImage(moto, "us-east-1"), spec: "t3.micro", witness: eastWitness) { eastIDs in
            try Self.fullScenario(host, west.name, image: Self.awsImage(moto, "eu-west-1"), spec: "t3.micro", witness: westWitness) { westIDs in
                try eastWitness.seesOnly(eastIDs, not: westIDs)
                try westWitness.seesOnly(westIDs, not: eastIDs)
                // Spider's lists per connection show the same split.
                for (c, mine) in [(east, eastIDs), (west, westIDs)] {
                    #expect(try host.must("GET", "/spider/vpc\(c.query)").list("vpc").map { systemID($0["IId"]) } == [mine.vpc])
                    #expect(try host.must("GET", "/spider/vm\(c.query)").list("vm").map { systemID($0["IId"]) } == [mine.vm])
                }
                checkedBoth = true
            }
            // west is torn down; east is whole in moto.
            try eastWitness.seesOnly(eastIDs, not: ScenarioIDs(vpc: "vpc-0000000000000000a", vm: "i-0000000000000000a"))
        }
        #expect(checkedBoth)
        // The secret access keys themselves (not the key ids) never appear in an answer or the log.
        let secrets = [try #require(east.secret), try #require(west.secret)]
        #expect(secrets.allSatisfy { $0.hasPrefix("spider-test-secret-") })
        #expect(!host.responses.contains { answer in secrets.contains { answer.contains($0) } })
        #expect(!secrets.contains { host.log.contains($0) })
    }

    @Test("Mock: the same scenario, checked against the host's REST lists")
    func mock() throws {
        let (host, registry) = try Self.host()
        defer { withExtendedLifetime(registry) {} }
        let c = try Fixtures.registerMock(host, tag: "full")
        try Self.fullScenario(host, c.name, image: "mock-vmimage-01", spec: "mock-vmspec-01", witness: HostListWitness(host: host, connection: c.name))
    }

    // MARK: the scenario

    /// VPC with subnet → SG with rules → key pair → VM → status → suspend/resume/reboot → disk
    /// create/attach/detach/delete → MyImage snapshot/delete → NLB with the VM (the driver must say
    /// nlbhandler) → tags on the VM → `whileAllExist` → teardown, the host's lists empty at the end.
    @discardableResult
    static func fullScenario(_ host: HostProcess, _ connection: String, image: String, spec: String, witness: some CloudWitness,
                             whileAllExist: (ScenarioIDs) throws -> Void = { _ in }) throws -> ScenarioIDs {
        let q = connectionQuery(connection)
        let only = Requests.connection(connection)
        var ids = ScenarioIDs()

        // VPC with a subnet.
        let vpc = try host.must("POST", "/spider/vpc", json: Requests.vpc(connection, "vpc-01", cidr: "10.0.0.0/16",
                                                                         subnets: [("subnet-01", "10.0.1.0/24")])).json
        ids.vpc = systemID(vpc["IId"])
        ids.subnet = systemID((vpc["SubnetInfoList"] as? [[String: Any]])?.first?["IId"])
        #expect(!ids.vpc.isEmpty && !ids.subnet.isEmpty)
        try witness.vpc(ids.vpc, cidr: "10.0.0.0/16", subnets: ["subnet-01": "10.0.1.0/24"])

        // Security group with inbound and outbound rules.
        let rules = [Requests.rule("22"), Requests.rule("80", "443", cidr: "10.0.0.0/8"), Requests.rule("443", direction: "outbound")]
        let sg = try host.must("POST", "/spider/securitygroup", json: Requests.securityGroup(connection, "sg-01", vpc: "vpc-01", rules: rules)).json
        ids.securityGroup = systemID(sg["IId"])
        #expect(systemID(sg["VpcIID"]) == ids.vpc)
        try witness.securityGroup(ids.securityGroup, vpc: ids.vpc, inbound: ["tcp 22-22 0.0.0.0/0", "tcp 80-443 10.0.0.0/8"],
                                  outbound: ["tcp 443-443 0.0.0.0/0"])

        // Key pair: the private key only in the create answer.
        let key = try host.must("POST", "/spider/keypair", json: Requests.keyPair(connection, "key-01")).json
        ids.keyPair = systemID(key["IId"])
        #expect((key["PrivateKey"] as? String)?.contains("PRIVATE KEY") == true)
        let fingerprint = try #require(key["Fingerprint"] as? String)
        try witness.keyPair(ids.keyPair, name: "key-01", fingerprint: fingerprint)

        // VM in them, then its status.
        let vm = try host.must("POST", "/spider/vm", json: Requests.vm(connection, "vm-01", vpc: "vpc-01", subnet: "subnet-01",
                                                                      securityGroups: ["sg-01"], keyPair: "key-01", image: image, spec: spec)).json
        ids.vm = systemID(vm["IId"])
        #expect(systemID(vm["VpcIID"]) == ids.vpc && systemID(vm["SubnetIID"]) == ids.subnet && systemID(vm["KeyPairIId"]) == ids.keyPair)
        #expect(vm["VMSpecName"] as? String == spec)
        try expectStatus(host, q, "Running")
        try witness.vm(ids, image: image, spec: spec, status: "Running")

        // Suspend, resume, reboot: Spider's status and the cloud's follow.
        for (action, settled) in [("suspend", "Suspended"), ("resume", "Running"), ("reboot", "Running")] {
            try host.must("GET", "/spider/controlvm/vm-01\(q)&action=\(action)")
            try expectStatus(host, q, settled)
            try witness.vm(ids, image: image, spec: spec, status: settled)
        }

        // Disk: create, attach to the VM, detach, delete.
        let disk = try host.must("POST", "/spider/disk", json: Requests.disk(connection, "disk-01")).json
        ids.disk = systemID(disk["IId"])
        #expect(disk["Status"] as? String == "Available")
        try witness.disk(ids.disk, attachedTo: nil, exists: true)
        let attached = try host.must("PUT", "/spider/disk/disk-01/attach", json: Requests.diskVM(connection, "vm-01")).json
        #expect(attached["Status"] as? String == "Attached" && systemID(attached["OwnerVM"]) == ids.vm)
        try witness.disk(ids.disk, attachedTo: ids.vm, exists: true)
        try host.must("PUT", "/spider/disk/disk-01/detach", json: Requests.diskVM(connection, "vm-01"))
        #expect(try host.must("GET", "/spider/disk/disk-01\(q)").json["Status"] as? String == "Available")
        try witness.disk(ids.disk, attachedTo: nil, exists: true)
        try host.must("DELETE", "/spider/disk/disk-01", json: only)
        try witness.disk(ids.disk, attachedTo: nil, exists: false)

        // MyImage: a snapshot of the VM, then deleted.
        let myImage = try host.must("POST", "/spider/myimage", json: Requests.myImage(connection, "image-01", sourceVM: "vm-01")).json
        ids.myImage = systemID(myImage["IId"])
        #expect(systemID(myImage["SourceVM"]) == ids.vm && myImage["Status"] as? String == "Available")
        try witness.myImage(ids.myImage, sourceVM: ids.vm, exists: true)
        try host.must("DELETE", "/spider/myimage/image-01", json: only)
        try witness.myImage(ids.myImage, sourceVM: ids.vm, exists: false)

        // NLB over the VM: every driver of this scenario has one, and says so.
        let capability = try host.must("GET", "/spider/driver/capability\(q)")
        #expect(capability.json["nlbhandler"] as? Bool == true, "\(connection): \(capability.text)")
        let nlb = try host.must("POST", "/spider/nlb", json: Requests.nlb(connection, "nlb-01", vpc: "vpc-01", vms: ["vm-01"])).json
        ids.nlb = systemID(nlb["IId"])
        #expect(((nlb["VMGroup"] as? [String: Any])?["VMs"] as? [Any])?.map(systemID) == [ids.vm])
        try witness.nlb(ids.nlb, vms: [ids.vm], exists: true)

        // A tag on the VM.
        let tag: [String: Any] = ["ConnectionName": connection,
                                  "ReqInfo": ["ResourceType": "VM", "ResourceName": "vm-01", "Tag": ["Key": "env", "Value": "full-test"]] as [String: Any]]
        try host.must("POST", "/spider/tag", json: tag)
        let tagged = try host.must("GET", "/spider/tag/env\(q)&ResourceType=VM&ResourceName=vm-01").json
        #expect(tagged["Value"] as? String == "full-test")
        try witness.vmTags(ids.vm, ["env": "full-test"])

        try whileAllExist(ids)

        // Teardown, in dependency order; each step seen by the witness.
        try host.must("DELETE", "/spider/nlb/nlb-01", json: only)
        try witness.nlb(ids.nlb, vms: [], exists: false)
        try host.must("DELETE", "/spider/vm/vm-01", json: only)
        try host.expect("GET", "/spider/vm/vm-01\(q)", status: 404)
        try host.must("DELETE", "/spider/keypair/key-01", json: only)
        try host.must("DELETE", "/spider/securitygroup/sg-01", json: only)
        try host.must("DELETE", "/spider/vpc/vpc-01", json: only)
        try witness.allGone(ids)
        var lists = [("vpc", "vpc"), ("securitygroup", "securitygroup"), ("keypair", "keypair"), ("vm", "vm"), ("vmstatus", "vmstatus"),
                     ("disk", "disk"), ("myimage", "myImage"), ("nlb", "nlb")]
        for (path, key) in lists {
            let r = try host.must("GET", "/spider/\(path)\(q)")
            #expect(r.list(key).isEmpty, "\(connection): \(path) list after teardown: \(r.text)")
        }
        return ids
    }

    /// vm-01's status alone and in the status list (moto and the Mock without MockSettleMs settle at once).
    static func expectStatus(_ host: HostProcess, _ q: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let status = try host.must("GET", "/spider/vmstatus/vm-01\(q)").json["Status"] as? String ?? ""
        #expect(status == expected, sourceLocation: sourceLocation)
        let all = try host.must("GET", "/spider/vmstatus\(q)").list("vmstatus")
        #expect(all.map { "\(($0["IId"] as? [String: Any])?["NameId"] ?? "")=\($0["VmStatus"] ?? "")" } == ["vm-01=\(expected)"],
                sourceLocation: sourceLocation)
    }
}
