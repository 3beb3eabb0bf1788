// What the OpenStack tests check Spider's answers against: OpenStack's own view, asked through
// openstacksdk as the admin (OpenStackView).
import Foundation
import Testing

enum OpenStackWitness {
    static func network(_ id: String) throws -> [String: Any]? {
        try OpenStackView.object("result = conn.network.find_network(\(OpenStackView.quoted(id)))")
    }

    static func subnets(ofNetwork id: String) throws -> [[String: Any]] {
        try OpenStackView.list("result = list(conn.network.subnets(network_id=\(OpenStackView.quoted(id))))")
    }

    static func router(_ id: String) throws -> [String: Any]? {
        try OpenStackView.object("result = conn.network.find_router(\(OpenStackView.quoted(id)))")
    }

    static func ports(_ filter: String) throws -> [[String: Any]] {
        try OpenStackView.list("result = list(conn.network.ports(\(filter)))")
    }

    static func securityGroup(_ id: String) throws -> [String: Any]? {
        try OpenStackView.object("result = conn.network.find_security_group(\(OpenStackView.quoted(id)))")
    }

    static func server(_ id: String) throws -> [String: Any]? {
        try OpenStackView.object("result = found(conn.compute.get_server, \(OpenStackView.quoted(id)))")
    }

    static func floatingIPs(port id: String) throws -> [[String: Any]] {
        try OpenStackView.list("result = list(conn.network.ips(port_id=\(OpenStackView.quoted(id))))")
    }

    static func volume(_ id: String) throws -> [String: Any]? {
        try OpenStackView.object("result = found(conn.block_storage.get_volume, \(OpenStackView.quoted(id)))")
    }

    /// The non-admin user's key pair (key pairs belong to a user).
    static func keyPair(_ name: String) throws -> [String: Any]? {
        let user = OpenStackCloud.user
        return try OpenStackView.object("""
            uid = conn.identity.find_user(\(OpenStackView.quoted(user.name)), domain_id="default").id
            # openstacksdk 0.101's find_keypair drops user_id: ask Nova directly.
            try:
                r = conn.compute.get("/os-keypairs/%s?user_id=%s" % (\(OpenStackView.quoted(name)), uid), microversion="2.10")
                result = r.json()["keypair"] if r.status_code == 200 else None
            except openstack.exceptions.NotFoundException:
                result = None
            """)
    }

    /// "ingress tcp 22-22 0.0.0.0/0" for each rule of a Neutron security group, sorted.
    static func rules(_ group: [String: Any]) -> [String] {
        (group["security_group_rules"] as? [[String: Any]] ?? []).map { rule in
            let proto = rule["protocol"] as? String ?? "any"
            let from = (rule["port_range_min"] as? Int).map(String.init) ?? "*"
            let to = (rule["port_range_max"] as? Int).map(String.init) ?? "*"
            return "\(rule["direction"] as? String ?? "?") \(proto) \(from)-\(to) \(rule["remote_ip_prefix"] as? String ?? "-")"
        }.sorted()
    }
}
