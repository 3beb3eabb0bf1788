// A credential allowed EC2 but denied ELBv2 and EKS (a relay answers those services AccessDenied, as
// AWS does for a user without the permissions): the looks the driver takes at those services on
// the side (tag.find over every type, vpc.delete's in-use checks) leave them out instead of failing,
// while asking for NLBs by name answers 403.
import Foundation
import Testing

@Suite("AWS driver against moto: a credential denied ELBv2 and EKS", .serialized)
struct AWSDeniedServicesTests {
    static let region = AWSNetworkTests.region

    @Test("tag.find over every type answers EC2's tags; vpc.delete goes through; NLB tags and the NLB list are 403")
    func deniedServices() throws {
        let (moto, host, _) = try AWSNetworkTests.stack()
        let relay = try AWSRelay(upstream: moto.endpoint, refusing: [.service("elasticloadbalancing"), .service("eks")])
        let c = try AWSStack.connect(host, tag: "aws-denied", region: Self.region, keys: [("Endpoint", relay.endpoint)])
        try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01", subnets: [("subnet-01", "10.0.1.0/24")]))
        try host.must("POST", "/spider/tag", json: AWSServiceTagTests.addRequest(c.name, "VPC", "vpc-01", "env", "prod"))

        let found = try AWSServiceTagTests.found(host.must("GET", "/spider/tag/find\(c.query)&Key=env"))
        #expect(found.map(\.name) == ["vpc-01"])
        #expect(relay.refused >= 2, "ELBv2 and EKS were asked and refused")
        try host.expect("GET", "/spider/tag/find\(c.query)&ResourceType=NLB&Key=env", status: 403)
        try host.expect("GET", "/spider/nlb\(c.query)", status: 403)

        try host.must("DELETE", "/spider/vpc/vpc-01", json: Requests.connection(c.name))
        #expect(MotoView.items(try moto.ec2(Self.region, "describe_vpcs", filters: ["tag:Name": ["vpc-01"]]), "Vpcs").isEmpty)
    }
}
