// The AWS driver spends no AWS request on what its connection made itself (a subnet's VPC, a key
// pair's public key, the parts of a VPC it deletes), counted with moto's request recorder; and it
// stays right when those things were changed outside Spider meanwhile (checked in moto's view).
import Foundation
import Testing

@Suite("AWS driver against moto: no look-ups for what the connection made, right when it changed outside Spider", .serialized)
struct AWSKnownResourcesTests {
    static let region = AWSNetworkTests.region

    /// A VPC with subnet-01, sg-01 and key-01 made through the host; the AMI to launch.
    static func network(_ host: HostProcess, _ c: RegisteredConnection, _ moto: MotoServer) throws -> String {
        try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01", subnets: [("subnet-01", "10.0.1.0/24")]))
        try host.must("POST", "/spider/securitygroup", json: Requests.securityGroup(c.name, "sg-01", vpc: "vpc-01", rules: [Requests.rule("22")]))
        try host.must("POST", "/spider/keypair", json: Requests.keyPair(c.name, "key-01"))
        return try #require(try AWSComputeTests.image(moto)["ImageId"] as? String)
    }

    static func vm(_ c: RegisteredConnection, _ name: String, image: String) -> [String: Any] {
        Requests.vm(c.name, name, vpc: "vpc-01", subnet: "subnet-01", securityGroups: ["sg-01"], keyPair: "key-01",
                    image: image, spec: "t3.micro")
    }

    static func vpcs(_ moto: MotoServer) throws -> [[String: Any]] {
        MotoView.items(try moto.ec2(region, "describe_vpcs", filters: ["tag:Name": ["vpc-01"]]), "Vpcs")
    }

    static func gateways(_ moto: MotoServer) throws -> [[String: Any]] {
        MotoView.items(try moto.ec2(region, "describe_internet_gateways", filters: ["tag:Name": ["vpc-01"]]), "InternetGateways")
    }

    @Test("vm.start after the VPC and key pair were made here is RunInstances alone (once warm); vpc.delete looks nothing up but its users")
    func fewestRequests() throws {
        let (moto, host, c) = try AWSNetworkTests.stack()
        let image = try Self.network(host, c, moto)

        try moto.startRecording()
        try host.must("POST", "/spider/vm", json: Self.vm(c, "vm-01", image: image))
        #expect(try moto.recordedActions() == ["DescribeImages", "DescribeInstanceTypes", "RunInstances"])
        try moto.startRecording()
        let vm = try host.must("POST", "/spider/vm", json: Self.vm(c, "vm-02", image: image)).json
        #expect(try moto.recordedActions() == ["RunInstances"])
        // The key that went into cb-user's user data is the key pair's, as moto keeps it.
        let vmID = try #require((vm["IId"] as? [String: Any])?["SystemId"] as? String)
        let userData = try moto.ec2(Self.region, "describe_instance_attribute", ["InstanceId": vmID, "Attribute": "userData"])
        let script = String(decoding: Data(base64Encoded: (userData["UserData"] as? [String: Any])?["Value"] as? String ?? "") ?? Data(),
                            as: UTF8.self)
        let motoKey = try #require(MotoView.items(try moto.ec2(Self.region, "describe_key_pairs", ["KeyNames": ["key-01"], "IncludePublicKey": true]),
                                                  "KeyPairs").first?["PublicKey"] as? String)
        let keyBody = motoKey.split(separator: " ").dropFirst().first.map(String.init) ?? "(none)"
        #expect(script.contains(keyBody), "user data:\n\(script)\nmoto's key: \(motoKey)")

        for name in ["vm-01", "vm-02"] { try host.must("DELETE", "/spider/vm/\(name)", json: Requests.connection(c.name)) }
        try host.must("DELETE", "/spider/securitygroup/sg-01", json: Requests.connection(c.name))
        try host.must("DELETE", "/spider/keypair/key-01", json: Requests.connection(c.name))
        try moto.startRecording()
        try host.must("DELETE", "/spider/vpc/vpc-01", json: Requests.connection(c.name))
        // The in-use checks (security groups, NLBs, EKS clusters) go out at once, in any order.
        let actions = try moto.recordedActions()
        #expect(Set(actions.prefix(3)) == ["DescribeSecurityGroups", "DescribeLoadBalancers", "GET /clusters"], "\(actions)")
        #expect(Array(actions.dropFirst(3)) == ["DeleteSubnet", "DetachInternetGateway", "DeleteInternetGateway", "DeleteVpc"])
        #expect(try Self.vpcs(moto).isEmpty)
        #expect(try Self.gateways(moto).isEmpty)
        #expect(MotoView.items(try moto.ec2(Self.region, "describe_subnets", filters: ["tag:Name": ["subnet-01"]]), "Subnets").isEmpty)
    }

    @Test("subnets removed and added outside Spider: vpc.delete still removes the VPC, its subnets and its gateway")
    func vpcChangedOutside() throws {
        let (moto, host, c) = try AWSNetworkTests.stack()
        let vpc = try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01", subnets: [("subnet-01", "10.0.1.0/24"),
                                                                                                       ("subnet-02", "10.0.2.0/24")])).json
        let vpcID = try #require((vpc["IId"] as? [String: Any])?["SystemId"] as? String)
        let subnets = MotoView.items(try moto.ec2(Self.region, "describe_subnets", filters: ["vpc-id": [vpcID]]), "Subnets")
        let gone = try #require(subnets.first { MotoView.nameTag($0) == "subnet-02" }?["SubnetId"] as? String)
        _ = try moto.ec2(Self.region, "delete_subnet", ["SubnetId": gone])
        _ = try moto.ec2(Self.region, "create_subnet", ["VpcId": vpcID, "CidrBlock": "10.0.3.0/24"])

        try host.must("DELETE", "/spider/vpc/vpc-01", json: Requests.connection(c.name))
        #expect(MotoView.items(try moto.ec2(Self.region, "describe_vpcs", filters: ["vpc-id": [vpcID]]), "Vpcs").isEmpty)
        #expect(MotoView.items(try moto.ec2(Self.region, "describe_subnets", filters: ["vpc-id": [vpcID]]), "Subnets").isEmpty)
        #expect(try Self.gateways(moto).isEmpty)
    }

    @Test("a subnet or key pair deleted outside Spider after it was made here: vm.start is NOT_FOUND with AWS's code, nothing launched")
    func referencesGoneOutside() throws {
        let (moto, host, c) = try AWSNetworkTests.stack()
        let image = try Self.network(host, c, moto)
        _ = try moto.ec2(Self.region, "delete_key_pair", ["KeyName": "key-01"])
        try host.expect("POST", "/spider/vm", json: Self.vm(c, "vm-01", image: image), status: 404, mentioning: ["InvalidKeyPair.NotFound"])

        try host.must("POST", "/spider/keypair", json: Requests.keyPair(c.name, "key-02"))
        var request = Self.vm(c, "vm-01", image: image)
        var info = request["ReqInfo"] as! [String: Any]
        info["KeyPairName"] = "key-02"
        request["ReqInfo"] = info
        let subnetID = try #require(MotoView.items(try moto.ec2(Self.region, "describe_subnets", filters: ["tag:Name": ["subnet-01"]]),
                                                   "Subnets").first?["SubnetId"] as? String)
        _ = try moto.ec2(Self.region, "delete_subnet", ["SubnetId": subnetID])
        try host.expect("POST", "/spider/vm", json: request, status: 404, mentioning: ["InvalidSubnetID.NotFound"])
        #expect(MotoView.items(try moto.ec2(Self.region, "describe_instances"), "Reservations").isEmpty)
    }
}
