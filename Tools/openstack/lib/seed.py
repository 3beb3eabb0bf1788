"""Seeds the local OpenStack; run by init.sh with /usr/bin/python3 while the services run.

  seed.py register           keystone: project "service", the service users, roles, the catalogue,
                             the non-admin project and user "spider"
  seed.py fixtures IDS_FILE  octavia's amphora image/flavor/lb-mgmt network/security group (their
                             ids go to IDS_FILE for octavia.conf), the external network "public",
                             the public images, the flavors, nova/neutron/cinder quotas
  seed.py octavia            octavia quotas (octavia-api must run)

Plain REST through a keystoneauth session: exact requests, no client-library guesswork.
"""
import hashlib
import os
import subprocess
import sys
import tempfile

from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3

KEYSTONE = "http://127.0.0.1:5000/v3"
NOVA = "http://127.0.0.1:8774/v2.1"
NEUTRON = "http://127.0.0.1:9696/v2.0"
GLANCE = "http://127.0.0.1:9292/v2"
CINDER = "http://127.0.0.1:8776/v3"
OCTAVIA = "http://127.0.0.1:9876/v2"
ADMIN_PASSWORD = os.environ.get("ADMIN_PASSWORD", "secret")
SERVICE_PASSWORD = os.environ.get("SERVICE_PASSWORD", "service-secret")
USER, USER_PASSWORD, USER_PROJECT = "spider", "spider-secret", "spider"

SERVICES = [  # user, service name, type, endpoint URL
    ("glance", "glance", "image", "http://127.0.0.1:9292"),
    ("nova", "nova", "compute", "http://127.0.0.1:8774/v2.1"),
    ("placement", "placement", "placement", "http://127.0.0.1:8778"),
    ("neutron", "neutron", "network", "http://127.0.0.1:9696"),
    ("cinder", "cinderv3", "volumev3", "http://127.0.0.1:8776/v3/%(project_id)s"),
    (None, "cinder", "block-storage", "http://127.0.0.1:8776/v3/%(project_id)s"),
    ("octavia", "octavia", "load-balancer", "http://127.0.0.1:9876"),
]
ROLES = ["service", "member", "reader", "load-balancer_member", "load-balancer_observer",
         "load-balancer_global_observer", "load-balancer_quota_admin", "load-balancer_admin"]

# Far above anything a test run uses.
NOVA_QUOTA = {"instances": 1000, "cores": 4000, "ram": 16 * 1024 * 1024, "key_pairs": 1000,
              "server_groups": 1000, "server_group_members": 1000, "metadata_items": 1000}
NEUTRON_QUOTA = {"network": 1000, "subnet": 1000, "port": 5000, "router": 1000, "floatingip": 1000,
                 "security_group": 1000, "security_group_rule": 10000, "rbac_policy": 1000,
                 "subnetpool": 1000}
CINDER_QUOTA = {"volumes": 1000, "gigabytes": 100000, "snapshots": 1000, "backups": 1000,
                "backup_gigabytes": 100000, "per_volume_gigabytes": -1, "groups": 100}
OCTAVIA_QUOTA = {"load_balancer": 1000, "listener": 5000, "pool": 5000, "member": 20000,
                 "health_monitor": 5000, "l7policy": 5000, "l7rule": 20000}

FLAVORS = [  # id, name, vcpus, ram MiB, disk GB, extra specs
    ("1", "m1.tiny", 1, 512, 1, {}),
    ("2", "m1.small", 1, 2048, 20, {}),
    ("3", "m1.medium", 2, 4096, 40, {}),
    # A GPU flavor: the PCI alias "nvidia-t4" is defined in nova.conf [pci]; the fake host has no
    # such device, so a boot of this flavor ends in ERROR (no valid host). The gpu:* keys are
    # descriptive only (no scheduler filter reads them).
    ("10", "g1.gpu", 4, 16384, 40, {"pci_passthrough:alias": "nvidia-t4:1", "gpu:model": "NVIDIA T4",
                                    "gpu:count": "1", "gpu:memory_mib": "16384",
                                    "gpu:vendor": "NVIDIA"}),
]
IMAGES = [  # name, properties
    ("cirros-0.6.2-x86_64", {"os_distro": "cirros", "os_version": "0.6.2", "architecture": "x86_64",
                             "hw_disk_bus": "virtio", "os_type": "linux"}),
    ("ubuntu-22.04-x86_64", {"os_distro": "ubuntu", "os_version": "22.04", "architecture": "x86_64",
                             "os_type": "linux", "hw_disk_bus": "virtio"}),
]


def session(user, password, project):
    auth = v3.Password(auth_url=KEYSTONE, username=user, password=password, project_name=project,
                       user_domain_id="default", project_domain_id="default")
    return ks_session.Session(auth=auth)


def admin():
    return session("admin", ADMIN_PASSWORD, "admin")


def body(resp, key=None):
    data = resp.json()
    return data[key] if key else data


def ks_find(s, kind, name):
    items = body(s.get(f"{KEYSTONE}/{kind}", params={"name": name}), kind)
    return items[0]["id"] if items else None


def register():
    s = admin()
    roles = {}
    for r in ROLES:
        roles[r] = ks_find(s, "roles", r) or body(s.post(f"{KEYSTONE}/roles", json={"role": {"name": r}}), "role")["id"]
    roles["admin"] = ks_find(s, "roles", "admin")
    service_project = body(s.post(f"{KEYSTONE}/projects", json={"project": {
        "name": "service", "domain_id": "default", "description": "OpenStack's own services"}}), "project")["id"]

    def grant(project, user, role):
        s.put(f"{KEYSTONE}/projects/{project}/users/{user}/roles/{roles[role]}")

    for user, name, stype, url in SERVICES:
        if user:
            uid = body(s.post(f"{KEYSTONE}/users", json={"user": {
                "name": user, "password": SERVICE_PASSWORD, "domain_id": "default",
                "default_project_id": service_project}}), "user")["id"]
            grant(service_project, uid, "admin")
            grant(service_project, uid, "service")
        sid = body(s.post(f"{KEYSTONE}/services", json={"service": {"name": name, "type": stype}}), "service")["id"]
        for interface in ("public", "internal", "admin"):
            s.post(f"{KEYSTONE}/endpoints", json={"endpoint": {
                "service_id": sid, "interface": interface, "url": url, "region_id": "RegionOne"}})

    project = body(s.post(f"{KEYSTONE}/projects", json={"project": {
        "name": USER_PROJECT, "domain_id": "default", "description": "Spider's tests (non-admin)"}}), "project")["id"]
    uid = body(s.post(f"{KEYSTONE}/users", json={"user": {
        "name": USER, "password": USER_PASSWORD, "domain_id": "default", "default_project_id": project,
        "email": "spider@example.invalid"}}), "user")["id"]
    for role in ("member", "reader", "load-balancer_member"):
        grant(project, uid, role)


def make_qcow2(path, size_mib=1, seed=b"spider"):
    """A real qcow2 file of about SIZE_MIB (so glance's and nova's format checks pass)."""
    with tempfile.TemporaryDirectory() as d:
        raw = os.path.join(d, "disk.raw")
        with open(raw, "wb") as f:
            block = hashlib.sha512(seed).digest()
            chunk = b"".join(hashlib.sha512(block + i.to_bytes(4, "big")).digest() for i in range(1024))
            for _ in range(size_mib * 1024 * 1024 // len(chunk)):
                f.write(chunk)
            f.truncate(64 * 1024 * 1024)  # virtual size 64 MiB, about SIZE_MIB of it written
        subprocess.run(["qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw, path], check=True)


def upload_image(s, name, visibility, props, tags=(), seed=b"spider"):
    img = body(s.post(f"{GLANCE}/images", json=dict(
        name=name, disk_format="qcow2", container_format="bare", visibility=visibility,
        tags=list(tags), min_disk=1, min_ram=64, **props)))
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "image.qcow2")
        make_qcow2(path, seed=seed)
        with open(path, "rb") as f:
            s.put(f"{GLANCE}/images/{img['id']}/file", data=f.read(),
                  headers={"Content-Type": "application/octet-stream"})
    return img["id"]


def project_id(s, name):
    return ks_find(s, "projects", name)


def set_quotas(s, project):
    s.put(f"{NOVA}/os-quota-sets/{project}", json={"quota_set": NOVA_QUOTA})
    s.put(f"{NEUTRON}/quotas/{project}", json={"quota": NEUTRON_QUOTA})
    admin_project = s.get_project_id()
    s.put(f"{CINDER}/{admin_project}/os-quota-sets/{project}", json={"quota_set": CINDER_QUOTA})


def fixtures(ids_file):
    s = admin()
    service = project_id(s, "service")
    spider = project_id(s, USER_PROJECT)
    octavia = session("octavia", SERVICE_PASSWORD, "service")

    # External network for routers' gateways and floating IPs.
    net = body(s.post(f"{NEUTRON}/networks", json={"network": {
        "name": "public", "router:external": True, "shared": True,
        "provider:network_type": "flat", "provider:physical_network": "public"}}), "network")
    s.post(f"{NEUTRON}/subnets", json={"subnet": {
        "network_id": net["id"], "name": "public-subnet", "ip_version": 4, "cidr": "172.24.4.0/24",
        "gateway_ip": "172.24.4.1", "enable_dhcp": False,
        "allocation_pools": [{"start": "172.24.4.10", "end": "172.24.4.250"}]}})

    for name, props in IMAGES:
        upload_image(s, name, "public", props, seed=name.encode())

    for fid, name, vcpus, ram, disk, specs in FLAVORS:
        s.post(f"{NOVA}/flavors", json={"flavor": {
            "id": fid, "name": name, "vcpus": vcpus, "ram": ram, "disk": disk,
            "os-flavor-access:is_public": True}})
        if specs:
            s.post(f"{NOVA}/flavors/{fid}/os-extra_specs", json={"extra_specs": specs})

    # Octavia's amphora resources, owned by the service project (created as octavia).
    upload_image(octavia, "amphora-x64-haproxy", "private", {"os_distro": "ubuntu"}, tags=["amphora"],
                 seed=b"amphora")
    s.post(f"{NOVA}/flavors", json={"flavor": {
        "id": "amphora", "name": "amphora", "vcpus": 1, "ram": 1024, "disk": 2,
        "os-flavor-access:is_public": False}})
    s.post(f"{NOVA}/flavors/amphora/action", json={"addTenantAccess": {"tenant": service}})
    mgmt = body(octavia.post(f"{NEUTRON}/networks", json={"network": {"name": "lb-mgmt-net"}}), "network")
    octavia.post(f"{NEUTRON}/subnets", json={"subnet": {
        "network_id": mgmt["id"], "name": "lb-mgmt-subnet", "ip_version": 4, "cidr": "192.168.254.0/24",
        "enable_dhcp": False}})
    sg = body(octavia.post(f"{NEUTRON}/security-groups", json={"security_group": {
        "name": "lb-mgmt-sec-grp", "description": "octavia amphora management"}}), "security_group")
    for rule in ({"protocol": "tcp", "port_range_min": 9443, "port_range_max": 9443},
                 {"protocol": "icmp"}):
        octavia.post(f"{NEUTRON}/security-group-rules", json={"security_group_rule": dict(
            security_group_id=sg["id"], direction="ingress", ethertype="IPv4", **rule)})

    for project in (spider, service):
        set_quotas(s, project)

    with open(ids_file, "w") as f:
        f.write(f"AMP_FLAVOR_ID=amphora\nLB_MGMT_NET_ID={mgmt['id']}\nLB_MGMT_SG_ID={sg['id']}\n"
                f"SERVICE_PROJECT_ID={service}\nSPIDER_PROJECT_ID={spider}\nPUBLIC_NET_ID={net['id']}\n")


def octavia_quotas():
    s = admin()
    for name in (USER_PROJECT, "service"):
        s.put(f"{OCTAVIA}/lbaas/quotas/{project_id(s, name)}", json={"quota": OCTAVIA_QUOTA})


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "register":
        register()
    elif cmd == "fixtures" and len(sys.argv) == 3:
        fixtures(sys.argv[2])
    elif cmd == "octavia":
        octavia_quotas()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
