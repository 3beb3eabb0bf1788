// The catalogue's endpoint choice, the tag encoding, flavors' GPUs and Neutron rules in Spider's form.
import Foundation
import SpiderModels
import Testing
@testable import OpenStackDriver
import SpiderDriverKit

@Suite("OpenStack catalogue, tags, flavors and rules")
struct CatalogueAndTagTests {
    static func json(_ text: String) -> JSON { JSON.parse(Array(text.utf8))! }

    @Test("the endpoint of the type, interface and region; a missing one names what the catalogue has")
    func catalogue() throws {
        let catalog = ServiceCatalog(Self.json("""
            [{"type": "compute", "endpoints": [
              {"interface": "public", "region_id": "RegionOne", "url": "http://nova-one/v2.1/"},
              {"interface": "internal", "region_id": "RegionOne", "url": "http://nova-internal/v2.1"},
              {"interface": "public", "region_id": "RegionTwo", "url": "http://nova-two/v2.1"}]},
             {"type": "volumev3", "endpoints": [{"interface": "public", "region": "RegionOne", "url": "http://cinder/v3/p"}]}]
            """))
        #expect(try catalog.url(types: ["compute"], interface: "public", region: "RegionTwo") == "http://nova-two/v2.1")
        #expect(try catalog.url(types: ["compute"], interface: "internal", region: "RegionOne") == "http://nova-internal/v2.1")
        #expect(try catalog.url(types: ["block-storage", "volumev3"], interface: "public", region: "RegionOne") == "http://cinder/v3/p")
        #expect(catalog.regions == ["RegionOne", "RegionTwo"])
        #expect {
            try catalog.url(types: ["compute"], interface: "public", region: "RegionThree")
        } throws: { error in
            let message = (error as? DriverError)?.message ?? ""
            return message.contains("RegionThree") && message.contains("RegionOne, RegionTwo")
        }
    }

    @Test("tags read back as key and value (a bare tag is a key with an empty value; a value may hold '=')")
    func tags() {
        let read = OpenStackConnection.keyValues(fromTags: ["env=prod", "owner", "expr=a=b"])
        #expect(read == [KeyValue(Key: "env", Value: "prod"), KeyValue(Key: "owner", Value: ""), KeyValue(Key: "expr", Value: "a=b")])
        let find = TagFindReqInfo(Keyword: "PRO")
        #expect(OpenStackConnection.matches(read, find))
        #expect(!OpenStackConnection.matches([], TagFindReqInfo()))
        #expect(!OpenStackConnection.matches(read, TagFindReqInfo(Key: "env", Value: "dev")))
    }

    @Test("GPUs from a flavor's extra specs")
    func gpus() {
        let gpus = OpenStackConnection.gpuInfo(Self.json(#"{"pci_passthrough:alias": "nvidia-t4:2,amd-mi100:1", "resources:VGPU": "1"}"#))
        #expect(gpus.map(\.Count) == ["2", "1", "1"])
        #expect(gpus.map { $0.Mfr ?? "" } == ["NVIDIA", "AMD", "NA"])
        #expect(OpenStackConnection.gpuInfo(Self.json(#"{"hw:cpu_policy": "dedicated"}"#)).isEmpty)
    }

    @Test("Neutron rules in Spider's form: any protocol is all, missing ports are every port, group-to-group rules are left out")
    func rules() {
        let group = Self.json("""
            {"security_group_rules": [
              {"id": "1", "direction": "ingress", "protocol": "tcp", "port_range_min": 22, "port_range_max": 22, "remote_ip_prefix": "0.0.0.0/0", "ethertype": "IPv4"},
              {"id": "2", "direction": "egress", "protocol": null, "port_range_min": null, "port_range_max": null, "remote_ip_prefix": null, "ethertype": "IPv6"},
              {"id": "3", "direction": "ingress", "protocol": "udp", "port_range_min": 1, "port_range_max": 65535, "remote_ip_prefix": "10.0.0.0/8", "ethertype": "IPv4"},
              {"id": "4", "direction": "ingress", "protocol": null, "remote_group_id": "g", "ethertype": "IPv4"}]}
            """)
        let rules = OpenStackConnection.rules(of: group).map(\.rule)
        #expect(rules == [
            SecurityRuleInfo(FromPort: "22", ToPort: "22", IPProtocol: "tcp", Direction: "inbound", CIDR: "0.0.0.0/0"),
            SecurityRuleInfo(FromPort: "-1", ToPort: "-1", IPProtocol: "all", Direction: "outbound", CIDR: "::/0"),
            SecurityRuleInfo(FromPort: "-1", ToPort: "-1", IPProtocol: "udp", Direction: "inbound", CIDR: "10.0.0.0/8"),
        ])
        let body = OpenStackConnection.neutronRule(rules[1], group: "g1")
        #expect(body["protocol"] == nil && body["ethertype"] as? String == "IPv6" && body["direction"] as? String == "egress")
    }

    @Test("Nova statuses and task states as Spider's VM statuses")
    func statuses() {
        #expect(VMStatusMapping.status(Self.json(#"{"status": "ACTIVE"}"#)) == .Running)
        #expect(VMStatusMapping.status(Self.json(#"{"status": "ACTIVE", "OS-EXT-STS:task_state": "suspending"}"#)) == .Suspending)
        #expect(VMStatusMapping.status(Self.json(#"{"status": "SHUTOFF"}"#)) == .Suspended)
        #expect(VMStatusMapping.status(Self.json(#"{"status": "BUILD"}"#)) == .Creating)
        #expect(VMStatusMapping.status(Self.json(#"{"status": "ERROR"}"#)) == .Failed)
        #expect(VMStatusMapping.status(Self.json(#"{"status": "HARD_REBOOT"}"#)) == .Rebooting)
    }
}
