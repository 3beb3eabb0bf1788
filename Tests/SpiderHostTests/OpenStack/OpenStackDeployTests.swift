// `spctl deploy` puts the same infrastructure on the Mock, AWS (moto) and the real OpenStack in one
// command, and --destroy takes it away from all three: each cloud checked in its own view.
import Foundation
import Testing

extension RealOpenStackTests {
    @Test("spctl deploy: one infra.json onto the Mock, AWS (moto) and OpenStack at once; --destroy leaves nothing on any")
    func deployThreeClouds() throws {
        let moto = try MotoServer()
        let registry = try TestRegistry()
        for driver in ["mock", "aws", "openstack"] { try registry.addStaged(driver) }
        try registry.publish()
        try OpenStackCloud.ensureRunning()
        try OpenStackCloud.emptyProject()
        let host = try HostProcess(driversDirs: [], extraArguments: registry.hostArguments)
        let mock = try Fixtures.registerMock(host, tag: "deploy-mock")
        let aws = try AWSStack.connect(host, tag: "deploy-aws", keys: [("Endpoint", moto.endpoint)])
        let openstack = try OpenStackCloud.connect(host, tag: "deploy-os")
        let awsImage = try AWSFullScenarioTests.awsImage(moto, "us-east-1")

        let file = host.folder.file("infra.json")
        try """
            {"vpc": {"name": "vpc-01", "cidr": "10.50.0.0/16", "subnets": [{"name": "subnet-01", "cidr": "10.50.1.0/24"}]},
             "securityGroups": [{"name": "sg-web", "rules": [{"from": 22}, {"from": 443}]}],
             "keyPair": {"name": "key-01"},
             "vms": [{"name": "vm-01", "securityGroups": ["sg-web"]}],
             "connections": {
               "\(mock.name)": {"image": "mock-vmimage-01", "spec": "mock-vmspec-01"},
               "\(aws.name)": {"image": "\(awsImage)", "spec": "t3.micro"},
               "\(openstack.name)": {"image": "\(OpenStackCloud.image)", "spec": "\(OpenStackCloud.flavor)"}}}
            """.write(toFile: file, atomically: true, encoding: .utf8)

        let r = try Spctl.must(host, ["deploy", "-f", file])
        let results = r.json["Connections"] as? [[String: Any]] ?? []
        #expect(results.count == 3 && results.allSatisfy { $0["Succeeded"] as? Bool == true }, "\(r.stdout)\n\(r.stderr)")
        for c in [mock, aws, openstack] {
            let vm = try host.must("GET", "/spider/vm/vm-01\(c.query)").json
            #expect(try host.must("GET", "/spider/vmstatus/vm-01\(c.query)").json["Status"] as? String == "Running", "\(c.name): \(vm)")
        }
        // Each cloud's own view: OpenStack's server, moto's instance.
        let osVM = systemID(try host.must("GET", "/spider/vm/vm-01\(openstack.query)").json["IId"])
        #expect(try OpenStackWitness.server(osVM)?["status"] as? String == "ACTIVE")
        let awsVM = systemID(try host.must("GET", "/spider/vm/vm-01\(aws.query)").json["IId"])
        let reservations = MotoView.items(try moto.ec2("us-east-1", "describe_instances", ["InstanceIds": [awsVM]]), "Reservations")
        #expect(((reservations.first?["Instances"] as? [[String: Any]])?.first?["State"] as? [String: Any])?["Name"] as? String == "running")

        let d = try Spctl.must(host, ["deploy", "-f", file, "--destroy"])
        #expect((d.json["Connections"] as? [[String: Any]] ?? []).allSatisfy { $0["Succeeded"] as? Bool == true }, "\(d.stdout)")
        for c in [mock, aws, openstack] {
            for (path, key) in [("vm", "vm"), ("keypair", "keypair"), ("securitygroup", "securitygroup"), ("vpc", "vpc")] {
                #expect(try host.must("GET", "/spider/\(path)\(c.query)").list(key).isEmpty, "\(c.name): \(path) left")
            }
        }
        #expect(try OpenStackWitness.server(osVM) == nil)
    }
}
