// The moto harness itself: a server the AWS driver's tests can trust to start, hold state, show
// that state through boto3, forget it on reset, and go away with its process.
import Foundation
import Glibc
import Testing

@Suite("moto server harness")
struct MotoServerTests {
    @Test("start, create a VPC with boto3, see it in moto's view, reset, gone")
    func lifecycle() throws {
        let server = try MotoServer()
        #expect(server.endpoint == "http://127.0.0.1:\(server.port)")

        let created = try server.ec2("eu-west-1", "create_vpc", ["CidrBlock": "10.42.0.0/16",
            "TagSpecifications": [["ResourceType": "vpc", "Tags": [["Key": "Name", "Value": "harness-vpc"]]]]])
        let vpcID = try #require((created["Vpc"] as? [String: Any])?["VpcId"] as? String)
        #expect(vpcID.hasPrefix("vpc-"))

        let byName = MotoView.items(try server.ec2("eu-west-1", "describe_vpcs", filters: ["tag:Name": ["harness-vpc"]]), "Vpcs")
        #expect(byName.map { $0["VpcId"] as? String } == [vpcID])
        #expect(byName.first.flatMap(MotoView.nameTag) == "harness-vpc")
        #expect(byName.first?["CidrBlock"] as? String == "10.42.0.0/16")
        // Regions are separate in moto as in AWS.
        #expect(MotoView.items(try server.ec2("us-east-1", "describe_vpcs", filters: ["vpc-id": [vpcID]]), "Vpcs").isEmpty)
        // AWS's errors come back with AWS's code.
        let missing = #expect(throws: MotoView.CloudError.self) {
            try server.ec2("eu-west-1", "describe_vpcs", ["VpcIds": ["vpc-00000000000000000"]])
        }
        #expect(missing?.code == "InvalidVpcID.NotFound")

        try server.reset()
        #expect(MotoView.items(try server.ec2("eu-west-1", "describe_vpcs", filters: ["vpc-id": [vpcID]]), "Vpcs").isEmpty)
    }

    @Test("two servers at once get different ports and separate state")
    func twoServers() throws {
        let a = try MotoServer(), b = try MotoServer()
        #expect(a.port != b.port)
        _ = try a.ec2("us-east-1", "create_vpc", ["CidrBlock": "10.1.0.0/16"])
        #expect(MotoView.items(try a.ec2("us-east-1", "describe_vpcs", filters: ["cidr": ["10.1.0.0/16"]]), "Vpcs").count == 1)
        #expect(MotoView.items(try b.ec2("us-east-1", "describe_vpcs", filters: ["cidr": ["10.1.0.0/16"]]), "Vpcs").isEmpty)
    }

    @Test("the process is stopped and reaped when the server is let go")
    func stopsByPid() throws {
        var moto: MotoServer? = try MotoServer()
        let pid = moto!.pid, port = moto!.port
        moto = nil
        #expect(kill(pid, 0) == -1 && errno == ESRCH, "moto's process is gone and reaped")
        #expect(throws: (any Error).self, "nothing answers on its port") {
            try LoopbackHTTP.request(port: port, method: "GET", path: "/moto-api/config", timeoutSeconds: 5)
        }
    }
}
