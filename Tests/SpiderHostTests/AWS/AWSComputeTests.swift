// The AWS driver's compute part in a real spiderd against moto's server: public images and VM
// specs read from moto's catalogue, then a VM started in a VPC with a security group and a key
// pair, driven through status → suspend → resume → reboot → terminate. After each step moto's own
// view (boto3) must show what the driver says it did.
import Foundation
import SpiderModels
import Testing

@Suite("AWS driver against moto: images, VM specs, VM lifecycle", .serialized)
struct AWSComputeTests {
    static let region = AWSNetworkTests.region
    /// A moto AMI by its AWS name (moto's IDs are fixed by its catalogue; found by name all the same).
    static let imageName = "amzn2-ami-hvm-2.0.20180810-x86_64-gp2"

    static func image(_ moto: MotoServer) throws -> [String: Any] {
        let found = MotoView.items(try moto.ec2(region, "describe_images", filters: ["name": [imageName]]), "Images")
        return try #require(found.first, "moto has no image named \(imageName)")
    }

    @Test("image.list: the listed OS families of Amazon and the distributions' publishers, not the whole catalogue; image.get by AMI ID")
    func images() throws {
        let (moto, host, c) = try AWSNetworkTests.stack()
        let listed = try host.must("GET", "/spider/vmimage\(c.query)").list("image")
        let all = MotoView.items(try moto.ec2(Self.region, "describe_images"), "Images")
        #expect(!listed.isEmpty && listed.count < all.count, "\(listed.count) of \(all.count)")
        // Exactly what the same filters select in moto.
        let patterns = ["al2023-ami-2023*", "amzn2-ami-hvm-*", "amzn-ami-hvm-*", "ubuntu/images/*ubuntu-*-server-*", "debian-*",
                        "RHEL-*", "suse-sles-*", "Windows_Server-20*-English-Full-Base-*"]
        let same = MotoView.items(try moto.ec2(Self.region, "describe_images", filters: ["name": patterns, "state": ["available"]],
                                               ["Owners": ["amazon", "099720109477", "136693071363", "309956199498"]]), "Images")
        #expect(Set(listed.compactMap { $0["Name"] as? String }) == Set(same.compactMap { $0["ImageId"] as? String }))

        let awsImage = try Self.image(moto)
        let id = try #require(awsImage["ImageId"] as? String)
        let got = try host.must("GET", "/spider/vmimage/\(id)\(c.query)&refresh=true").json
        #expect((got["IId"] as? [String: Any])?["SystemId"] as? String == id)
        #expect(got["Name"] as? String == id)
        #expect(got["OSArchitecture"] as? String == awsImage["Architecture"] as? String)
        #expect(got["OSPlatform"] as? String == "Linux/UNIX")
        #expect(got["ImageStatus"] as? String == "Available")
        let rootSize = ((awsImage["BlockDeviceMappings"] as? [[String: Any]])?.first?["Ebs"] as? [String: Any])?["VolumeSize"] as? Int
        #expect(got["OSDiskSizeGB"] as? String == rootSize.map(String.init))
        let keyValues = got["KeyValueList"] as? [[String: Any]] ?? []
        #expect(keyValues.contains { $0["Key"] as? String == "ImageName" && $0["Value"] as? String == Self.imageName })
        // By AWS's image name too; an AMI that does not exist is NOT_FOUND with AWS's code.
        let byName = try host.must("GET", "/spider/vmimage/\(Self.imageName.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)\(c.query)").json
        #expect(byName["Name"] as? String == id)
        try host.expect("GET", "/spider/vmimage/ami-00000000000000000\(c.query)", status: 404, mentioning: ["InvalidAMIID.NotFound"])
    }

    @Test("vmspec: t3.micro and a GPU type as moto describes them; the org record; an unknown type is NOT_FOUND")
    func specs() throws {
        let (moto, host, c) = try AWSNetworkTests.stack()
        let types = MotoView.items(try moto.ec2(Self.region, "describe_instance_types",
                                                ["InstanceTypes": ["t3.micro", "g4dn.12xlarge"]]), "InstanceTypes")
        let micro = try #require(types.first { $0["InstanceType"] as? String == "t3.micro" })
        let spec = try host.must("GET", "/spider/vmspec/t3.micro\(c.query)").json
        #expect(spec["Name"] as? String == "t3.micro")
        #expect(spec["Region"] as? String == Self.region)
        #expect((spec["VCpu"] as? [String: Any])?["Count"] as? String == ((micro["VCpuInfo"] as? [String: Any])?["DefaultVCpus"] as? Int).map(String.init))
        #expect(spec["MemSizeMiB"] as? String == ((micro["MemoryInfo"] as? [String: Any])?["SizeInMiB"] as? Int).map(String.init))
        #expect(spec["Gpu"] == nil)

        let gpuType = try #require(types.first { $0["InstanceType"] as? String == "g4dn.12xlarge" })
        let awsGPU = try #require(((gpuType["GpuInfo"] as? [String: Any])?["Gpus"] as? [[String: Any]])?.first)
        let gpu = try #require((try host.must("GET", "/spider/vmspec/g4dn.12xlarge\(c.query)").json["Gpu"] as? [[String: Any]])?.first)
        #expect(gpu["Count"] as? String == (awsGPU["Count"] as? Int).map(String.init))
        #expect(gpu["Mfr"] as? String == awsGPU["Manufacturer"] as? String)
        #expect(gpu["Model"] as? String == awsGPU["Name"] as? String)

        let org = try host.must("GET", "/spider/vmorgspec/t3.micro\(c.query)").json
        #expect((org["VMSpecInfo"] as? [String: Any])?["instanceType"] as? String == "t3.micro")
        try host.expect("GET", "/spider/vmspec/t9.nope\(c.query)", status: 404, mentioning: ["t9.nope"])

        // The whole list: every type moto has in the region (paged by the driver), t3.micro among them.
        let listed = try host.must("GET", "/spider/vmspec\(c.query)").list("vmspec")
        let all = MotoView.items(try moto.ec2(Self.region, "describe_instance_types"), "InstanceTypes")
        #expect(listed.count == all.count)
        #expect(listed.contains { $0["Name"] as? String == "t3.micro" && $0["MemSizeMiB"] as? String == "1024" })
    }

    @Test("VM: start in a VPC with a security group and key pair → status → suspend/resume/reboot → terminate, each seen in moto")
    func vmLifecycle() throws {
        let (moto, host, c) = try AWSNetworkTests.stack()
        let image = try Self.image(moto)
        let imageID = try #require(image["ImageId"] as? String)
        try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01", subnets: [("subnet-01", "10.0.1.0/24")]))
        try host.must("POST", "/spider/securitygroup", json: Requests.securityGroup(c.name, "sg-01", vpc: "vpc-01", rules: [Requests.rule("22")]))
        try host.must("POST", "/spider/securitygroup", json: Requests.securityGroup(c.name, "sg-02", vpc: "vpc-01", rules: [Requests.rule("80")]))
        let key = try host.must("POST", "/spider/keypair", json: Requests.keyPair(c.name, "key-01")).json
        let publicKey = try #require(key["PublicKey"] as? String)

        // References missing in AWS are NOT_FOUND naming them, before anything is launched.
        var bad = Requests.vm(c.name, "vm-bad", vpc: "vpc-01", subnet: "subnet-01", securityGroups: ["sg-01"], keyPair: "key-01",
                              image: imageID, spec: "t9.nope")
        try host.expect("POST", "/spider/vm", json: bad, status: 404, mentioning: ["t9.nope"])
        bad = Requests.vm(c.name, "vm-bad", vpc: "vpc-01", subnet: "subnet-01", securityGroups: ["sg-01"], keyPair: "key-01",
                          image: "ami-00000000000000000", spec: "t3.micro")
        try host.expect("POST", "/spider/vm", json: bad, status: 404, mentioning: ["ami-00000000000000000"])
        #expect(MotoView.items(try moto.ec2(Self.region, "describe_instances"), "Reservations").isEmpty)

        var request = Requests.vm(c.name, "vm-01", vpc: "vpc-01", subnet: "subnet-01", securityGroups: ["sg-01", "sg-02"],
                                  keyPair: "key-01", image: imageID, spec: "t3.micro")
        var info = request["ReqInfo"] as! [String: Any]
        info["RootDiskType"] = "gp3"
        info["RootDiskSize"] = "20"
        info["TagList"] = [["Key": "env", "Value": "test"]]
        request["ReqInfo"] = info
        let vm = try host.must("POST", "/spider/vm", json: request).json
        let vmID = try #require((vm["IId"] as? [String: Any])?["SystemId"] as? String)

        // moto's instance: state, tags, subnet, groups, key, root volume, user data.
        var instance = try Self.instance(moto, vmID)
        #expect((instance["State"] as? [String: Any])?["Name"] as? String == "running")
        #expect(MotoView.nameTag(instance) == "vm-01")
        #expect((instance["Tags"] as? [[String: Any]])?.contains { $0["Key"] as? String == "env" && $0["Value"] as? String == "test" } == true)
        #expect(instance["InstanceType"] as? String == "t3.micro")
        #expect(instance["ImageId"] as? String == imageID)
        #expect(instance["KeyName"] as? String == "key-01")
        let subnets = MotoView.items(try moto.ec2(Self.region, "describe_subnets", filters: ["tag:Name": ["subnet-01"]]), "Subnets")
        #expect(instance["SubnetId"] as? String == subnets.first?["SubnetId"] as? String)
        let groupIDs = try ["sg-01", "sg-02"].map { name in
            try #require(MotoView.items(try moto.ec2(Self.region, "describe_security_groups", filters: ["tag:Name": [name]]),
                                        "SecurityGroups").first?["GroupId"] as? String)
        }
        let primary = (instance["NetworkInterfaces"] as? [[String: Any]])?.first
        #expect(Set((primary?["Groups"] as? [[String: Any]] ?? []).compactMap { $0["GroupId"] as? String }) == Set(groupIDs))
        let rootVolumeID = try #require((instance["BlockDeviceMappings"] as? [[String: Any]])?
            .first { $0["DeviceName"] as? String == instance["RootDeviceName"] as? String }
            .flatMap { ($0["Ebs"] as? [String: Any])?["VolumeId"] as? String })
        let volume = try #require(MotoView.items(try moto.ec2(Self.region, "describe_volumes", ["VolumeIds": [rootVolumeID]]), "Volumes").first)
        #expect(volume["Size"] as? Int == 20)
        #expect(volume["VolumeType"] as? String == "gp3")
        #expect(MotoView.nameTag(volume) == "vm-01")
        let userData = try moto.ec2(Self.region, "describe_instance_attribute", ["InstanceId": vmID, "Attribute": "userData"])
        let encoded = try #require((userData["UserData"] as? [String: Any])?["Value"] as? String)
        let script = String(decoding: Data(base64Encoded: encoded) ?? Data(), as: UTF8.self)
        #expect(script.hasPrefix("#cloud-config"))
        #expect(script.contains("name: cb-user"))
        #expect(script.contains(publicKey.trimmingCharacters(in: .whitespacesAndNewlines)))

        // What Spider answers matches: names through the host's map, IPs and the root disk as in moto.
        #expect(((vm["VpcIID"] as? [String: Any])?["NameId"] as? String) == "vpc-01")
        #expect(((vm["SubnetIID"] as? [String: Any])?["NameId"] as? String) == "subnet-01")
        #expect(Set((vm["SecurityGroupIIds"] as? [[String: Any]] ?? []).compactMap { $0["NameId"] as? String }) == ["sg-01", "sg-02"])
        #expect(((vm["KeyPairIId"] as? [String: Any])?["NameId"] as? String) == "key-01")
        #expect(vm["RootDiskSize"] as? String == "20")
        #expect(vm["RootDiskType"] as? String == "gp3")
        #expect(vm["VMUserId"] as? String == "cb-user")
        #expect(vm["VMSpecName"] as? String == "t3.micro")
        #expect(vm["PublicIP"] as? String == instance["PublicIpAddress"] as? String && !(vm["PublicIP"] as? String ?? "").isEmpty)
        #expect(vm["PrivateIP"] as? String == instance["PrivateIpAddress"] as? String)
        #expect((vm["Region"] as? [String: Any])?["Zone"] as? String == (instance["Placement"] as? [String: Any])?["AvailabilityZone"] as? String)
        #expect((vm["TagList"] as? [[String: Any]])?.map { "\($0["Key"] ?? "")=\($0["Value"] ?? "")" } == ["env=test"])
        #expect(try host.must("GET", "/spider/vm\(c.query)").list("vm").compactMap { ($0["IId"] as? [String: Any])?["NameId"] as? String } == ["vm-01"])
        try Self.expectStatus(host, c, "Running")

        // Control: suspend and resume are idempotent (a second one succeeds and changes nothing, as in
        // CB-Spider); reboot needs a running VM (CONFLICT otherwise); AWS's state follows.
        #expect(try host.must("GET", "/spider/controlvm/vm-01\(c.query)&action=resume").json["Status"] as? String == "Resuming")
        #expect((try Self.instance(moto, vmID)["State"] as? [String: Any])?["Name"] as? String == "running")
        #expect(try host.must("GET", "/spider/controlvm/vm-01\(c.query)&action=suspend").json["Status"] as? String == "Suspending")
        instance = try Self.instance(moto, vmID)
        #expect((instance["State"] as? [String: Any])?["Name"] as? String == "stopped")
        try Self.expectStatus(host, c, "Suspended")
        #expect(try host.must("GET", "/spider/controlvm/vm-01\(c.query)&action=suspend").json["Status"] as? String == "Suspending")
        #expect((try Self.instance(moto, vmID)["State"] as? [String: Any])?["Name"] as? String == "stopped")
        try host.expect("GET", "/spider/controlvm/vm-01\(c.query)&action=reboot", status: 409, mentioning: ["Suspended"])
        #expect(try host.must("GET", "/spider/controlvm/vm-01\(c.query)&action=resume").json["Status"] as? String == "Resuming")
        #expect((try Self.instance(moto, vmID)["State"] as? [String: Any])?["Name"] as? String == "running")
        try Self.expectStatus(host, c, "Running")
        #expect(try host.must("GET", "/spider/controlvm/vm-01\(c.query)&action=reboot").json["Status"] as? String == "Rebooting")
        #expect((try Self.instance(moto, vmID)["State"] as? [String: Any])?["Name"] as? String == "running")
        try Self.expectStatus(host, c, "Running")

        // While the VM lives, its key pair cannot go.
        try host.expect("DELETE", "/spider/keypair/key-01", json: Requests.connection(c.name), status: 409, mentioning: ["vm-01"])

        // Terminate: AWS's instance is terminated, Spider forgets the VM.
        #expect(try host.must("DELETE", "/spider/vm/vm-01", json: Requests.connection(c.name)).json["Status"] as? String == "Terminating")
        #expect((try Self.instance(moto, vmID)["State"] as? [String: Any])?["Name"] as? String == "terminated")
        try host.expect("GET", "/spider/vm/vm-01\(c.query)", status: 404)
        #expect(try host.must("GET", "/spider/vm\(c.query)").list("vm").isEmpty)

        // Teardown now goes through.
        try host.must("DELETE", "/spider/keypair/key-01", json: Requests.connection(c.name))
        try host.must("DELETE", "/spider/securitygroup/sg-01", json: Requests.connection(c.name))
        try host.must("DELETE", "/spider/securitygroup/sg-02", json: Requests.connection(c.name))
        try host.must("DELETE", "/spider/vpc/vpc-01", json: Requests.connection(c.name))
        #expect(MotoView.items(try moto.ec2(Self.region, "describe_vpcs", filters: ["tag:Name": ["vpc-01"]]), "Vpcs").isEmpty)
    }

    @Test("VM without a root disk size: the root volume is the image's size, on its root device, deleted with the VM; no data disks")
    func defaultRootDisk() throws {
        let (moto, host, c) = try AWSNetworkTests.stack()
        let image = try Self.image(moto)
        let imageRoot = try #require((image["BlockDeviceMappings"] as? [[String: Any]])?
            .first { $0["DeviceName"] as? String == image["RootDeviceName"] as? String }?["Ebs"] as? [String: Any])
        let imageID = try AWSKnownResourcesTests.network(host, c, moto)
        let vm = try host.must("POST", "/spider/vm", json: AWSKnownResourcesTests.vm(c, "vm-01", image: imageID)).decode(VMInfo.self)
        #expect(vm.DataDiskIIDs == nil || vm.DataDiskIIDs?.isEmpty == true)
        #expect(vm.RootDeviceName == image["RootDeviceName"] as? String)
        #expect(vm.RootDiskSize == (imageRoot["VolumeSize"] as? Int).map(String.init))
        let instance = try Self.instance(moto, vm.IId.SystemId)
        let mappings = instance["BlockDeviceMappings"] as? [[String: Any]] ?? []
        #expect(mappings.map { $0["DeviceName"] as? String } == [image["RootDeviceName"] as? String])
        #expect((mappings.first?["Ebs"] as? [String: Any])?["DeleteOnTermination"] as? Bool == true)
    }

    /// moto's record of an instance.
    static func instance(_ moto: MotoServer, _ id: String) throws -> [String: Any] {
        let reservations = MotoView.items(try moto.ec2(region, "describe_instances", ["InstanceIds": [id]]), "Reservations")
        guard let instance = (reservations.first?["Instances"] as? [[String: Any]])?.first else {
            throw TestFailure("moto has no instance \(id)")
        }
        return instance
    }

    /// vm-01's status, alone and in the status list.
    static func expectStatus(_ host: HostProcess, _ c: RegisteredConnection, _ expected: String,
                             sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try host.must("GET", "/spider/vmstatus/vm-01\(c.query)").json["Status"] as? String == expected,
                sourceLocation: sourceLocation)
        let all = try host.must("GET", "/spider/vmstatus\(c.query)").list("vmstatus")
        #expect(all.map { "\(($0["IId"] as? [String: Any])?["NameId"] ?? "")=\($0["VmStatus"] ?? "")" } == ["vm-01=\(expected)"],
                sourceLocation: sourceLocation)
    }
}
