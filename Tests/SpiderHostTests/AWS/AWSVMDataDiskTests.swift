// vm.start with data disks (DataDiskNames → DataDiskIIDs) through a real spiderd against moto: the
// disks are attached to the new VM in moto, bad disks are refused before anything is launched, a
// failed attach leaves no VM behind, and vm.terminate gives the disks back. moto attaches any
// volume anywhere, so these tests also show that the driver's own checks are what refuse.
import Foundation
import Glibc
import Testing

@Suite("AWS driver against moto: data disks at vm.start", .serialized)
struct AWSVMDataDiskTests {
    static let region = AWSNetworkTests.region

    @Test("two disks: attached in moto on distinct devices, listed by the VM, owned by it; terminate gives them back")
    func startWithTwoDisks() throws {
        let (moto, host, c) = try AWSNetworkTests.stack()
        try Self.network(host, c.name)
        let diskIDs = try ["data-a", "data-b"].map { try Self.disk(host, c.name, $0) }

        try moto.startRecording()
        let vm = try host.must("POST", "/spider/vm", json: try Self.vm(moto, c.name, "vm-01", disks: ["data-a", "data-b"])).json
        let vmID = try #require((vm["IId"] as? [String: Any])?["SystemId"] as? String)
        // Checked before the launch with one look-up each; attached after it, then read back once.
        let actions = try moto.recordedActions()
        let launch = try #require(actions.firstIndex(of: "RunInstances"))
        #expect(actions[..<launch].filter { $0 == "DescribeVolumes" }.count == 1, "\(actions)")
        #expect(actions[..<launch].filter { $0 == "DescribeSubnets" }.count == 1, "\(actions)")
        #expect(Array(actions[launch...]) == ["RunInstances", "DescribeInstances", "AttachVolume", "AttachVolume", "DescribeInstances"])

        // moto: both volumes in use by the new instance, each on its own device.
        var devices: [String] = []
        for id in diskIDs {
            let volume = try AWSStorageTests.volume(moto, id)
            #expect(volume["State"] as? String == "in-use")
            let attachments = volume["Attachments"] as? [[String: Any]] ?? []
            #expect(attachments.count == 1 && attachments.first?["InstanceId"] as? String == vmID, "\(attachments)")
            devices += attachments.compactMap { $0["Device"] as? String }
        }
        #expect(Set(devices) == ["/dev/sdf", "/dev/sdg"], "\(devices)")

        // The answer lists the disks by their Spider names, as a later vm.get does; the disks say who owns them.
        #expect(Set(Self.dataDisks(vm)) == ["data-a", "data-b"])
        #expect(Self.dataDisks(try host.must("GET", "/spider/vm/vm-01\(c.query)").json) == Self.dataDisks(vm))
        for name in ["data-a", "data-b"] {
            let disk = try host.must("GET", "/spider/disk/\(name)\(c.query)").json
            #expect(disk["Status"] as? String == "Attached" && AWSStorageTests.name(disk["OwnerVM"]) == "vm-01", "\(disk)")
        }

        // Terminate: AWS detaches the disks itself (they are not DeleteOnTermination); they stay and are free.
        try host.must("DELETE", "/spider/vm/vm-01", json: Requests.connection(c.name))
        for id in diskIDs {
            let volume = try AWSStorageTests.volume(moto, id)
            #expect(volume["State"] as? String == "available")
            #expect((volume["Attachments"] as? [[String: Any]] ?? []).isEmpty)
        }
        for name in ["data-a", "data-b"] {
            #expect(try host.must("GET", "/spider/disk/\(name)\(c.query)").json["Status"] as? String == "Available")
        }
    }

    @Test("refused before the launch: a disk attached elsewhere (409), in another zone (400), gone from AWS (404)")
    func badDisksLaunchNothing() throws {
        let (moto, host, c) = try AWSNetworkTests.stack()
        try Self.network(host, c.name)
        _ = try Self.disk(host, c.name, "data-a")
        // A disk made outside Spider in another zone (the AWS driver makes disks in its own zone
        // only), brought under Spider's name.
        let farID = try #require(try moto.ec2(Self.region, "create_volume", ["AvailabilityZone": "\(Self.region)b", "Size": 1])["VolumeId"]
                                 as? String)
        try host.must("POST", "/spider/regdisk", json: ["ConnectionName": c.name, "ReqInfo": ["Name": "data-far", "CSPId": farID]])
        let goneID = try Self.disk(host, c.name, "data-gone")
        try host.must("POST", "/spider/vm", json: try Self.vm(moto, c.name, "vm-01", disks: ["data-a"]))
        let before = try Self.instanceIDs(moto)

        try moto.startRecording()
        try host.expect("POST", "/spider/vm", json: try Self.vm(moto, c.name, "vm-02", disks: ["data-a"]), status: 409,
                        mentioning: ["DataDiskIIDs[0]", "data-a", "already attached", "vm-01"])
        try host.expect("POST", "/spider/vm", json: try Self.vm(moto, c.name, "vm-02", disks: ["data-far"]), status: 400,
                        mentioning: ["DataDiskIIDs[0]", "data-far", "\(Self.region)b", "\(Self.region)a"])
        _ = try moto.ec2(Self.region, "delete_volume", ["VolumeId": goneID])
        try host.expect("POST", "/spider/vm", json: try Self.vm(moto, c.name, "vm-02", disks: ["data-gone"]), status: 404,
                        mentioning: ["DataDiskIIDs[0]", "data-gone", "does not exist"])

        // Nothing was launched, and the refused disks are as they were.
        #expect(!(try moto.recordedActions()).contains("RunInstances"))
        #expect(try Self.instanceIDs(moto) == before)
        try host.expect("GET", "/spider/vm/vm-02\(c.query)", status: 404)
        #expect(try AWSStorageTests.volume(moto, farID)["State"] as? String == "available")
    }

    @Test("an attach AWS refuses after the launch: the error names the disk, and the new VM is terminated")
    func failedAttachTerminatesTheVM() throws {
        let (moto, host, _) = try AWSNetworkTests.stack()
        // A connection through a loopback relay to moto that refuses the second AttachVolume as AWS
        // refuses a user without the ec2:AttachVolume permission (moto itself never refuses one).
        let relay = try AWSRelay(upstream: moto.endpoint, refusing: [.action("AttachVolume", number: 2)])
        let c = try AWSStack.connect(host, tag: "aws-relay", region: Self.region, keys: [("Endpoint", relay.endpoint)])
        try Self.network(host, c.name)
        let diskIDs = try ["data-a", "data-b"].map { try Self.disk(host, c.name, $0) }

        try host.expect("POST", "/spider/vm", json: try Self.vm(moto, c.name, "vm-01", disks: ["data-a", "data-b"]), status: 403,
                        mentioning: ["DataDiskIIDs[1]", "data-b", "UnauthorizedOperation", "terminated"])

        // moto: the one instance launched is terminated; both disks exist and are free again
        // (data-a had been attached before data-b was refused).
        let instances = MotoView.items(try moto.ec2(Self.region, "describe_instances"), "Reservations")
            .flatMap { $0["Instances"] as? [[String: Any]] ?? [] }
        #expect(instances.count == 1)
        #expect(instances.allSatisfy { ($0["State"] as? [String: Any])?["Name"] as? String == "terminated" }, "\(instances)")
        for id in diskIDs {
            let volume = try AWSStorageTests.volume(moto, id)
            #expect(volume["State"] as? String == "available" && (volume["Attachments"] as? [[String: Any]] ?? []).isEmpty)
        }
        // Spider has no VM by that name, and the name is free for the next try.
        try host.expect("GET", "/spider/vm/vm-01\(c.query)", status: 404)
        #expect(try host.must("GET", "/spider/vm\(c.query)").list("vm").isEmpty)
        #expect(relay.refused == 1)
    }

    // MARK: helpers

    /// vpc-01 with subnet-01 (in the connection's zone), sg-01 and key-01.
    static func network(_ host: HostProcess, _ connection: String) throws {
        try host.must("POST", "/spider/vpc", json: Requests.vpc(connection, "vpc-01", subnets: [("subnet-01", "10.0.1.0/24")]))
        try host.must("POST", "/spider/securitygroup", json: Requests.securityGroup(connection, "sg-01", vpc: "vpc-01",
                                                                                    rules: [Requests.rule("22")]))
        try host.must("POST", "/spider/keypair", json: Requests.keyPair(connection, "key-01"))
    }

    /// A disk made through the host; its volume ID.
    static func disk(_ host: HostProcess, _ connection: String, _ name: String) throws -> String {
        let disk = try host.must("POST", "/spider/disk", json: Requests.disk(connection, name)).json
        return try #require((disk["IId"] as? [String: Any])?["SystemId"] as? String)
    }

    /// A VM start request in the network above with these data disks.
    static func vm(_ moto: MotoServer, _ connection: String, _ name: String, disks: [String]) throws -> [String: Any] {
        let imageID = try #require(try AWSComputeTests.image(moto)["ImageId"] as? String)
        var body = Requests.vm(connection, name, vpc: "vpc-01", subnet: "subnet-01", securityGroups: ["sg-01"], keyPair: "key-01",
                               image: imageID, spec: "t3.micro")
        var info = body["ReqInfo"] as? [String: Any] ?? [:]
        info["DataDiskNames"] = disks
        // With a root disk size the root volume is at the image's root device in moto too (without
        // one moto puts it at /dev/sda1, which the VM would list as a data disk).
        info["RootDiskSize"] = "20"
        body["ReqInfo"] = info
        return body
    }

    static func dataDisks(_ vm: [String: Any]) -> [String] {
        (vm["DataDiskIIDs"] as? [[String: Any]] ?? []).compactMap { $0["NameId"] as? String }
    }

    static func instanceIDs(_ moto: MotoServer) throws -> Set<String> {
        Set(MotoView.items(try moto.ec2(region, "describe_instances"), "Reservations")
            .flatMap { $0["Instances"] as? [[String: Any]] ?? [] }.compactMap { $0["InstanceId"] as? String })
    }
}
