// The OpenStack driver's catalogue and network handlers against a real OpenStack (Tools/openstack),
// each step checked in OpenStack's own view: a VPC really is a network, its subnets and a router
// to the external network; a security group has exactly the requested rules; nothing is left.
import Foundation
import Testing

extension RealOpenStackTests {
    @Test("regions and zones from Keystone and Nova; Glance's public images; flavors with their GPUs")
    func catalogue() throws {
        let (host, c, registry) = try OpenStackCloud.host(tag: "os-catalogue")
        defer { withExtendedLifetime(registry) {} }
        let regions = try host.must("GET", "/spider/regionzone\(c.query)").list("regionzone")
        let region = try #require(regions.first { $0["Name"] as? String == OpenStackCloud.region }, "\(regions)")
        let zones = region["ZoneList"] as? [[String: Any]] ?? []
        #expect(zones.contains { $0["Name"] as? String == "nova" && $0["Status"] as? String == "Available" }, "\(zones)")

        let images = try host.must("GET", "/spider/vmimage\(c.query)").list("image")
        let cirros = try #require(images.first { $0["Name"] as? String == OpenStackCloud.image }, "\(images.map { $0["Name"] ?? "" })")
        #expect(cirros["ImageStatus"] as? String == "Available")
        #expect(!systemID(cirros["IId"]).isEmpty)
        let one = try host.must("GET", "/spider/vmimage/\(OpenStackCloud.image)\(c.query)").json
        #expect(systemID(one["IId"]) == systemID(cirros["IId"]))
        try host.expect("GET", "/spider/vmimage/no-such-image\(c.query)", status: 404, mentioning: ["no-such-image"])

        let tiny = try host.must("GET", "/spider/vmspec/\(OpenStackCloud.flavor)\(c.query)").json
        #expect((tiny["VCpu"] as? [String: Any])?["Count"] as? String == "1" && tiny["MemSizeMiB"] as? String == "512", "\(tiny)")
        let gpu = try host.must("GET", "/spider/vmspec/\(OpenStackCloud.gpuFlavor)\(c.query)").json
        let gpus = gpu["Gpu"] as? [[String: Any]] ?? []
        #expect(gpus.count == 1 && gpus.first?["Count"] as? String == "1", "\(gpu)")
        let specs = try host.must("GET", "/spider/vmspec\(c.query)").list("vmspec").compactMap { $0["Name"] as? String }
        #expect(Set([OpenStackCloud.flavor, OpenStackCloud.gpuFlavor]).isSubset(of: Set(specs)), "\(specs)")
        try host.expect("GET", "/spider/vmspec/no-such-flavor\(c.query)", status: 404, mentioning: ["no-such-flavor"])
    }

    @Test("a VPC is a network with its subnets and a router to the external network; subnets come and go; delete leaves nothing")
    func vpc() throws {
        let (host, c, registry) = try OpenStackCloud.host(tag: "os-vpc")
        defer { withExtendedLifetime(registry) {} }
        let vpc = try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01", cidr: "10.10.0.0/16",
                                                                         subnets: [("subnet-01", "10.10.1.0/24")])).json
        let networkID = systemID(vpc["IId"])
        #expect(vpc["IPv4_CIDR"] as? String == "10.10.0.0/16")
        let network = try #require(try OpenStackWitness.network(networkID), "no network \(networkID)")
        #expect(network["name"] as? String == "vpc-01")
        let subnets = try OpenStackWitness.subnets(ofNetwork: networkID)
        #expect(subnets.map { "\($0["name"] ?? "") \($0["cidr"] ?? "")" } == ["subnet-01 10.10.1.0/24"])
        let interfaces = try OpenStackWitness.ports("network_id=\(OpenStackView.quoted(networkID)), device_owner='network:router_interface'")
        #expect(interfaces.count == 1, "one router interface on the VPC: \(interfaces)")
        let routerID = try #require(interfaces.first?["device_id"] as? String)
        let router = try #require(try OpenStackWitness.router(routerID))
        let external = try #require(try OpenStackWitness.network(OpenStackCloud.externalNetwork))
        #expect((router["external_gateway_info"] as? [String: Any])?["network_id"] as? String == external["id"] as? String,
                "the router's gateway is the external network: \(router)")

        // A second subnet gets its own router interface; removing it removes both.
        try host.must("POST", "/spider/vpc/vpc-01/subnet", json: Requests.subnet(c.name, "subnet-02", cidr: "10.10.2.0/24"))
        #expect(try OpenStackWitness.subnets(ofNetwork: networkID).count == 2)
        #expect(try OpenStackWitness.ports("device_id=\(OpenStackView.quoted(routerID))").filter {
            $0["device_owner"] as? String == "network:router_interface" }.count == 2)
        try host.must("DELETE", "/spider/vpc/vpc-01/subnet/subnet-02", json: Requests.connection(c.name))
        #expect(try OpenStackWitness.subnets(ofNetwork: networkID).map { $0["name"] as? String } == ["subnet-01"])

        let listed = try host.must("GET", "/spider/vpc\(c.query)").list("vpc")
        #expect(listed.map { systemID($0["IId"]) } == [networkID])

        try host.must("DELETE", "/spider/vpc/vpc-01", json: Requests.connection(c.name))
        #expect(try OpenStackWitness.network(networkID) == nil, "the network is gone")
        #expect(try OpenStackWitness.subnets(ofNetwork: networkID).isEmpty)
        #expect(try OpenStackWitness.router(routerID) == nil, "the router is gone")
        try host.expect("GET", "/spider/vpc/vpc-01\(c.query)", status: 404)
    }

    @Test("a security group has exactly the requested rules (Neutron's default egress rules removed); rules added and removed")
    func securityGroup() throws {
        let (host, c, registry) = try OpenStackCloud.host(tag: "os-sg")
        defer { withExtendedLifetime(registry) {} }
        try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01", cidr: "10.20.0.0/16", subnets: [("subnet-01", "10.20.1.0/24")]))
        let rules = [Requests.rule("22"), Requests.rule("80", "443", cidr: "10.0.0.0/8"), Requests.rule("443", direction: "outbound")]
        let sg = try host.must("POST", "/spider/securitygroup", json: Requests.securityGroup(c.name, "sg-01", vpc: "vpc-01", rules: rules)).json
        let id = systemID(sg["IId"])
        #expect((sg["SecurityRules"] as? [Any])?.count == 3, "\(sg)")
        let group = try #require(try OpenStackWitness.securityGroup(id))
        #expect(group["name"] as? String == "sg-01")
        #expect(OpenStackWitness.rules(group) == ["egress tcp 443-443 0.0.0.0/0", "ingress tcp 22-22 0.0.0.0/0", "ingress tcp 80-443 10.0.0.0/8"])

        let icmp = Requests.rule("-1", protocol: "icmp")
        try host.must("POST", "/spider/securitygroup/sg-01/rules", json: Requests.rules(c.name, [icmp]))
        #expect(OpenStackWitness.rules(try #require(try OpenStackWitness.securityGroup(id))).contains("ingress icmp *-* 0.0.0.0/0"))
        try host.expect("POST", "/spider/securitygroup/sg-01/rules", json: Requests.rules(c.name, [Requests.rule("22")]),
                        status: 409, mentioning: ["already has"])
        try host.must("DELETE", "/spider/securitygroup/sg-01/rules", json: Requests.rules(c.name, [Requests.rule("22"), icmp]))
        #expect(OpenStackWitness.rules(try #require(try OpenStackWitness.securityGroup(id)))
                == ["egress tcp 443-443 0.0.0.0/0", "ingress tcp 80-443 10.0.0.0/8"])
        try host.expect("DELETE", "/spider/securitygroup/sg-01/rules", json: Requests.rules(c.name, [Requests.rule("22")]),
                        status: 404, mentioning: ["no rule"])

        try host.must("DELETE", "/spider/securitygroup/sg-01", json: Requests.connection(c.name))
        #expect(try OpenStackWitness.securityGroup(id) == nil)
        try host.must("DELETE", "/spider/vpc/vpc-01", json: Requests.connection(c.name))
    }

    @Test("a key pair made by Nova gives its private key once; an imported one keeps its public key; both deleted in Nova")
    func keyPairs() throws {
        let (host, c, registry) = try OpenStackCloud.host(tag: "os-key")
        defer { withExtendedLifetime(registry) {} }
        let made = try host.must("POST", "/spider/keypair", json: Requests.keyPair(c.name, "key-01")).json
        #expect((made["PrivateKey"] as? String)?.contains("PRIVATE KEY") == true)
        let nova = try #require(try OpenStackWitness.keyPair("key-01"), "Nova has no key-01")
        #expect(nova["fingerprint"] as? String == made["Fingerprint"] as? String)
        let again = try host.must("GET", "/spider/keypair/key-01\(c.query)").json
        #expect(again["PrivateKey"] == nil && again["Fingerprint"] as? String == made["Fingerprint"] as? String)

        let folder = try TempFolder(prefix: "os-key")
        let (line, _) = try SSHKeyGen.make("ed25519", name: "imported", in: folder)
        var request = Requests.keyPair(c.name, "key-02")
        request["ReqInfo"] = ["Name": "key-02", "PublicKey": line]
        let imported = try host.must("POST", "/spider/keypair", json: request).json
        #expect(imported["PrivateKey"] == nil)
        #expect(SSHKeyGen.keyPart((try OpenStackWitness.keyPair("key-02"))?["public_key"] as? String ?? "") == SSHKeyGen.keyPart(line))

        for name in ["key-01", "key-02"] {
            try host.must("DELETE", "/spider/keypair/\(name)", json: Requests.connection(c.name))
            #expect(try OpenStackWitness.keyPair(name) == nil, "\(name) is gone from Nova")
        }
    }

    @Test("bad credentials and a missing login key are refused with the reason; the host serves on")
    func credentials() throws {
        let (host, c, registry) = try OpenStackCloud.host(tag: "os-good")
        defer { withExtendedLifetime(registry) {} }
        let wrong = try OpenStackCloud.connect(host, tag: "os-wrong", credentials: [
            ("IdentityEndpoint", OpenStackCloud.authURL), ("Username", OpenStackCloud.user.name), ("Password", "not-the-password"),
            ("DomainName", "Default"), ("ProjectName", OpenStackCloud.user.project)])
        let r = try host.call("GET", "/spider/vpc\(wrong.query)")
        #expect(r.status == 401, "\(r.status) \(r.text)")
        expectMessage(r, mentions: ["keystone", "authentication"], request: "GET /spider/vpc (wrong password)")
        let noProject = try OpenStackCloud.connect(host, tag: "os-noproject", credentials: [
            ("IdentityEndpoint", OpenStackCloud.authURL), ("Username", OpenStackCloud.user.name), ("Password", OpenStackCloud.user.password)])
        try host.expect("GET", "/spider/vpc\(noProject.query)", status: 400, mentioning: ["ProjectID"])
        try host.must("GET", "/spider/vpc\(c.query)")
        host.expectReady()
    }
}
