// The AWS driver in a real spiderd against moto's server: installed as a signed bundle from a
// registry, a connection whose Endpoint is moto, then regions/zones, a VPC with subnets, a
// security group with rules and a key pair made and removed over the socket. After each step,
// moto's own view (boto3) must show what the driver says it did.
import Foundation
import Testing

@Suite("AWS driver against moto: regions, VPC, security group, key pair", .serialized)
struct AWSNetworkTests {
    static let region = "us-east-1"

    /// moto, a host with the AWS bundle installed from a registry, and a connection to moto.
    static func stack() throws -> (MotoServer, HostProcess, RegisteredConnection) {
        let moto = try MotoServer()
        let (host, connection) = try AWSStack.host(tag: "aws", region: region, keys: [("Endpoint", moto.endpoint)])
        return (moto, host, connection)
    }

    @Test("regionzone: every region moto has, with the zones moto lists for it and their state")
    func regionZones() throws {
        let (moto, host, c) = try Self.stack()
        let listed = try host.must("GET", "/spider/regionzone\(c.query)").list("regionzone")
        let motoRegions = MotoView.items(try moto.ec2(Self.region, "describe_regions"), "Regions").compactMap { $0["RegionName"] as? String }
        #expect(!motoRegions.isEmpty)
        #expect(Set(listed.compactMap { $0["Name"] as? String }) == Set(motoRegions))

        for name in [Self.region, "eu-west-1"] {
            let zones = MotoView.items(try moto.ec2(name, "describe_availability_zones"), "AvailabilityZones")
            let ours = try #require(listed.first { $0["Name"] as? String == name })["ZoneList"] as? [[String: Any]]
            #expect(ours?.compactMap { $0["Name"] as? String } == zones.compactMap { $0["ZoneName"] as? String })
            #expect(ours?.allSatisfy { $0["Status"] as? String == "Available" } == true)
        }
        let one = try host.must("GET", "/spider/regionzone/eu-west-1\(c.query)").json
        #expect(one["Name"] as? String == "eu-west-1")
        #expect((one["ZoneList"] as? [[String: Any]])?.count
                == MotoView.items(try moto.ec2("eu-west-1", "describe_availability_zones"), "AvailabilityZones").count)
        try host.expect("GET", "/spider/regionzone/mars-north-1\(c.query)", status: 404, mentioning: ["mars-north-1"])
    }

    @Test("VPC with subnets → security group with rules → key pair → delete all, checked in moto after each step")
    func networkFlow() throws {
        let (moto, host, c) = try Self.stack()

        // VPC with one subnet, tagged by name, with an internet gateway and a default route.
        let vpc = try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01", cidr: "10.0.0.0/16",
                                                                         subnets: [("subnet-01", "10.0.1.0/24")])).json
        let vpcID = try #require((vpc["IId"] as? [String: Any])?["SystemId"] as? String)
        let awsVPC = try #require(MotoView.items(try moto.ec2(Self.region, "describe_vpcs", filters: ["tag:Name": ["vpc-01"]]), "Vpcs").first)
        #expect(awsVPC["VpcId"] as? String == vpcID)
        #expect(awsVPC["CidrBlock"] as? String == "10.0.0.0/16")
        var subnets = MotoView.items(try moto.ec2(Self.region, "describe_subnets", filters: ["vpc-id": [vpcID]]), "Subnets")
        #expect(subnets.map { MotoView.nameTag($0) } == ["subnet-01"])
        #expect(subnets.first?["CidrBlock"] as? String == "10.0.1.0/24")
        #expect(subnets.first?["AvailabilityZone"] as? String == "\(Self.region)a")
        let gateways = MotoView.items(try moto.ec2(Self.region, "describe_internet_gateways", filters: ["attachment.vpc-id": [vpcID]]),
                                      "InternetGateways")
        #expect(gateways.count == 1)
        let routes = MotoView.items(try moto.ec2(Self.region, "describe_route_tables", filters: ["vpc-id": [vpcID]]), "RouteTables")
            .flatMap { $0["Routes"] as? [[String: Any]] ?? [] }
        #expect(routes.contains { $0["DestinationCidrBlock"] as? String == "0.0.0.0/0" && $0["GatewayId"] as? String == gateways.first?["InternetGatewayId"] as? String })

        // A second subnet; the VPC as the driver reads it back lists both.
        try host.must("POST", "/spider/vpc/vpc-01/subnet", json: Requests.subnet(c.name, "subnet-02", cidr: "10.0.2.0/24"))
        subnets = MotoView.items(try moto.ec2(Self.region, "describe_subnets", filters: ["vpc-id": [vpcID]]), "Subnets")
        #expect(Set(subnets.compactMap { MotoView.nameTag($0) }) == ["subnet-01", "subnet-02"])
        let got = try host.must("GET", "/spider/vpc/vpc-01\(c.query)").json
        #expect(Set((got["SubnetInfoList"] as? [[String: Any]] ?? []).compactMap { $0["IPv4_CIDR"] as? String }) == ["10.0.1.0/24", "10.0.2.0/24"])
        // A subnet outside the VPC's CIDR is AWS's InvalidSubnet.Range: a bad request, AWS's code passed on.
        try host.expect("POST", "/spider/vpc/vpc-01/subnet", json: Requests.subnet(c.name, "subnet-bad", cidr: "192.168.0.0/24"),
                        status: 400, mentioning: ["InvalidSubnet.Range"])

        // Security group: exactly the rules asked for (AWS's default allow-all egress is gone).
        let ssh = Requests.rule("22"), web = Requests.rule("80", "443", cidr: "10.0.0.0/8")
        let out = Requests.rule("443", direction: "outbound")
        let sg = try host.must("POST", "/spider/securitygroup", json: Requests.securityGroup(c.name, "sg-01", vpc: "vpc-01",
                                                                                          rules: [ssh, web, out])).json
        let sgID = try #require((sg["IId"] as? [String: Any])?["SystemId"] as? String)
        #expect(((sg["VpcIID"] as? [String: Any])?["NameId"] as? String) == "vpc-01")
        var group = try Self.group(moto, sgID)
        #expect(MotoView.nameTag(group) == "sg-01")
        #expect(group["VpcId"] as? String == vpcID)
        #expect(Self.permissions(group["IpPermissions"]) == ["tcp 22-22 0.0.0.0/0", "tcp 80-443 10.0.0.0/8"])
        #expect(Self.permissions(group["IpPermissionsEgress"]) == ["tcp 443-443 0.0.0.0/0"])

        // Rules added and removed; a rule the group has already is a conflict, one it lacks not found.
        let icmp = Requests.rule("-1", protocol: "icmp", cidr: "10.0.0.0/16")
        try host.must("POST", "/spider/securitygroup/sg-01/rules", json: Requests.rules(c.name, [icmp, Requests.rule("53", protocol: "udp", direction: "outbound")]))
        group = try Self.group(moto, sgID)
        #expect(Self.permissions(group["IpPermissions"]) == ["icmp -1--1 10.0.0.0/16", "tcp 22-22 0.0.0.0/0", "tcp 80-443 10.0.0.0/8"])
        #expect(Self.permissions(group["IpPermissionsEgress"]) == ["tcp 443-443 0.0.0.0/0", "udp 53-53 0.0.0.0/0"])
        try host.expect("POST", "/spider/securitygroup/sg-01/rules", json: Requests.rules(c.name, [ssh]), status: 409, mentioning: ["already has"])
        try host.must("DELETE", "/spider/securitygroup/sg-01/rules", json: Requests.rules(c.name, [ssh, out]))
        group = try Self.group(moto, sgID)
        #expect(Self.permissions(group["IpPermissions"]) == ["icmp -1--1 10.0.0.0/16", "tcp 80-443 10.0.0.0/8"])
        #expect(Self.permissions(group["IpPermissionsEgress"]) == ["udp 53-53 0.0.0.0/0"])
        try host.expect("DELETE", "/spider/securitygroup/sg-01/rules", json: Requests.rules(c.name, [ssh]), status: 404, mentioning: ["no rule"])

        // Key pair: the private key once, and the same key in moto (same fingerprint, same public key).
        let key = try host.must("POST", "/spider/keypair", json: Requests.keyPair(c.name, "key-01")).json
        #expect((key["PrivateKey"] as? String)?.hasPrefix("-----BEGIN RSA PRIVATE KEY-----") == true)
        let awsKey = try #require(MotoView.items(try moto.ec2(Self.region, "describe_key_pairs",
                                                             ["KeyNames": ["key-01"], "IncludePublicKey": true]), "KeyPairs").first)
        #expect(awsKey["KeyPairId"] as? String == (key["IId"] as? [String: Any])?["SystemId"] as? String)
        #expect(awsKey["KeyFingerprint"] as? String == key["Fingerprint"] as? String)
        #expect((awsKey["PublicKey"] as? String)?.hasPrefix(key["PublicKey"] as? String ?? "-") == true)
        #expect(MotoView.nameTag(awsKey) == "key-01")
        let keyAgain = try host.must("GET", "/spider/keypair/key-01\(c.query)").json
        #expect(keyAgain["PrivateKey"] == nil && keyAgain["Fingerprint"] as? String == key["Fingerprint"] as? String)

        // The VPC cannot go while its security group exists (AWS's DependencyViolation, checked first).
        try host.expect("DELETE", "/spider/vpc/vpc-01", json: Requests.connection(c.name), status: 409, mentioning: ["sg-01"])
        #expect(MotoView.items(try moto.ec2(Self.region, "describe_subnets", filters: ["vpc-id": [vpcID]]), "Subnets").count == 2)

        // Teardown, each step seen in moto.
        try host.must("DELETE", "/spider/keypair/key-01", json: Requests.connection(c.name))
        #expect(MotoView.items(try moto.ec2(Self.region, "describe_key_pairs"), "KeyPairs").isEmpty)
        try host.must("DELETE", "/spider/securitygroup/sg-01", json: Requests.connection(c.name))
        #expect(MotoView.items(try moto.ec2(Self.region, "describe_security_groups", filters: ["group-id": [sgID]]), "SecurityGroups").isEmpty)
        try host.must("DELETE", "/spider/vpc/vpc-01/subnet/subnet-02", json: Requests.connection(c.name))
        #expect(MotoView.items(try moto.ec2(Self.region, "describe_subnets", filters: ["vpc-id": [vpcID]]), "Subnets")
            .compactMap { MotoView.nameTag($0) } == ["subnet-01"])
        try host.must("DELETE", "/spider/vpc/vpc-01", json: Requests.connection(c.name))
        #expect(MotoView.items(try moto.ec2(Self.region, "describe_vpcs", filters: ["vpc-id": [vpcID]]), "Vpcs").isEmpty)
        #expect(MotoView.items(try moto.ec2(Self.region, "describe_subnets", filters: ["vpc-id": [vpcID]]), "Subnets").isEmpty)
        #expect(MotoView.items(try moto.ec2(Self.region, "describe_internet_gateways", filters: ["tag:Name": ["vpc-01"]]),
                               "InternetGateways").isEmpty)
        #expect(try host.must("GET", "/spider/vpc\(c.query)").list("vpc").isEmpty)
        // The secret never came back in an answer.
        #expect(!host.responses.contains { $0.contains(c.credentialValues[1]) })
    }

    @Test("a resource removed behind Spider's back answers NOT_FOUND with AWS's code")
    func notFoundFromAWS() throws {
        let (moto, host, c) = try Self.stack()
        try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-gone", subnets: []))
        let sg = try host.must("POST", "/spider/securitygroup", json: Requests.securityGroup(c.name, "sg-gone", vpc: "vpc-gone", rules: [])).json
        let sgID = try #require((sg["IId"] as? [String: Any])?["SystemId"] as? String)
        _ = try moto.ec2(Self.region, "delete_security_group", ["GroupId": sgID])
        let r = try host.expect("GET", "/spider/securitygroup/sg-gone\(c.query)", status: 404)
        #expect(r.text.contains("InvalidGroup.NotFound"), "\(r.text)")
    }

    /// moto's record of a security group.
    static func group(_ moto: MotoServer, _ id: String) throws -> [String: Any] {
        guard let group = MotoView.items(try moto.ec2(region, "describe_security_groups", ["GroupIds": [id]]), "SecurityGroups").first else {
            throw TestFailure("moto has no security group \(id)")
        }
        return group
    }

    /// `proto from-to cidr` for each CIDR of each permission, sorted.
    static func permissions(_ value: Any?) -> [String] {
        (value as? [[String: Any]] ?? []).flatMap { p -> [String] in
            let proto = p["IpProtocol"] as? String ?? "?"
            let ports = proto == "-1" ? "all" : "\(p["FromPort"] as? Int ?? 0)-\(p["ToPort"] as? Int ?? 0)"
            return (p["IpRanges"] as? [[String: Any]] ?? []).map { "\(proto) \(ports) \($0["CidrIp"] as? String ?? "")" }
        }.sorted()
    }
}
