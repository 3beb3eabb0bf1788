// The full scenario's witness on OpenStack: each step checked in OpenStack's own view (openstacksdk
// as the admin), as MotoWitness checks moto's.
import Foundation
import Testing

struct OpenStackScenarioWitness: CloudWitness {
    func vpc(_ id: String, cidr: String, subnets: [String: String]) throws {
        let network = try #require(try OpenStackWitness.network(id), "no network \(id)")
        #expect(network["name"] as? String == "vpc-01")
        #expect((network["description"] as? String ?? "").contains("cidr=\(cidr)"))
        let theirs = try OpenStackWitness.subnets(ofNetwork: id)
        #expect(Dictionary(uniqueKeysWithValues: theirs.map { ($0["name"] as? String ?? "", $0["cidr"] as? String ?? "") }) == subnets)
        let interfaces = try OpenStackWitness.ports("network_id=\(OpenStackView.quoted(id)), device_owner='network:router_interface'")
        #expect(interfaces.count == subnets.count, "a router interface per subnet: \(interfaces)")
    }

    func securityGroup(_ id: String, vpc: String, inbound: [String], outbound: [String]) throws {
        let group = try #require(try OpenStackWitness.securityGroup(id))
        #expect(group["name"] as? String == "sg-01")
        let neutron = { (inbound: [String], outbound: [String]) in
            (inbound.map { "ingress " + $0 } + outbound.map { "egress " + $0 }).sorted()
        }
        #expect(OpenStackWitness.rules(group) == neutron(inbound, outbound))
    }

    func keyPair(_ id: String, name: String, fingerprint: String) throws {
        let key = try #require(try OpenStackWitness.keyPair(name))
        #expect(id == name && key["fingerprint"] as? String == fingerprint)
    }

    func vm(_ ids: ScenarioIDs, image: String, spec: String, status: String) throws {
        let server = try #require(try OpenStackWitness.server(ids.vm))
        let expected = ["Running": "ACTIVE", "Suspended": "SUSPENDED"][status] ?? status
        #expect(server["status"] as? String == expected, "\(ids.vm) is \(server["status"] ?? "?"), not \(expected)")
        #expect(server["name"] as? String == "vm-01" && server["key_name"] as? String == "key-01")
        #expect((server["flavor"] as? [String: Any])?["original_name"] as? String == spec)
        let ports = try OpenStackWitness.ports("device_id=\(OpenStackView.quoted(ids.vm))")
        #expect((ports.first?["fixed_ips"] as? [[String: Any]])?.first?["subnet_id"] as? String == ids.subnet)
        #expect(ports.first?["security_group_ids"] as? [String] == [ids.securityGroup])
    }

    func disk(_ id: String, attachedTo vm: String?, exists: Bool) throws {
        let volume = try OpenStackWitness.volume(id)
        guard exists else { return #expect(volume == nil, "volume \(id) is still there") }
        let found = try #require(volume, "no volume \(id)")
        #expect(found["name"] as? String == "disk-01")
        #expect(found["status"] as? String == (vm == nil ? "available" : "in-use"))
        #expect((found["attachments"] as? [[String: Any]] ?? []).compactMap { $0["server_id"] as? String } == (vm.map { [$0] } ?? []))
    }

    func myImage(_ id: String, sourceVM: String, exists: Bool) throws {
        let image = try OpenStackView.object("result = conn.image.find_image(\(OpenStackView.quoted(id)))")
        guard exists else { return #expect(image == nil, "image \(id) is still there") }
        let found = try #require(image, "no image \(id)")
        #expect(found["name"] as? String == "image-01" && found["status"] as? String == "active")
        #expect((found["properties"] as? [String: Any])?["instance_uuid"] as? String ?? found["instance_uuid"] as? String == sourceVM,
                "\(found)")
    }

    func nlb(_ id: String, vms: Set<String>, exists: Bool) throws {
        let lb = try OpenStackView.object("result = conn.load_balancer.find_load_balancer(\(OpenStackView.quoted(id)))")
        guard exists else { return #expect(lb == nil, "load balancer \(id) is still there") }
        let found = try #require(lb, "no load balancer \(id)")
        #expect(found["name"] as? String == "nlb-01" && found["provisioning_status"] as? String == "ACTIVE")
        let pools = found["pools"] as? [[String: Any]] ?? []
        let poolID = try #require(pools.first?["id"] as? String)
        let members = try OpenStackView.list("result = list(conn.load_balancer.members(\(OpenStackView.quoted(poolID))))")
        #expect(Set(members.compactMap { $0["name"] as? String }) == vms)
    }

    func vmTags(_ vm: String, _ tags: [String: String]) throws {
        let server = try #require(try OpenStackWitness.server(vm))
        let theirs = (server["tags"] as? [String] ?? []).map { tag -> (String, String) in
            let parts = tag.split(separator: "=", maxSplits: 1).map(String.init)
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
        #expect(Dictionary(uniqueKeysWithValues: theirs) == tags)
    }

    func allGone(_ ids: ScenarioIDs) throws {
        #expect(try OpenStackWitness.network(ids.vpc) == nil)
        #expect(try OpenStackWitness.subnets(ofNetwork: ids.vpc).isEmpty)
        #expect(try OpenStackWitness.securityGroup(ids.securityGroup) == nil)
        #expect(try OpenStackWitness.keyPair("key-01") == nil)
        #expect(try OpenStackWitness.server(ids.vm) == nil)
        #expect(try OpenStackWitness.ports("device_id=\(OpenStackView.quoted(ids.vm))").isEmpty)
        try disk(ids.disk, attachedTo: nil, exists: false)
        try myImage(ids.myImage, sourceVM: ids.vm, exists: false)
        try nlb(ids.nlb, vms: [], exists: false)
    }
}
