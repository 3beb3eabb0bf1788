// VMs and disks of the OpenStack driver against a real OpenStack (Nova with its fake hypervisor,
// Cinder with its fake volume driver), each step checked in OpenStack's own view: the server boots
// on a port in the requested subnet with the requested security group, key and flavor, gets a
// floating IP; suspend and resume are idempotent; a disk attaches, grows and detaches; terminate
// leaves no server, port or floating IP.
import Foundation
import Testing

extension RealOpenStackTests {
    @Test("a VM boots where it was asked, with a floating IP; suspend, resume and reboot (idempotent); a disk's life; terminate cleans up")
    func vmAndDisk() throws {
        let (host, c, registry) = try OpenStackCloud.host(tag: "os-vm")
        defer { withExtendedLifetime(registry) {} }
        let q = c.query
        let only = Requests.connection(c.name)
        let vpc = try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01", cidr: "10.30.0.0/16",
                                                                         subnets: [("subnet-01", "10.30.1.0/24")])).json
        let subnetID = systemID((vpc["SubnetInfoList"] as? [[String: Any]])?.first?["IId"])
        let sg = try host.must("POST", "/spider/securitygroup", json: Requests.securityGroup(c.name, "sg-01", vpc: "vpc-01",
                                                                                           rules: [Requests.rule("22")])).json
        try host.must("POST", "/spider/keypair", json: Requests.keyPair(c.name, "key-01"))

        let vm = try host.must("POST", "/spider/vm", json: Requests.vm(c.name, "vm-01", vpc: "vpc-01", subnet: "subnet-01",
                                                                      securityGroups: ["sg-01"], keyPair: "key-01",
                                                                      image: OpenStackCloud.image, spec: OpenStackCloud.flavor)).json
        let vmID = systemID(vm["IId"])
        #expect(systemID(vm["SubnetIID"]) == subnetID && systemID(vm["VpcIID"]) == systemID(vpc["IId"]), "\(vm)")
        #expect(vm["VMSpecName"] as? String == OpenStackCloud.flavor && vm["VMUserId"] as? String == "cb-user")
        let publicIP = vm["PublicIP"] as? String ?? ""
        #expect(publicIP.hasPrefix("172.24.4."), "a floating IP from the external network: \(vm)")
        #expect((vm["PrivateIP"] as? String ?? "").hasPrefix("10.30.1."))

        let server = try #require(try OpenStackWitness.server(vmID), "Nova has no server \(vmID)")
        #expect(server["status"] as? String == "ACTIVE" && server["key_name"] as? String == "key-01")
        #expect((server["flavor"] as? [String: Any])?["original_name"] as? String == OpenStackCloud.flavor, "\(server["flavor"] ?? "")")
        let ports = try OpenStackWitness.ports("device_id=\(OpenStackView.quoted(vmID))")
        #expect(ports.count == 1)
        let port = try #require(ports.first)
        #expect((port["fixed_ips"] as? [[String: Any]])?.first?["subnet_id"] as? String == subnetID)
        #expect(port["security_group_ids"] as? [String] == [systemID(sg["IId"])], "\(port)")
        let floating = try OpenStackWitness.floatingIPs(port: port["id"] as? String ?? "")
        #expect(floating.map { $0["floating_ip_address"] as? String } == [publicIP])
        #expect(Self.userData(server).contains("name: cb-user"), "cloud-init makes cb-user: \(server["user_data"] ?? "none")")

        // Controls: each twice (the second is a no-op that succeeds), Nova's state follows.
        for (action, spider, nova) in [("suspend", "Suspended", "SUSPENDED"), ("resume", "Running", "ACTIVE")] {
            try host.must("GET", "/spider/controlvm/vm-01\(q)&action=\(action)")
            try host.must("GET", "/spider/controlvm/vm-01\(q)&action=\(action)")
            #expect(try host.must("GET", "/spider/vmstatus/vm-01\(q)").json["Status"] as? String == spider)
            #expect(try OpenStackWitness.server(vmID)?["status"] as? String == nova)
        }
        try host.must("GET", "/spider/controlvm/vm-01\(q)&action=reboot")
        #expect(try host.must("GET", "/spider/vmstatus/vm-01\(q)").json["Status"] as? String == "Running")

        // Disk: create, attach, grow while attached, detach, delete; Cinder agrees at each step.
        let disk = try host.must("POST", "/spider/disk", json: Requests.disk(c.name, "disk-01", size: "2")).json
        let diskID = systemID(disk["IId"])
        #expect(disk["Status"] as? String == "Available" && disk["DiskSize"] as? String == "2")
        #expect(try OpenStackWitness.volume(diskID)?["status"] as? String == "available")
        let attached = try host.must("PUT", "/spider/disk/disk-01/attach", json: Requests.diskVM(c.name, "vm-01")).json
        #expect(attached["Status"] as? String == "Attached" && systemID(attached["OwnerVM"]) == vmID, "\(attached)")
        #expect(try OpenStackWitness.volume(diskID)?["status"] as? String == "in-use")
        try host.expect("DELETE", "/spider/disk/disk-01", json: only, status: 409, mentioning: ["attached"])
        try host.must("PUT", "/spider/disk/disk-01/size", json: Requests.diskSize(c.name, "3"))
        #expect(try host.must("GET", "/spider/disk/disk-01\(q)").json["DiskSize"] as? String == "3")
        #expect(try OpenStackWitness.volume(diskID)?["size"] as? Int == 3)
        try host.expect("PUT", "/spider/disk/disk-01/size", json: Requests.diskSize(c.name, "1"), status: 400, mentioning: ["only grow"])
        try host.must("PUT", "/spider/disk/disk-01/detach", json: Requests.diskVM(c.name, "vm-01"))
        let volume = try OpenStackWitness.volume(diskID)
        #expect(volume?["status"] as? String == "available" && volume?["size"] as? Int == 3, "\(volume ?? [:])")
        try host.must("DELETE", "/spider/disk/disk-01", json: only)
        #expect(try OpenStackWitness.volume(diskID) == nil)

        // The key pair is in use while the VM lives.
        try host.expect("DELETE", "/spider/keypair/key-01", json: only, status: 409, mentioning: ["vm-01"])

        try host.must("DELETE", "/spider/vm/vm-01", json: only)
        #expect(try OpenStackWitness.server(vmID) == nil, "the server is gone")
        #expect(try OpenStackWitness.ports("device_id=\(OpenStackView.quoted(vmID))").isEmpty)
        #expect(try OpenStackWitness.floatingIPs(port: port["id"] as? String ?? "").isEmpty)
        #expect(try OpenStackWitness.ports("id=\(OpenStackView.quoted(port["id"] as? String ?? ""))").isEmpty, "the VM's port is gone")

        try host.must("DELETE", "/spider/keypair/key-01", json: only)
        try host.must("DELETE", "/spider/securitygroup/sg-01", json: only)
        try host.must("DELETE", "/spider/vpc/vpc-01", json: only)
        #expect(try OpenStackWitness.network(systemID(vpc["IId"])) == nil)
    }

    /// The cloud-init user data Nova keeps for a server, decoded.
    static func userData(_ server: [String: Any]) -> String {
        String(decoding: Data(base64Encoded: server["user_data"] as? String ?? "") ?? Data(), as: UTF8.self)
    }

    @Test("a VPC with a VM on it is not deleted (nothing touched); an unknown flavor or image is 404 and leaves nothing behind; a key pair made again under its name gives the next VM its new key")
    func refusals() throws {
        let (host, c, registry) = try OpenStackCloud.host(tag: "os-refuse")
        defer { withExtendedLifetime(registry) {} }
        let only = Requests.connection(c.name)
        let vpc = try host.must("POST", "/spider/vpc", json: Requests.vpc(c.name, "vpc-01", cidr: "10.40.0.0/16",
                                                                         subnets: [("subnet-01", "10.40.1.0/24")])).json
        try host.must("POST", "/spider/securitygroup", json: Requests.securityGroup(c.name, "sg-01", vpc: "vpc-01", rules: []))
        let firstKey = try host.must("POST", "/spider/keypair", json: Requests.keyPair(c.name, "key-01")).json["PublicKey"] as? String ?? ""
        let portsBefore = try OpenStackWitness.ports("network_id=\(OpenStackView.quoted(systemID(vpc["IId"])))").count
        try host.expect("POST", "/spider/vm", json: Requests.vm(c.name, "vm-bad", vpc: "vpc-01", subnet: "subnet-01", securityGroups: ["sg-01"],
                                                                keyPair: "key-01", image: OpenStackCloud.image, spec: "no-such-flavor"),
                        status: 404, mentioning: ["no-such-flavor"])
        try host.expect("POST", "/spider/vm", json: Requests.vm(c.name, "vm-bad", vpc: "vpc-01", subnet: "subnet-01", securityGroups: ["sg-01"],
                                                                keyPair: "key-01", image: "no-such-image", spec: OpenStackCloud.flavor),
                        status: 404, mentioning: ["no-such-image"])
        #expect(try OpenStackWitness.ports("network_id=\(OpenStackView.quoted(systemID(vpc["IId"])))").count == portsBefore,
                "a refused VM leaves no port")

        let vm = try host.must("POST", "/spider/vm", json: Requests.vm(c.name, "vm-01", vpc: "vpc-01", subnet: "subnet-01", securityGroups: ["sg-01"],
                                                                      keyPair: "key-01", image: OpenStackCloud.image, spec: OpenStackCloud.flavor)).json
        let firstUserData = Self.userData(try OpenStackWitness.server(systemID(vm["IId"])) ?? [:])
        #expect(!firstKey.isEmpty && firstUserData.contains(firstKey), "cb-user gets the key pair's public key: \(firstUserData)")
        try host.expect("DELETE", "/spider/vpc/vpc-01", json: only, status: 409, mentioning: ["in use"])
        #expect(try OpenStackWitness.subnets(ofNetwork: systemID(vpc["IId"])).count == 1, "the refused delete touched nothing")
        try host.must("DELETE", "/spider/vm/vm-01", json: only)
        try host.must("DELETE", "/spider/keypair/key-01", json: only)

        // The driver keeps a key's public key between starts; a key made again under the same name is the one used.
        let secondKey = try host.must("POST", "/spider/keypair", json: Requests.keyPair(c.name, "key-01")).json["PublicKey"] as? String ?? ""
        #expect(!secondKey.isEmpty && secondKey != firstKey)
        let vm2 = try host.must("POST", "/spider/vm", json: Requests.vm(c.name, "vm-02", vpc: "vpc-01", subnet: "subnet-01", securityGroups: ["sg-01"],
                                                                       keyPair: "key-01", image: OpenStackCloud.image, spec: OpenStackCloud.flavor)).json
        let secondUserData = Self.userData(try OpenStackWitness.server(systemID(vm2["IId"])) ?? [:])
        #expect(secondUserData.contains(secondKey) && !secondUserData.contains(firstKey), "\(secondUserData)")
        try host.must("DELETE", "/spider/vm/vm-02", json: only)
        try host.must("DELETE", "/spider/keypair/key-01", json: only)
        try host.must("DELETE", "/spider/securitygroup/sg-01", json: only)
        try host.must("DELETE", "/spider/vpc/vpc-01", json: only)
    }
}
