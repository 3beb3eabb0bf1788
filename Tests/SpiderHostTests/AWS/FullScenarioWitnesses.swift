// What the full scenario checks each step against, besides Spider's own answers: moto's view
// (boto3) for the AWS driver, the host's REST lists for the Mock (it has no outside view).
import Foundation
import Testing

/// The cloud's IDs of what one run of the scenario made.
struct ScenarioIDs {
    var vpc = "", subnet = "", securityGroup = "", keyPair = "", vm = "", disk = "", myImage = "", nlb = ""
}

/// One check per step of the scenario; each throws or records an issue when the cloud disagrees.
protocol CloudWitness {
    func vpc(_ id: String, cidr: String, subnets: [String: String]) throws
    /// Rules as "proto from-to cidr", sorted.
    func securityGroup(_ id: String, vpc: String, inbound: [String], outbound: [String]) throws
    func keyPair(_ id: String, name: String, fingerprint: String) throws
    /// The VM where it was asked to be; `status` is Spider's (Running, Suspended).
    func vm(_ ids: ScenarioIDs, image: String, spec: String, status: String) throws
    /// `attachedTo` nil: available; `exists` false: deleted.
    func disk(_ id: String, attachedTo vm: String?, exists: Bool) throws
    func myImage(_ id: String, sourceVM: String, exists: Bool) throws
    func nlb(_ id: String, vms: Set<String>, exists: Bool) throws
    /// The VM's tags other than Name.
    func vmTags(_ vm: String, _ tags: [String: String]) throws
    /// Nothing of `ids` is left (a terminated VM may still be listed as terminated).
    func allGone(_ ids: ScenarioIDs) throws
}

/// "proto from-to cidr" for each CIDR of each of boto3's IpPermissions, sorted.
func awsPermissions(_ value: Any?) -> [String] {
    (value as? [[String: Any]] ?? []).flatMap { p -> [String] in
        let proto = p["IpProtocol"] as? String ?? "?"
        let ports = "\(p["FromPort"] as? Int ?? 0)-\(p["ToPort"] as? Int ?? 0)"
        return (p["IpRanges"] as? [[String: Any]] ?? []).map { "\(proto) \(ports) \($0["CidrIp"] as? String ?? "")" }
    }.sorted()
}

/// The SystemId of an IID object.
func systemID(_ iid: Any?) -> String { (iid as? [String: Any])?["SystemId"] as? String ?? "" }

// MARK: - AWS: moto's own view

struct MotoWitness: CloudWitness {
    let moto: MotoServer
    let region: String
    var zone: String { region + "a" }

    func ec2(_ operation: String, filters: [String: [String]] = [:], _ parameters: [String: Any] = [:]) throws -> [String: Any] {
        try moto.ec2(region, operation, filters: filters, parameters)
    }

    func elbv2(_ operation: String, _ parameters: [String: Any] = [:]) throws -> [String: Any] {
        try MotoView.call("elbv2", moto.endpoint, region: region, operation, parameters)
    }

    func instance(_ id: String) throws -> [String: Any] {
        let reservations = MotoView.items(try ec2("describe_instances", ["InstanceIds": [id]]), "Reservations")
        return try #require((reservations.first?["Instances"] as? [[String: Any]])?.first, "moto has no instance \(id) in \(region)")
    }

    func vpc(_ id: String, cidr: String, subnets: [String: String]) throws {
        let vpc = try #require(MotoView.items(try ec2("describe_vpcs", ["VpcIds": [id]]), "Vpcs").first)
        #expect(vpc["CidrBlock"] as? String == cidr && MotoView.nameTag(vpc) == "vpc-01", "\(region): \(vpc)")
        let theirs = MotoView.items(try ec2("describe_subnets", filters: ["vpc-id": [id]]), "Subnets")
        #expect(Dictionary(uniqueKeysWithValues: theirs.map { (MotoView.nameTag($0) ?? "", $0["CidrBlock"] as? String ?? "") }) == subnets)
        #expect(theirs.allSatisfy { $0["AvailabilityZone"] as? String == zone }, "\(region): subnets outside \(zone)")
    }

    func securityGroup(_ id: String, vpc: String, inbound: [String], outbound: [String]) throws {
        let group = try #require(MotoView.items(try ec2("describe_security_groups", ["GroupIds": [id]]), "SecurityGroups").first)
        #expect(group["VpcId"] as? String == vpc && MotoView.nameTag(group) == "sg-01")
        #expect(awsPermissions(group["IpPermissions"]) == inbound)
        #expect(awsPermissions(group["IpPermissionsEgress"]) == outbound)
    }

    func keyPair(_ id: String, name: String, fingerprint: String) throws {
        let key = try #require(MotoView.items(try ec2("describe_key_pairs", ["KeyNames": [name]]), "KeyPairs").first)
        #expect(key["KeyPairId"] as? String == id)
        #expect(key["KeyFingerprint"] as? String == fingerprint)
    }

    func vm(_ ids: ScenarioIDs, image: String, spec: String, status: String) throws {
        let instance = try instance(ids.vm)
        let expected = ["Running": "running", "Suspended": "stopped"][status] ?? status
        #expect((instance["State"] as? [String: Any])?["Name"] as? String == expected, "\(region): \(ids.vm) is not \(expected)")
        #expect(MotoView.nameTag(instance) == "vm-01")
        #expect(instance["ImageId"] as? String == image && instance["InstanceType"] as? String == spec)
        #expect(instance["SubnetId"] as? String == ids.subnet && instance["VpcId"] as? String == ids.vpc)
        #expect(instance["KeyName"] as? String == "key-01")
        // Launched with a network interface: moto keeps the groups on it, not on the instance.
        let primary = (instance["NetworkInterfaces"] as? [[String: Any]])?.first
        #expect((primary?["Groups"] as? [[String: Any]])?.compactMap { $0["GroupId"] as? String } == [ids.securityGroup])
    }

    func disk(_ id: String, attachedTo vm: String?, exists: Bool) throws {
        let volumes = MotoView.items(try ec2("describe_volumes", filters: ["volume-id": [id]]), "Volumes")
        guard exists else { return #expect(volumes.isEmpty, "\(region): volume \(id) is still there") }
        let volume = try #require(volumes.first, "\(region): no volume \(id)")
        #expect(MotoView.nameTag(volume) == "disk-01" && volume["AvailabilityZone"] as? String == zone)
        #expect(volume["State"] as? String == (vm == nil ? "available" : "in-use"))
        #expect((volume["Attachments"] as? [[String: Any]] ?? []).compactMap { $0["InstanceId"] as? String } == (vm.map { [$0] } ?? []))
    }

    func myImage(_ id: String, sourceVM: String, exists: Bool) throws {
        let images = MotoView.items(try ec2("describe_images", ["Owners": ["self"]]), "Images")
        guard exists else { return #expect(images.isEmpty, "\(region): own images left: \(images.compactMap { $0["ImageId"] })") }
        let image = try #require(images.first { $0["ImageId"] as? String == id }, "\(region): no image \(id)")
        #expect(MotoView.nameTag(image) == "image-01" && image["SourceInstanceId"] as? String == sourceVM)
        #expect(images.count == 1)
    }

    func nlb(_ id: String, vms: Set<String>, exists: Bool) throws {
        let balancers = MotoView.items(try elbv2("describe_load_balancers"), "LoadBalancers")
        guard exists else {
            #expect(MotoView.items(try elbv2("describe_target_groups"), "TargetGroups").isEmpty)
            return #expect(balancers.isEmpty, "\(region): load balancers left")
        }
        #expect(balancers.compactMap { $0["LoadBalancerArn"] as? String } == [id])
        #expect(balancers.first?["Type"] as? String == "network")
        let groups = MotoView.items(try elbv2("describe_target_groups", ["LoadBalancerArn": id]), "TargetGroups")
        let groupARN = try #require(groups.first?["TargetGroupArn"] as? String)
        let targets = MotoView.items(try elbv2("describe_target_health", ["TargetGroupArn": groupARN]), "TargetHealthDescriptions")
        #expect(Set(targets.compactMap { ($0["Target"] as? [String: Any])?["Id"] as? String }) == vms)
    }

    func vmTags(_ vm: String, _ tags: [String: String]) throws {
        let listed = MotoView.items(try ec2("describe_tags", filters: ["resource-id": [vm]]), "Tags")
        var theirs = Dictionary(uniqueKeysWithValues: listed.map { ($0["Key"] as? String ?? "", $0["Value"] as? String ?? "") })
        #expect(theirs.removeValue(forKey: "Name") == "vm-01")
        #expect(theirs == tags)
    }

    func allGone(_ ids: ScenarioIDs) throws {
        #expect(MotoView.items(try ec2("describe_vpcs", filters: ["vpc-id": [ids.vpc]]), "Vpcs").isEmpty)
        #expect(MotoView.items(try ec2("describe_subnets", filters: ["vpc-id": [ids.vpc]]), "Subnets").isEmpty)
        #expect(MotoView.items(try ec2("describe_internet_gateways", filters: ["attachment.vpc-id": [ids.vpc]]), "InternetGateways").isEmpty)
        #expect(MotoView.items(try ec2("describe_security_groups", filters: ["group-id": [ids.securityGroup]]), "SecurityGroups").isEmpty)
        #expect(MotoView.items(try ec2("describe_key_pairs"), "KeyPairs").isEmpty)
        #expect((try instance(ids.vm)["State"] as? [String: Any])?["Name"] as? String == "terminated")
        try disk(ids.disk, attachedTo: nil, exists: false)
        try myImage(ids.myImage, sourceVM: ids.vm, exists: false)
        try self.nlb(ids.nlb, vms: [], exists: false)
    }

    /// Only this region's resources are seen in this region (every name is the same in both).
    func seesOnly(_ mine: ScenarioIDs, not theirs: ScenarioIDs) throws {
        let vpcs = MotoView.items(try ec2("describe_vpcs", filters: ["tag:Name": ["vpc-01"]]), "Vpcs")
        #expect(vpcs.compactMap { $0["VpcId"] as? String } == [mine.vpc], "\(region) VPCs")
        let groups = MotoView.items(try ec2("describe_security_groups", filters: ["tag:Name": ["sg-01"]]), "SecurityGroups")
        #expect(groups.compactMap { $0["GroupId"] as? String } == [mine.securityGroup], "\(region) security groups")
        let keys = MotoView.items(try ec2("describe_key_pairs"), "KeyPairs")
        #expect(keys.compactMap { $0["KeyPairId"] as? String } == [mine.keyPair], "\(region) key pairs")
        let instances = MotoView.items(try ec2("describe_instances"), "Reservations").flatMap { $0["Instances"] as? [[String: Any]] ?? [] }
        #expect(instances.compactMap { $0["InstanceId"] as? String } == [mine.vm], "\(region) instances")
        #expect(MotoView.items(try elbv2("describe_load_balancers"), "LoadBalancers").compactMap { $0["LoadBalancerArn"] as? String } == [mine.nlb])
        // The other region's IDs are unknown here, as AWS says it.
        #expect(mine.vpc != theirs.vpc && mine.vm != theirs.vm)
        #expect(throws: MotoView.CloudError.self) { try ec2("describe_vpcs", ["VpcIds": [theirs.vpc]]) }
        #expect(throws: MotoView.CloudError.self) { try ec2("describe_instances", ["InstanceIds": [theirs.vm]]) }
    }
}

// MARK: - Mock: the host's REST lists

struct HostListWitness: CloudWitness {
    let host: HostProcess
    let connection: String
    var q: String { connectionQuery(connection) }

    func listed(_ path: String, _ key: String, _ id: String) throws -> [String: Any]? {
        try host.must("GET", "/spider/\(path)\(q)").list(key).first { systemID($0["IId"]) == id }
    }

    func vpc(_ id: String, cidr: String, subnets: [String: String]) throws {
        let vpc = try #require(try listed("vpc", "vpc", id))
        #expect(vpc["IPv4_CIDR"] as? String == cidr)
        let theirs = vpc["SubnetInfoList"] as? [[String: Any]] ?? []
        #expect(Dictionary(uniqueKeysWithValues: theirs.map { ((($0["IId"] as? [String: Any])?["NameId"] as? String) ?? "", $0["IPv4_CIDR"] as? String ?? "") })
                == subnets)
    }

    func securityGroup(_ id: String, vpc: String, inbound: [String], outbound: [String]) throws {
        let group = try #require(try listed("securitygroup", "securitygroup", id))
        #expect(systemID(group["VpcIID"]) == vpc)
        let rules = group["SecurityRules"] as? [[String: Any]] ?? []
        let shown = { (direction: String) in
            rules.filter { ($0["Direction"] as? String)?.lowercased() == direction }
                .map { "\(($0["IPProtocol"] as? String ?? "").lowercased()) \($0["FromPort"] ?? "")-\($0["ToPort"] ?? "") \($0["CIDR"] ?? "")" }
                .sorted()
        }
        #expect(shown("inbound") == inbound)
        #expect(shown("outbound") == outbound)
    }

    func keyPair(_ id: String, name: String, fingerprint: String) throws {
        let key = try #require(try listed("keypair", "keypair", id))
        #expect((key["IId"] as? [String: Any])?["NameId"] as? String == name)
        #expect(key["Fingerprint"] as? String == fingerprint)
    }

    func vm(_ ids: ScenarioIDs, image: String, spec: String, status: String) throws {
        let vm = try #require(try listed("vm", "vm", ids.vm))
        #expect(systemID(vm["VpcIID"]) == ids.vpc && systemID(vm["SubnetIID"]) == ids.subnet)
        #expect((vm["SecurityGroupIIds"] as? [Any])?.map(systemID) == [ids.securityGroup])
        #expect(systemID(vm["KeyPairIId"]) == ids.keyPair)
        #expect(vm["VMSpecName"] as? String == spec)
        let statuses = try host.must("GET", "/spider/vmstatus\(q)").list("vmstatus")
        #expect(statuses.map { "\(systemID($0["IId"]))=\($0["VmStatus"] ?? "")" } == ["\(ids.vm)=\(status)"])
    }

    func disk(_ id: String, attachedTo vm: String?, exists: Bool) throws {
        let disk = try listed("disk", "disk", id)
        guard exists else { return #expect(disk == nil) }
        let found = try #require(disk)
        #expect(found["Status"] as? String == (vm == nil ? "Available" : "Attached"))
        #expect(systemID(found["OwnerVM"]) == vm ?? "")
    }

    func myImage(_ id: String, sourceVM: String, exists: Bool) throws {
        let image = try listed("myimage", "myImage", id)
        guard exists else { return #expect(image == nil) }
        #expect(systemID(try #require(image)["SourceVM"]) == sourceVM)
    }

    func nlb(_ id: String, vms: Set<String>, exists: Bool) throws {
        let nlb = try listed("nlb", "nlb", id)
        guard exists else { return #expect(nlb == nil) }
        let group = try #require(nlb)["VMGroup"] as? [String: Any]
        #expect(Set((group?["VMs"] as? [Any] ?? []).map(systemID)) == vms)
    }

    func vmTags(_ vm: String, _ tags: [String: String]) throws {
        let listed = try #require(try listed("vm", "vm", vm))["TagList"] as? [[String: Any]] ?? []
        #expect(Dictionary(uniqueKeysWithValues: listed.map { ($0["Key"] as? String ?? "", $0["Value"] as? String ?? "") }) == tags)
    }

    func allGone(_ ids: ScenarioIDs) throws {
        for (path, key, id) in [("vpc", "vpc", ids.vpc), ("securitygroup", "securitygroup", ids.securityGroup),
                                ("keypair", "keypair", ids.keyPair), ("vm", "vm", ids.vm), ("vmstatus", "vmstatus", ids.vm),
                                ("disk", "disk", ids.disk), ("myimage", "myImage", ids.myImage)] {
            #expect(try listed(path, key, id) == nil, "\(path) \(id) is still listed")
        }
        try self.nlb(ids.nlb, vms: [], exists: false)
    }
}
