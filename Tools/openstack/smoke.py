#!/usr/bin/python3
"""End-to-end check of the local OpenStack, as the NON-ADMIN user "spider" (openstacksdk).

Run with Debian's python (a pyenv python3 may come first on PATH and lacks openstacksdk):
    /usr/bin/python3 Tools/openstack/smoke.py [--keep]

network + subnet + router (gateway to "public", interface to the subnet), security group and
rules, key pair, server boot (m1.tiny, cirros) to ACTIVE, stop/start/reboot, floating IP, volume
create/attach/detach/delete, load balancer + listener + pool + member + health monitor to ACTIVE
(with a floating IP on its VIP), then everything deleted in order and checked gone (each resource
it made, and anything named with its prefix: other tests may share the project). Prints the time
of each step; exits 1 on the first failure (after cleaning up what it made). Several can run at
once (that is how the SQLite locking was checked).
"""
import inspect
import os
import sys
import time

import openstack

AUTH = dict(auth_url="http://127.0.0.1:5000/v3", username="spider", password="spider-secret",
            project_name="spider", user_domain_name="Default", project_domain_name="Default",
            region_name="RegionOne", interface="public", identity_api_version="3")
POLL = 0.2
T0 = time.monotonic()
steps = []


class Step:
    def __init__(self, name):
        self.name = name

    def __enter__(self):
        self.t = time.monotonic()
        return self

    def __exit__(self, exc_type, exc, tb):
        dt = time.monotonic() - self.t
        steps.append((self.name, dt))
        print(f"{'FAILED' if exc_type else 'ok    '} {dt:7.2f} s  {self.name}", flush=True)
        return False


def wait_for(what, fn, timeout=120):
    """Polls fn() until it returns something true; raises after timeout."""
    end = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > end:
            raise TimeoutError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(POLL)


def server_settled(conn, server_id, status):
    def check():
        s = conn.compute.get_server(server_id)
        if s.status == "ERROR":
            raise RuntimeError(f"server went to ERROR: {s.fault}")
        return s if s.status == status and not s.task_state else None
    return check


def lb_active(conn, lb_id):
    def check():
        lb = conn.load_balancer.get_load_balancer(lb_id)
        if lb.provisioning_status == "ERROR":
            raise RuntimeError("load balancer went to ERROR")
        return lb if lb.provisioning_status == "ACTIVE" else None
    return check


def volume_status(conn, vol_id, status):
    def check():
        v = conn.block_storage.get_volume(vol_id)
        if v.status in ("error", "error_deleting", "error_detaching", "error_attaching"):
            raise RuntimeError(f"volume went to {v.status}")
        return v if v.status == status else None
    return check


def gone(getter, rid):
    def check():
        try:
            getter(rid)
            return False
        except openstack.exceptions.NotFoundException:
            return True
    return check


def ssh_public_key():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519
    key = ed25519.Ed25519PrivateKey.generate().public_key()
    return key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode() + " smoke"


def run(conn, made, prefix, created):
    with Step("authenticate (non-admin)"):
        conn.authorize()
    with Step("find fixtures: network public, image, flavor m1.tiny"):
        public = conn.network.find_network("public", ignore_missing=False)
        image = conn.image.find_image("cirros-0.6.2-x86_64", ignore_missing=False)
        flavor = conn.compute.find_flavor("m1.tiny", ignore_missing=False)
    with Step("network + subnet"):
        net = conn.network.create_network(name=f"{prefix}-net")
        made["network"] = net.id
        created.append(("network", net.id))
        subnet = conn.network.create_subnet(network_id=net.id, name=f"{prefix}-subnet", ip_version=4,
                                            cidr="10.42.0.0/24", dns_nameservers=["10.42.0.2"])
        made["subnet"] = subnet.id
        created.append(("subnet", subnet.id))
    with Step("router: gateway to public + interface to subnet"):
        router = conn.network.create_router(name=f"{prefix}-router",
                                            external_gateway_info={"network_id": public.id})
        made["router"] = router.id
        created.append(("router", router.id))
        conn.network.add_interface_to_router(router, subnet_id=subnet.id)
        made["router_interface"] = subnet.id
    with Step("security group + 3 rules"):
        sg = conn.network.create_security_group(name=f"{prefix}-sg", description="smoke")
        made["security_group"] = sg.id
        created.append(("security group", sg.id))
        for rule in ({"protocol": "tcp", "port_range_min": 22, "port_range_max": 22},
                     {"protocol": "tcp", "port_range_min": 80, "port_range_max": 80},
                     {"protocol": "icmp"}):
            conn.network.create_security_group_rule(security_group_id=sg.id, direction="ingress",
                                                    ethertype="IPv4", remote_ip_prefix="0.0.0.0/0", **rule)
    with Step("key pair"):
        kp = conn.compute.create_keypair(name=f"{prefix}-key", public_key=ssh_public_key())
        made["keypair"] = kp.name
        created.append(("key pair", kp.name))
    with Step("server create -> ACTIVE"):
        server = conn.compute.create_server(name=f"{prefix}-vm", image_id=image.id, flavor_id=flavor.id,
                                            networks=[{"uuid": net.id}], security_groups=[{"name": sg.name}],
                                            key_name=kp.name)
        made["server"] = server.id
        created.append(("server", server.id))
        server = wait_for("server ACTIVE", server_settled(conn, server.id, "ACTIVE"))
    with Step("server stop -> SHUTOFF"):
        conn.compute.stop_server(server)
        wait_for("server SHUTOFF", server_settled(conn, server.id, "SHUTOFF"))
    with Step("server start -> ACTIVE"):
        conn.compute.start_server(server)
        wait_for("server ACTIVE", server_settled(conn, server.id, "ACTIVE"))
    with Step("server reboot -> ACTIVE"):
        conn.compute.reboot_server(server, "SOFT")
        wait_for("server ACTIVE after reboot", server_settled(conn, server.id, "ACTIVE"))
    with Step("floating IP on the server's port"):
        port = next(iter(conn.network.ports(device_id=server.id)))
        fixed_ip = port.fixed_ips[0]["ip_address"]
        fip = conn.network.create_ip(floating_network_id=public.id, port_id=port.id)
        made["fip"] = fip.id
        created += [("floating IP", fip.id), ("port", port.id)]
        assert fip.fixed_ip_address == fixed_ip, (fip.fixed_ip_address, fixed_ip)
        print(f"         floating {fip.floating_ip_address} -> {fixed_ip}")
    with Step("volume create (1 GB) -> available"):
        vol = conn.block_storage.create_volume(size=1, name=f"{prefix}-vol")
        made["volume"] = vol.id
        created.append(("volume", vol.id))
        wait_for("volume available", volume_status(conn, vol.id, "available"))
    with Step("volume attach -> in-use"):
        conn.compute.create_volume_attachment(server, volume_id=vol.id)
        wait_for("volume in-use", volume_status(conn, vol.id, "in-use"))
    with Step("volume detach -> available"):
        params = inspect.signature(conn.compute.delete_volume_attachment).parameters
        if "volume" in params:  # openstacksdk >= 0.100: (server, volume)
            conn.compute.delete_volume_attachment(server=server, volume=vol)
        else:  # older: (volume_attachment, server)
            conn.compute.delete_volume_attachment(vol.id, server)
        wait_for("volume available", volume_status(conn, vol.id, "available"))
    with Step("volume delete"):
        conn.block_storage.delete_volume(vol)
        wait_for("volume gone", gone(conn.block_storage.get_volume, vol.id))
        del made["volume"]
    with Step("load balancer -> ACTIVE"):
        lb = conn.load_balancer.create_load_balancer(name=f"{prefix}-lb", vip_subnet_id=subnet.id)
        made["lb"] = lb.id
        created.append(("load balancer", lb.id))
        lb = wait_for("LB ACTIVE", lb_active(conn, lb.id))
        print(f"         VIP {lb.vip_address} (port {lb.vip_port_id})")
    with Step("listener HTTP:80 -> ACTIVE"):
        listener = conn.load_balancer.create_listener(name=f"{prefix}-listener", protocol="HTTP",
                                                      protocol_port=80, load_balancer_id=lb.id)
        wait_for("LB ACTIVE", lb_active(conn, lb.id))
    with Step("pool ROUND_ROBIN -> ACTIVE"):
        pool = conn.load_balancer.create_pool(name=f"{prefix}-pool", protocol="HTTP",
                                              lb_algorithm="ROUND_ROBIN", listener_id=listener.id)
        wait_for("LB ACTIVE", lb_active(conn, lb.id))
    with Step("member (the server) -> ACTIVE"):
        conn.load_balancer.create_member(pool, name=f"{prefix}-member", address=fixed_ip,
                                         protocol_port=80, subnet_id=subnet.id)
        wait_for("LB ACTIVE", lb_active(conn, lb.id))
    with Step("health monitor HTTP -> ACTIVE"):
        conn.load_balancer.create_health_monitor(pool_id=pool.id, name=f"{prefix}-hm", type="HTTP",
                                                 delay=5, timeout=3, max_retries=3, url_path="/")
        wait_for("LB ACTIVE", lb_active(conn, lb.id))
    with Step("floating IP on the VIP"):
        vip_fip = conn.network.create_ip(floating_network_id=public.id, port_id=lb.vip_port_id)
        made["vip_fip"] = vip_fip.id
        created += [("floating IP", vip_fip.id), ("port", lb.vip_port_id)]
    cleanup(conn, made)
    with Step("nothing left (each resource made, and any named " + prefix + "-*)"):
        wait_for("nothing left", lambda: not leftovers(conn, prefix, created), timeout=30)


def cleanup(conn, made):
    """Deletes what run() made, in dependency order; also used after a failure."""
    errors = []

    def attempt(name, fn):
        try:
            with Step(name):
                fn()
        except Exception as e:  # noqa: BLE001 — go on deleting the rest, fail at the end
            print(f"         {type(e).__name__}: {e}", flush=True)
            errors.append(name)

    if "vip_fip" in made:
        attempt("delete floating IP of the VIP", lambda: conn.network.delete_ip(made.pop("vip_fip")))
    if "lb" in made:
        def lb_delete():
            lb_id = made.pop("lb")
            conn.load_balancer.delete_load_balancer(lb_id, cascade=True)
            wait_for("LB gone", gone(conn.load_balancer.get_load_balancer, lb_id))
        attempt("delete load balancer (cascade)", lb_delete)
    if "volume" in made:
        def vol_delete():
            vol_id = made.pop("volume")
            v = conn.block_storage.get_volume(vol_id)
            for a in v.attachments or []:
                conn.compute.delete_volume_attachment(server=a["server_id"], volume=vol_id)
            wait_for("volume detached", lambda: conn.block_storage.get_volume(vol_id).status != "in-use", 60)
            conn.block_storage.delete_volume(vol_id)
            wait_for("volume gone", gone(conn.block_storage.get_volume, vol_id))
        attempt("delete volume", vol_delete)
    if "fip" in made:
        attempt("delete floating IP", lambda: conn.network.delete_ip(made.pop("fip")))
    if "server" in made:
        def server_delete():
            sid = made.pop("server")
            conn.compute.delete_server(sid)
            wait_for("server gone", gone(conn.compute.get_server, sid))
        attempt("delete server", server_delete)
    if "keypair" in made:
        attempt("delete key pair", lambda: conn.compute.delete_keypair(made.pop("keypair")))
    if "router" in made:
        def router_delete():
            rid = made.pop("router")
            if "router_interface" in made:
                conn.network.remove_interface_from_router(rid, subnet_id=made.pop("router_interface"))
            conn.network.update_router(rid, external_gateway_info={})
            conn.network.delete_router(rid)
        attempt("delete router (interface, gateway)", router_delete)
    if "security_group" in made:
        attempt("delete security group", lambda: conn.network.delete_security_group(made.pop("security_group")))
    if "subnet" in made:
        attempt("delete subnet", lambda: conn.network.delete_subnet(made.pop("subnet")))
    if "network" in made:
        attempt("delete network", lambda: conn.network.delete_network(made.pop("network")))
    if errors:
        raise RuntimeError("cleanup failed: " + ", ".join(errors))


def leftovers(conn, prefix, created):
    """What is left of this run: each resource it made (by id), and anything named PREFIX-*.
    (Not the whole project: other tests may use it at the same time.)"""
    getters = {"network": conn.network.get_network, "subnet": conn.network.get_subnet,
               "router": conn.network.get_router, "security group": conn.network.get_security_group,
               "key pair": conn.compute.get_keypair, "server": conn.compute.get_server,
               "floating IP": conn.network.get_ip, "port": conn.network.get_port,
               "volume": conn.block_storage.get_volume,
               "load balancer": conn.load_balancer.get_load_balancer}
    left = []
    for kind, rid in created:
        if not gone(getters[kind], rid)():
            left.append(f"{kind} {rid}")
    mine = f"{prefix}-"
    listings = [("server", conn.compute.servers()), ("volume", conn.block_storage.volumes()),
                ("load balancer", conn.load_balancer.load_balancers()), ("router", conn.network.routers()),
                ("network", conn.network.networks()), ("subnet", conn.network.subnets()),
                ("security group", conn.network.security_groups()), ("key pair", conn.compute.keypairs())]
    for kind, items in listings:
        left += [f"{kind} {x.name}" for x in items if (x.name or "").startswith(mine)]
    if left:
        print("         left: " + ", ".join(sorted(set(left))), flush=True)
    return left


def main():
    keep = "--keep" in sys.argv
    conn = openstack.connect(**AUTH)
    prefix = f"smoke-{int(time.time())}-{os.getpid()}"
    made = {}
    created = []
    ok = False
    try:
        run(conn, made, prefix, created)
        ok = True
    except Exception as e:  # noqa: BLE001 — report any failure, then clean up
        print(f"error: {type(e).__name__}: {e}", file=sys.stderr, flush=True)
    finally:
        if made and not keep:
            print("cleaning up after the failure:", flush=True)
            try:
                cleanup(conn, made)
            except Exception as e:  # noqa: BLE001
                print(f"cleanup error: {type(e).__name__}: {e}", file=sys.stderr)
    print(f"{'PASSED' if ok else 'FAILED'}: {len(steps)} steps in {time.monotonic() - T0:.1f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
