// The AWS driver's credentials under CB-Spider's names (ClientId/ClientSecret) or AWS's own
// (aws_access_key_id/aws_secret_access_key): the manifest's key_aliases let the host accept both.
import Foundation
import Testing

@Suite("AWS credentials", .serialized)
struct AWSCredentialTests {
    @Test("AWS's own key names register and connect; a credential with neither name is a 400 naming both")
    func awsKeyNames() throws {
        let moto = try MotoServer()
        let registry = try TestRegistry()
        try registry.addStaged("aws")
        try registry.publish()
        let host = try HostProcess(driversDirs: [], extraArguments: registry.hostArguments)
        let c = try Fixtures.register(
            host, driver: "aws-driver01", provider: "AWS", library: "libspider-driver-aws.so", tag: "aws-native",
            credentials: [("aws_access_key_id", "AKIDSPIDERTEST"), ("aws_secret_access_key", "native-secret-\(UUID().uuidString)")],
            region: [("Region", "us-east-1"), ("Endpoint", moto.endpoint)])
        try host.must("POST", "/spider/vpc", json: ["ConnectionName": c.name, "ReqInfo": ["Name": "vpc-native", "IPv4_CIDR": "10.9.0.0/16",
            "SubnetInfoList": [["Name": "subnet-native", "IPv4_CIDR": "10.9.1.0/24"]]]])
        let vpcs = try moto.ec2("us-east-1", "describe_vpcs", filters: ["tag:Name": ["vpc-native"]])
        #expect((vpcs["Vpcs"] as? [[String: Any]])?.count == 1)

        try host.must("POST", "/spider/credential", json: ["CredentialName": "aws-wrong", "ProviderName": "AWS",
                                                          "KeyValueInfoList": [["Key": "AccessKey", "Value": "x"]]])
        try host.must("POST", "/spider/region", json: ["RegionName": "aws-r2", "ProviderName": "AWS",
                                                      "KeyValueInfoList": [["Key": "Region", "Value": "us-east-1"]]])
        try host.expect("POST", "/spider/connectionconfig", json: [
            "ConfigName": "aws-wrong-config", "ProviderName": "AWS", "DriverName": "aws-driver01",
            "CredentialName": "aws-wrong", "RegionName": "aws-r2",
        ], status: 400, mentioning: ["ClientId", "aws_access_key_id"])
    }
}
