// The real OpenStack the OpenStack driver's tests run against: started (once per test process,
// idempotently) by Tools/openstack/start.sh, which the project's own scripts install and
// initialise (Tools/dev.sh test does both). Its fixtures: a non-admin project user, an external
// network, a small public image and flavors (Tools/openstack/README.md).
import Foundation
import Synchronization
import Testing

enum OpenStackCloud {
    static let authURL = "http://127.0.0.1:5000/v3"
    static let region = "RegionOne"
    /// The non-admin user Spider's connections log in as (roles: member, load-balancer_member).
    static let user = (name: "spider", password: "spider-secret", project: "spider", domain: "Default")
    static let admin = (name: "admin", password: "secret", project: "admin", domain: "Default")
    static let image = "cirros-0.6.2-x86_64"
    static let flavor = "m1.tiny"
    static let gpuFlavor = "g1.gpu"
    static let externalNetwork = "public"

    private static let started = Mutex<Result<Void, TestFailure>?>(nil)

    /// Starts the test OpenStack unless it runs (once per test process); a clear failure when it
    /// cannot (not installed: run Tools/openstack/install.sh and init.sh, as Tools/dev.sh test does).
    static func ensureRunning() throws {
        let result = started.withLock { state -> Result<Void, TestFailure> in
            if let state { return state }
            let outcome: Result<Void, TestFailure>
            do {
                let folder = try TempFolder(prefix: "openstack-start")
                let (exit, output) = try ChildProcess.run("/bin/bash", [TestPaths.repository + "/Tools/openstack/start.sh"],
                                                          in: folder, seconds: 300)
                outcome = exit == .code(0) ? .success(())
                    : .failure(TestFailure("Tools/openstack/start.sh failed (\(exit)); install and initialise the test OpenStack "
                                           + "with Tools/openstack/install.sh and Tools/openstack/init.sh:\n\(output.suffix(3000))"))
            } catch {
                outcome = .failure(TestFailure("Tools/openstack/start.sh could not run: \(error)"))
            }
            state = outcome
            return outcome
        }
        try result.get()
    }

    /// A host with the OpenStack driver installed as a signed bundle from a test registry (kept
    /// with the host: its folder goes with it) and a connection as the non-admin user.
    static func host(tag: String, keys: [(String, String)] = []) throws -> (HostProcess, RegisteredConnection, TestRegistry) {
        try ensureRunning()
        try emptyProject()
        let registry = try TestRegistry()
        try registry.addStaged("openstack")
        try registry.publish()
        let host = try HostProcess(driversDirs: [], extraArguments: registry.hostArguments)
        return (host, try connect(host, tag: tag, keys: keys), registry)
    }

    /// Removes everything in the test user's project (and the user's key pairs), in dependency order.
    static func emptyProject() throws {
        _ = try OpenStackView.run("""
            project = conn.identity.find_project(\(OpenStackView.quoted(user.project)), domain_id="default")
            uid = conn.identity.find_user(\(OpenStackView.quoted(user.name)), domain_id="default").id
            pid = project.id
            # openstacksdk's own wait_for_delete polls until each is gone (OpenStack sends no event).
            lbs = list(conn.load_balancer.load_balancers(project_id=pid))
            for ip in conn.network.ips(project_id=pid):
                conn.network.delete_ip(ip)
            for lb in lbs:
                conn.load_balancer.delete_load_balancer(lb, cascade=True, ignore_missing=True)
            for lb in lbs:
                conn.load_balancer.wait_for_delete(lb, interval=0.25, wait=120)
            servers = list(conn.compute.servers(all_projects=True, project_id=pid))
            for server in servers:
                conn.compute.delete_server(server, ignore_missing=True)
            for server in servers:
                conn.compute.wait_for_delete(server, interval=0.25, wait=120)
            volumes = list(conn.block_storage.volumes(all_projects=True, project_id=pid))
            for volume in volumes:
                conn.block_storage.delete_volume(volume, ignore_missing=True, force=True)
            for volume in volumes:
                conn.block_storage.wait_for_delete(volume, interval=0.25, wait=120)
            for image in conn.image.images(owner=pid):
                conn.image.delete_image(image, ignore_missing=True)
            for router in conn.network.routers(project_id=pid):
                for port in conn.network.ports(device_id=router.id, device_owner="network:router_interface"):
                    for ip in port.fixed_ips:
                        conn.network.remove_interface_from_router(router, subnet_id=ip["subnet_id"])
                conn.network.delete_router(router, ignore_missing=True)
            for port in conn.network.ports(project_id=pid):
                conn.network.delete_port(port, ignore_missing=True)
            for net in conn.network.networks(project_id=pid):
                conn.network.delete_network(net, ignore_missing=True)
            for sg in conn.network.security_groups(project_id=pid):
                if sg.name != "default":
                    conn.network.delete_security_group(sg, ignore_missing=True)
            for key in conn.compute.keypairs(user_id=uid):
                # openstacksdk 0.101's delete_keypair drops user_id: the admin's own key would be asked for.
                conn.compute.delete("/os-keypairs/%s?user_id=%s" % (key.name, uid), microversion="2.10")
            """)
    }

    /// Another OpenStack connection: the non-admin user by project name unless `credentials` says otherwise.
    static func connect(_ host: HostProcess, tag: String, credentials: [(String, String)]? = nil,
                        keys: [(String, String)] = []) throws -> RegisteredConnection {
        let login = credentials ?? [("IdentityEndpoint", authURL), ("Username", user.name), ("Password", user.password),
                                    ("DomainName", user.domain), ("ProjectName", user.project)]
        return try Fixtures.register(host, driver: "openstack-driver01", provider: "OPENSTACK", library: "libspider-driver-openstack.so",
                                     tag: tag, credentials: login, region: [("Region", region)] + keys, secret: user.password)
    }
}
