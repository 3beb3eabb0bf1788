// The AWS driver's storage in a real spiderd against moto: EBS disks (create, resize, attach to a
// VM the host started, detach, delete), tags on a VPC, and a MyImage made from that VM. After each
// step moto's own view (boto3) must show what the driver says it did.
import Foundation
import SpiderClient
import Testing

@Suite("AWS driver against moto: disks, tags, MyImages", .serialized)
struct AWSStorageTests {
    static let region = AWSNetworkTests.region

    @Test("disk: create → list → resize (grow only) → attach/detach on a VM → delete, each checked in moto")
    func diskFlow() throws {
        let (moto, host, c) = try AWSNetworkTests.stack()

        // Created in the connection's zone with the asked type and size, tagged by name.
        let disk = try host.must("POST", "/spider/disk", json: Requests.disk(c.name, "disk-01", type: "gp3", size: "20")).json
        #expect(disk["Status"] as? String == "Available")
        #expect(disk["DiskType"] as? String == "gp3" && disk["DiskSize"] as? String == "20")
        #expect(disk["Zone"] as? String == "\(Self.region)a")
        let diskID = try #require((disk["IId"] as? [String: Any])?["SystemId"] as? String)
        var volume = try Self.volume(moto, diskID)
        #expect(MotoView.nameTag(volume) == "disk-01")
        #expect(volume["Size"] as? Int == 20 && volume["VolumeType"] as? String == "gp3")
        #expect(volume["AvailabilityZone"] as? String == "\(Self.region)a")

        // Defaults: AWS's default type at its smallest size. A bad size is refused before AWS is asked.
        let small = try host.must("POST", "/spider/disk", json: Requests.disk(c.name, "disk-02")).json
        let smallID = try #require((small["IId"] as? [String: Any])?["SystemId"] as? String)
        #expect(try Self.volume(moto, smallID)["VolumeType"] as? String == "gp2")
        #expect(try Self.volume(moto, smallID)["Size"] as? Int == 1)
        try host.expect("POST", "/spider/disk", json: Requests.disk(c.name, "disk-bad", type: "st1", size: "10"), status: 400,
                        mentioning: ["DiskSize", "125"])
        #expect(Set(try host.must("GET", "/spider/disk\(c.query)").list("disk").compactMap { Self.name($0["IId"]) })
                == ["disk-01", "disk-02"])

        // Resize grows the volume; the same or a smaller size is refused and moto keeps 30.
        try host.must("PUT", "/spider/disk/disk-01/size", json: Requests.diskSize(c.name, "30"))
        #expect(try Self.volume(moto, diskID)["Size"] as? Int == 30)
        for size in ["30", "10"] {
            try host.expect("PUT", "/spider/disk/disk-01/size", json: Requests.diskSize(c.name, size), status: 400, mentioning: ["only grow"])
        }
        #expect(try Self.volume(moto, diskID)["Size"] as? Int == 30)
        #expect(try host.must("GET", "/spider/disk/disk-01\(c.query)").json["DiskSize"] as? String == "30")

        // Attach to a VM the host started in the same zone: moto shows the attachment at /dev/sdf.
        let vmID = try Self.startVM(moto, host, c, "vm-01")
        let attached = try host.must("PUT", "/spider/disk/disk-01/attach", json: Requests.diskVM(c.name, "vm-01")).json
        #expect(attached["Status"] as? String == "Attached")
        #expect(Self.name(attached["OwnerVM"]) == "vm-01")
        volume = try Self.volume(moto, diskID)
        #expect(volume["State"] as? String == "in-use")
        let attachment = (volume["Attachments"] as? [[String: Any]])?.first
        #expect(attachment?["InstanceId"] as? String == vmID)
        #expect(attachment?["Device"] as? String == "/dev/sdf")
        let got = try host.must("GET", "/spider/disk/disk-01\(c.query)").json
        #expect(got["Status"] as? String == "Attached" && Self.name(got["OwnerVM"]) == "vm-01")

        // Attached: a second attach and a delete are conflicts, and the volume stays.
        try host.expect("PUT", "/spider/disk/disk-01/attach", json: Requests.diskVM(c.name, "vm-01"), status: 409, mentioning: ["already attached"])
        try host.expect("DELETE", "/spider/disk/disk-01", json: Requests.connection(c.name), status: 409, mentioning: ["detach"])
        #expect(try Self.volume(moto, diskID)["State"] as? String == "in-use")

        // Detach: available again in moto; detaching a free disk is a conflict.
        try host.must("PUT", "/spider/disk/disk-01/detach", json: Requests.diskVM(c.name, "vm-01"))
        volume = try Self.volume(moto, diskID)
        #expect(volume["State"] as? String == "available")
        #expect((volume["Attachments"] as? [[String: Any]] ?? []).isEmpty)
        try host.expect("PUT", "/spider/disk/disk-01/detach", json: Requests.diskVM(c.name, "vm-01"), status: 409, mentioning: ["not attached"])

        // Delete: gone from moto and from the list.
        for name in ["disk-01", "disk-02"] {
            try host.must("DELETE", "/spider/disk/\(name)", json: Requests.connection(c.name))
        }
        #expect(MotoView.items(try moto.ec2(Self.region, "describe_volumes", filters: ["volume-id": [diskID, smallID]]), "Volumes").isEmpty)
        #expect(try host.must("GET", "/spider/disk\(c.query)").list("disk").isEmpty)
    }

    @Test("tags on a VPC: added, replaced, listed, got, found, removed; Name stays the Spider name; checked in moto")
    func vpcTags() throws {
        let (moto, host, c) = try AWSNetworkTests.stack()
        let vpc = try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01", subnets: [("subnet-01", "10.0.1.0/24")])).json
        let vpcID = try #require((vpc["IId"] as? [String: Any])?["SystemId"] as? String)

        for (key, value) in [("env", "dev"), ("team", "blue"), ("env", "prod")] {
            let added = try host.must("POST", "/spider/tag", json: Self.tagRequest(c.name, key, value)).json
            #expect(added["Key"] as? String == key && added["Value"] as? String == value)
        }
        #expect(try Self.awsTags(moto, vpcID) == ["Name": "vpc-01", "env": "prod", "team": "blue"])

        let target = "\(c.query)&ResourceType=VPC&ResourceName=vpc-01"
        let listed = try Self.array(try host.must("GET", "/spider/tag\(target)"))
        #expect(Dictionary(uniqueKeysWithValues: listed.map { ($0["Key"] as? String ?? "", $0["Value"] as? String ?? "") })
                == ["env": "prod", "team": "blue"])
        let one = try host.must("GET", "/spider/tag/team\(target)").json
        #expect(one["Key"] as? String == "team" && one["Value"] as? String == "blue")
        try host.expect("GET", "/spider/tag/owner\(target)", status: 404, mentioning: ["owner"])
        // The VPC as the driver reads it carries the same tags.
        let tagList = try host.must("GET", "/spider/vpc/vpc-01\(c.query)").json["TagList"] as? [[String: Any]] ?? []
        #expect(Set(tagList.compactMap { $0["Key"] as? String }) == ["env", "team"])

        // find: by key and value, by keyword (any case); subnets untagged but by name are not found.
        let byKey = try Self.array(try host.must("GET", "/spider/tag/find\(c.query)&ResourceType=all&Key=env&Value=prod"))
        #expect(byKey.map { Self.name($0["ResourceIId"]) } == ["vpc-01"])
        #expect(byKey.first?["ResourceType"] as? String == "vpc")
        let byKeyword = try Self.array(try host.must("GET", "/spider/tag/find\(c.query)&Keyword=BLU"))
        #expect(byKeyword.map { Self.name($0["ResourceIId"]) } == ["vpc-01"])
        #expect(try Self.array(try host.must("GET", "/spider/tag/find\(c.query)&ResourceType=SUBNET")).isEmpty)
        #expect(try Self.array(try host.must("GET", "/spider/tag/find\(c.query)&Key=env&Value=dev")).isEmpty)

        // Name is the Spider name: not changed through tags.
        try host.expect("POST", "/spider/tag", json: Self.tagRequest(c.name, "Name", "other"), status: 400, mentioning: ["Name"])
        #expect(try Self.awsTags(moto, vpcID)["Name"] == "vpc-01")

        // Remove: gone from moto; a key the VPC lacks is NOT_FOUND.
        let removeBody: [String: Any] = ["ConnectionName": c.name, "ReqInfo": ["ResourceType": "VPC", "ResourceName": "vpc-01"]]
        try host.must("DELETE", "/spider/tag/env", json: removeBody)
        #expect(try Self.awsTags(moto, vpcID) == ["Name": "vpc-01", "team": "blue"])
        try host.expect("DELETE", "/spider/tag/env", json: removeBody, status: 404, mentioning: ["env"])

        // A VPC removed behind Spider's back: its tags answer NOT_FOUND with AWS's code.
        try host.must("DELETE", "/spider/vpc/vpc-01", json: Requests.connection(c.name))
        try host.expect("GET", "/spider/tag\(target)", status: 404)
    }

    @Test("MyImage: snapshot of a VM → list/get → delete with its snapshots, checked in moto")
    func myImageFlow() throws {
        let (moto, host, c) = try AWSNetworkTests.stack()
        let vmID = try Self.startVM(moto, host, c, "vm-01")

        let made = try host.must("POST", "/spider/myimage", json: Requests.myImage(c.name, "image-01", sourceVM: "vm-01")).json
        let imageID = try #require((made["IId"] as? [String: Any])?["SystemId"] as? String)
        #expect(Self.name(made["SourceVM"]) == "vm-01")
        #expect(made["Status"] as? String == "Available")
        let image = try #require(MotoView.items(try moto.ec2(Self.region, "describe_images", ["ImageIds": [imageID]]), "Images").first)
        #expect(MotoView.nameTag(image) == "image-01")
        #expect(image["SourceInstanceId"] as? String == vmID)
        let snapshots = (image["BlockDeviceMappings"] as? [[String: Any]] ?? [])
            .compactMap { ($0["Ebs"] as? [String: Any])?["SnapshotId"] as? String }
        #expect(!snapshots.isEmpty)

        let listed = try host.must("GET", "/spider/myimage\(c.query)").list("myImage")
        #expect(listed.compactMap { Self.name($0["IId"]) } == ["image-01"])
        let got = try host.must("GET", "/spider/myimage/image-01\(c.query)").json
        #expect(Self.name(got["SourceVM"]) == "vm-01" && (got["CreatedTime"] as? String)?.isEmpty == false)

        // A VM terminated behind Spider's back cannot be snapshotted.
        _ = try moto.ec2(Self.region, "terminate_instances", ["InstanceIds": [vmID]])
        try host.expect("POST", "/spider/myimage", json: Requests.myImage(c.name, "image-02", sourceVM: "vm-01"), status: 409,
                        mentioning: ["terminated"])
        try host.must("DELETE", "/spider/myimage/image-01", json: Requests.connection(c.name))
        #expect(MotoView.items(try moto.ec2(Self.region, "describe_images", ["Owners": ["self"]]), "Images").isEmpty)
        #expect(MotoView.items(try moto.ec2(Self.region, "describe_snapshots", filters: ["snapshot-id": snapshots]), "Snapshots")
            .compactMap { $0["SnapshotId"] as? String } == [])
        #expect(try host.must("GET", "/spider/myimage\(c.query)").list("myImage").isEmpty)
    }

    // MARK: helpers

    /// vpc-01/subnet-01 (in the connection's zone), sg-01 and key-01, and a VM started by the host in them.
    static func startVM(_ moto: MotoServer, _ host: HostProcess, _ c: RegisteredConnection, _ name: String) throws -> String {
        let imageID = try #require(try AWSComputeTests.image(moto)["ImageId"] as? String)
        if try host.call("GET", "/spider/vpc/vpc-01\(c.query)").status == 404 {
            try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01", subnets: [("subnet-01", "10.0.1.0/24")]))
        }
        try host.must("POST", "/spider/securitygroup", json: Requests.securityGroup(c.name, "sg-01", vpc: "vpc-01", rules: [Requests.rule("22")]))
        try host.must("POST", "/spider/keypair", json: Requests.keyPair(c.name, "key-01"))
        let vm = try host.must("POST", "/spider/vm", json: Requests.vm(c.name, name, vpc: "vpc-01", subnet: "subnet-01",
                                                                      securityGroups: ["sg-01"], keyPair: "key-01",
                                                                      image: imageID, spec: "t3.micro")).json
        return try #require((vm["IId"] as? [String: Any])?["SystemId"] as? String)
    }

    static func tagRequest(_ connection: String, _ key: String, _ value: String) -> [String: Any] {
        ["ConnectionName": connection,
         "ReqInfo": ["ResourceType": "VPC", "ResourceName": "vpc-01", "Tag": ["Key": key, "Value": value]] as [String: Any]]
    }

    /// moto's record of a volume.
    static func volume(_ moto: MotoServer, _ id: String) throws -> [String: Any] {
        guard let volume = MotoView.items(try moto.ec2(region, "describe_volumes", ["VolumeIds": [id]]), "Volumes").first else {
            throw TestFailure("moto has no volume \(id)")
        }
        return volume
    }

    /// Every tag moto has on a resource, as key → value.
    static func awsTags(_ moto: MotoServer, _ id: String) throws -> [String: String] {
        let tags = MotoView.items(try moto.ec2(region, "describe_tags", filters: ["resource-id": [id]]), "Tags")
        return Dictionary(uniqueKeysWithValues: tags.map { ($0["Key"] as? String ?? "", $0["Value"] as? String ?? "") })
    }

    /// The NameId of an IID object.
    static func name(_ iid: Any?) -> String? { (iid as? [String: Any])?["NameId"] as? String }

    /// A response whose body is a JSON array.
    static func array(_ r: SpiderResponse) throws -> [[String: Any]] {
        try #require((try? JSONSerialization.jsonObject(with: r.body)) as? [[String: Any]], "not a JSON array: \(r.text)")
    }
}
