// Real EC2 answers (moto's, and AWS's own shape with its namespace and indentation) read into
// Spider's shapes: regions and zones with state, VPC and subnets by Name tag, security rules, keys.
import Foundation
import SpiderModels
import Testing
@testable import AWSDriver

@Suite("EC2 response parsing")
struct EC2ResponseParsingTests {
    static func document(_ file: String) throws -> XMLNode {
        try XMLTreeParser.parse(try FixtureFiles.bytes("ec2/\(file)"))
    }

    @Test("regions and zones; zone state maps to Available/Unavailable")
    func regionsAndZones() throws {
        let regions = try Self.document("DescribeRegions.xml").items("regionInfo")
        #expect(regions.count == 3)
        #expect(regions.allSatisfy { !$0.string("regionName").isEmpty && $0.string("regionEndpoint").hasPrefix("ec2.") })
        let zones = try Self.document("DescribeAvailabilityZones.xml").items("availabilityZoneInfo")
        let info = AWSConnection.regionZone(regions.first { $0.string("regionName") == "eu-west-1" } ?? regions[0], zones: zones)
        #expect(info.ZoneList?.map(\.Name) == ["eu-west-1a", "eu-west-1b", "eu-west-1c"])
        #expect(info.ZoneList?.allSatisfy { $0.Status == "Available" } == true)
        #expect(info.ZoneList?.first?.KeyValueList?.contains(KeyValue(Key: "ZoneId", Value: "euw1-az3")) == true)

        let aws = try Self.document("aws-DescribeAvailabilityZones.xml").items("availabilityZoneInfo").map(AWSConnection.zone)
        #expect(aws.map(\.Name) == ["us-east-1a", "us-east-1e"])
        #expect(aws.map(\.Status) == ["Available", "Unavailable"])
        #expect(aws[1].KeyValueList?.contains(KeyValue(Key: "State", Value: "impaired")) == true)
    }

    @Test("a VPC and its subnet by Name tag; other tags are the TagList")
    func vpc() throws {
        let vpc = try #require(try Self.document("DescribeVpcs.xml").items("vpcSet").first)
        let subnets = try Self.document("DescribeSubnets.xml").items("subnetSet")
        let info = AWSConnection.vpcInfo(vpc, subnets: subnets)
        #expect(info.IId.NameId == "vpc-01")
        #expect(info.IId.SystemId.hasPrefix("vpc-"))
        #expect(info.IPv4_CIDR == "10.0.0.0/16")
        #expect(info.TagList == [KeyValue(Key: "team", Value: "blue")])
        #expect(info.SubnetInfoList.map(\.IId.NameId) == ["subnet-01"])
        #expect(info.SubnetInfoList.first?.IPv4_CIDR == "10.0.1.0/24")
        #expect(info.SubnetInfoList.first?.Zone == "us-east-1a")
        #expect(info.SubnetInfoList.first?.IId.SystemId.hasPrefix("subnet-") == true)
        // The create answer has the same shape under <vpc>.
        #expect(try Self.document("CreateVpc.xml").find("vpc")?.string("vpcId") == info.IId.SystemId)
    }

    @Test("security rules: tcp ports, the all protocol, icmp, egress; the VPC by ID")
    func securityGroup() throws {
        let group = try #require(try Self.document("DescribeSecurityGroups.xml").items("securityGroupInfo").first)
        let info = AWSConnection.securityInfo(group)
        #expect(info.IId.NameId == "sg-01")
        #expect(info.VpcIID.SystemId.hasPrefix("vpc-"))
        let rules = Set(info.SecurityRules)
        #expect(rules == [
            SecurityRuleInfo(FromPort: "22", ToPort: "22", IPProtocol: "tcp", Direction: "inbound", CIDR: "0.0.0.0/0"),
            SecurityRuleInfo(FromPort: "-1", ToPort: "-1", IPProtocol: "all", Direction: "inbound", CIDR: "10.0.0.0/16"),
            SecurityRuleInfo(FromPort: "-1", ToPort: "-1", IPProtocol: "icmp", Direction: "inbound", CIDR: "192.168.0.0/24"),
            SecurityRuleInfo(FromPort: "-1", ToPort: "-1", IPProtocol: "all", Direction: "outbound", CIDR: "0.0.0.0/0"),
        ])
    }

    @Test("rules round-trip: a normalized request rule equals the rule read back from its parameters")
    func ruleParameters() throws {
        let asked = try SecurityRuleMapping.normalize([
            SecurityRuleInfo(FromPort: "", ToPort: "", IPProtocol: "TCP", Direction: "Inbound", CIDR: nil),
            SecurityRuleInfo(FromPort: "80", ToPort: "443", IPProtocol: "tcp", Direction: "inbound", CIDR: "10.0.0.0/8"),
            SecurityRuleInfo(FromPort: "53", ToPort: "53", IPProtocol: "udp", Direction: "outbound", CIDR: "::/0"),
        ], field: "SecurityRules")
        #expect(asked[0] == SecurityRuleInfo(FromPort: "-1", ToPort: "-1", IPProtocol: "tcp", Direction: "inbound", CIDR: "0.0.0.0/0"))
        let params = SecurityRuleMapping.permissions(asked)
        #expect(params["IpPermissions.1.FromPort"] == "0" && params["IpPermissions.1.ToPort"] == "65535")
        #expect(params["IpPermissions.2.IpRanges.1.CidrIp"] == "10.0.0.0/8")
        #expect(params["IpPermissions.3.Ipv6Ranges.1.CidrIpv6"] == "::/0")
        #expect(throws: (any Error).self) {
            try SecurityRuleMapping.normalize(SecurityRuleInfo(FromPort: "90", ToPort: "80", IPProtocol: "tcp", Direction: "inbound"), field: "R")
        }
        #expect(throws: (any Error).self) {
            try SecurityRuleMapping.normalize(SecurityRuleInfo(FromPort: "1", ToPort: "2", IPProtocol: "gre", Direction: "inbound"), field: "R")
        }
    }

    @Test("CreateKeyPair: the private key kept whole; its OpenSSH public key equals the one AWS describes")
    func keyPair() throws {
        let created = try Self.document("CreateKeyPair.xml")
        let pem = try #require(created.child("keyMaterial")?.text)
        #expect(pem.hasPrefix("-----BEGIN RSA PRIVATE KEY-----\n") && pem.contains("\n-----END RSA PRIVATE KEY-----"))
        #expect(AWSConnection.keyID(created).hasPrefix("key-"))
        let described = try #require(try Self.document("DescribeKeyPairs.xml").items("keySet").first)
        let info = AWSConnection.keyPairInfo(described)
        #expect(info.IId == IID(NameId: "key-01", SystemId: AWSConnection.keyID(created)))
        #expect(info.PrivateKey == nil)
        #expect(info.Fingerprint == created.string("keyFingerprint"))
        #expect(try OpenSSHPublicKey.fromPrivateKeyPEM(pem) == info.PublicKey)
    }

    @Test("namespaces and prefixes are dropped; malformed XML is an error")
    func xmlTree() throws {
        let tree = try XMLTreeParser.parse(Array(#"<a:Root xmlns:a="urn:x"><a:itemSet><a:item><a:v> 1 </a:v></a:item></a:itemSet></a:Root>"#.utf8))
        #expect(tree.name == "Root")
        #expect(tree.items("itemSet").map { $0.string("v") } == ["1"])
        #expect(throws: (any Error).self) { try XMLTreeParser.parse(Array("<a><b></a>".utf8)) }
    }

    @Test("form body: Action, Version, then parameters, RFC 3986-encoded")
    func formBody() {
        var params: EC2Params = ["CidrBlock": "10.0.0.0/16"]
        params.tagSpecification("vpc", name: "my vpc", tags: [KeyValue(Key: "Name", Value: "ignored"), KeyValue(Key: "k", Value: "v/=")])
        #expect(EC2Client.formBody(action: "CreateVpc", params: params)
                == "Action=CreateVpc&Version=2016-11-15&CidrBlock=10.0.0.0%2F16&TagSpecification.1.ResourceType=vpc"
                + "&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=my%20vpc"
                + "&TagSpecification.1.Tag.2.Key=k&TagSpecification.1.Tag.2.Value=v%2F%3D")
    }

    @Test("endpoints: AWS's regional one, or the override with its port in the signed Host")
    func endpoints() throws {
        let aws = try EC2Endpoint(region: "eu-west-1", override: nil)
        #expect(aws.url == "https://ec2.eu-west-1.amazonaws.com/" && aws.host == "ec2.eu-west-1.amazonaws.com" && aws.path == "/")
        let moto = try EC2Endpoint(region: "us-east-1", override: "http://127.0.0.1:5000")
        #expect(moto.url == "http://127.0.0.1:5000/" && moto.host == "127.0.0.1:5000")
        #expect(try EC2Endpoint(region: "us-east-1", override: "https://proxy.example:443/ec2").host == "proxy.example")
        #expect(throws: (any Error).self) { try EC2Endpoint(region: "us-east-1", override: "ftp://x") }
    }
}
