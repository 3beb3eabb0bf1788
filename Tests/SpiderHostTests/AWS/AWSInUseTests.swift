// Deletes the AWS driver refuses before touching anything (OPERATIONS.md): a VPC used by an NLB or an
// EKS cluster, and a VM in an NLB's target group, answer 409 naming the user; moto's view shows
// nothing was removed. Once the user is gone, the same delete goes through.
import Foundation
import Testing

@Suite("AWS driver against moto: deletes refused while an NLB or a cluster uses the resource", .serialized)
struct AWSInUseTests {
    static let region = AWSNetworkTests.region

    static func subnets(_ moto: MotoServer, _ vpcID: String) throws -> [[String: Any]] {
        MotoView.items(try moto.ec2(region, "describe_subnets", filters: ["vpc-id": [vpcID]]), "Subnets")
    }

    static func gateways(_ moto: MotoServer, _ vpcID: String) throws -> [[String: Any]] {
        MotoView.items(try moto.ec2(region, "describe_internet_gateways", filters: ["attachment.vpc-id": [vpcID]]), "InternetGateways")
    }

    @Test("an NLB holds its VPC and its group's VM: vpc.delete and vm.terminate are 409 naming it, nothing removed; free once it is gone")
    func nlbHolds() throws {
        let (moto, host, c) = try AWSNetworkTests.stack()
        let ids = try AWSNLBMonitoringTests.vms(moto, host, c, ["vm-01", "vm-02"])
        let vpcID = try #require(MotoView.items(try moto.ec2(Self.region, "describe_vpcs", filters: ["tag:Name": ["vpc-01"]]),
                                                "Vpcs").first?["VpcId"] as? String)
        try host.must("POST", "/spider/nlb", json: Requests.nlb(c.name, "nlb-01", vms: ["vm-01"]))

        // The VM in the group is held; the other one is not.
        try host.expect("DELETE", "/spider/vm/vm-01", json: Requests.connection(c.name), status: 409, mentioning: ["vm-01", "nlb-01"])
        let held = try AWSComputeTests.instance(moto, try #require(ids["vm-01"]))
        #expect((held["State"] as? [String: Any])?["Name"] as? String == "running")
        try host.must("DELETE", "/spider/vm/vm-02", json: Requests.connection(c.name))

        // The VPC is held by the NLB (and by its security group): nothing of it is removed.
        try host.expect("DELETE", "/spider/vpc/vpc-01", json: Requests.connection(c.name), status: 409, mentioning: ["nlb-01"])
        #expect(try Self.subnets(moto, vpcID).count == 1)
        #expect(try Self.gateways(moto, vpcID).count == 1)

        // Out of the group, the VM terminates; without the NLB and the group, the VPC goes.
        try host.must("DELETE", "/spider/nlb/nlb-01/vms", json: Requests.nlbVMs(c.name, ["vm-01"]))
        try host.must("DELETE", "/spider/vm/vm-01", json: Requests.connection(c.name))
        try host.must("DELETE", "/spider/nlb/nlb-01", json: Requests.connection(c.name))
        try host.must("DELETE", "/spider/securitygroup/sg-01", json: Requests.connection(c.name))
        try host.must("DELETE", "/spider/vpc/vpc-01", json: Requests.connection(c.name))
        #expect(try Self.subnets(moto, vpcID).isEmpty)
        #expect(try Self.gateways(moto, vpcID).isEmpty)
    }

    @Test("an EKS cluster holds its VPC: vpc.delete is 409 naming the cluster, subnets and gateway stay; free once it is deleted")
    func clusterHolds() throws {
        let (moto, host, c) = try AWSClusterTests.stack()
        let vpc = try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01", subnets: [("subnet-01", "10.0.1.0/24"),
                                                                                                       ("subnet-02", "10.0.2.0/24")])).json
        let vpcID = try #require((vpc["IId"] as? [String: Any])?["SystemId"] as? String)
        try host.must("POST", "/spider/cluster", json: Requests.cluster(c.name, "cls-01", subnets: ["subnet-01", "subnet-02"],
                                                                        securityGroups: []))
        try host.expect("DELETE", "/spider/vpc/vpc-01", json: Requests.connection(c.name), status: 409, mentioning: ["cls-01"])
        #expect(try Self.subnets(moto, vpcID).count == 2)
        #expect(try Self.gateways(moto, vpcID).count == 1)

        try host.must("DELETE", "/spider/cluster/cls-01", json: Requests.connection(c.name))
        try host.must("DELETE", "/spider/vpc/vpc-01", json: Requests.connection(c.name))
        #expect(try Self.subnets(moto, vpcID).isEmpty)
        #expect(MotoView.items(try moto.ec2(Self.region, "describe_vpcs", filters: ["vpc-id": [vpcID]]), "Vpcs").isEmpty)
    }
}
