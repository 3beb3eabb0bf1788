#!/usr/bin/python3
"""The OpenStack benchmark's timing (see openstack.sh): one spiderd with the OpenStack driver and the
test OpenStack (Tools/openstack), then the same VM scenario through spiderd's socket and directly with
openstacksdk as the same non-admin user, rounds alternating which goes first. Both sides reach
OpenStack through one counting HTTP proxy on 127.0.0.1 (http_proxy for spiderd and its driver
process, proxies= for openstacksdk), which counts each side's requests per step by method and
service port. Every run's per-step times and requests go to <out>/rounds.jsonl; the table to stdout
and <out>/table.txt. Stops the processes it started (by PID) on exit and on SIGTERM."""
import argparse, base64, collections, http.client, http.server, os, signal, socketserver, sys, threading, time
import urllib.parse

import openstack

from bench_support import PairedRuns, Table, fig, register_connection, run_alternating, spider_scenario, start_spiderd, free_port, on_term, stop_children

AUTH = "http://127.0.0.1:5000/v3"
USER, PASSWORD, PROJECT = "spider", "spider-secret", "spider"
IMAGE, FLAVOR, EXTERNAL = "cirros-0.6.2-x86_64", "m1.tiny", "public"
CONN = "os-bench-config"
STEPS = ["vpc", "securitygroup", "keypair", "vm", "status", "suspend", "resume", "terminate", "teardown"]
SERVICES = {"5000": "keystone", "8774": "nova", "9696": "neutron", "9292": "glance", "8776": "cinder", "9876": "octavia"}


# ---------- the counting proxy ----------

class Counter:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = collections.Counter()

    def add(self, key):
        with self.lock:
            self.counts[key] += 1

    def take(self):
        with self.lock:
            counts, self.counts = self.counts, collections.Counter()
            return dict(counts)


COUNTER = Counter()


class Proxy(http.server.BaseHTTPRequestHandler):
    """Forwards absolute-URI requests (a plain-HTTP forward proxy) and counts them."""
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def forward(self):
        url = urllib.parse.urlsplit(self.path)
        COUNTER.add(f"{SERVICES.get(str(url.port), str(url.port))} {self.command}")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)) if self.headers.get("Content-Length") else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("proxy-connection", "connection", "keep-alive")}
        upstream = http.client.HTTPConnection(url.hostname, url.port, timeout=300)
        upstream.request(self.command, url.path + (("?" + url.query) if url.query else ""), body=body, headers=headers)
        r = upstream.getresponse()
        data = r.read()
        self.send_response(r.status, r.reason)
        for k, v in r.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length", "keep-alive"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        upstream.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = forward


class ThreadingServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def start_proxy():
    port = free_port()
    server = ThreadingServer(("127.0.0.1", port), Proxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}"


# ---------- the same work with openstacksdk ----------

def sdk_run(conn, fixtures):
    ids = {}
    wait = dict(interval=0.25, wait=300)

    def vpc():
        router = conn.network.create_router(name="vpc-01", external_gateway_info={"network_id": fixtures["external"]})
        net = conn.network.create_network(name="vpc-01", description="cidr=10.0.0.0/16")
        subnet = conn.network.create_subnet(name="subnet-01", network_id=net.id, cidr="10.0.1.0/24", ip_version=4)
        conn.network.add_interface_to_router(router, subnet_id=subnet.id)
        ids.update(router=router.id, net=net.id, subnet=subnet.id)

    def sg():
        group = conn.network.create_security_group(name="sg-01")
        for r in group.security_group_rules:
            conn.network.delete_security_group_rule(r["id"])
        for direction, lo, hi, cidr in [("ingress", 22, 22, "0.0.0.0/0"), ("ingress", 80, 443, "10.0.0.0/8"), ("egress", 443, 443, "0.0.0.0/0")]:
            conn.network.create_security_group_rule(security_group_id=group.id, direction=direction, ethertype="IPv4",
                                                    protocol="tcp", port_range_min=lo, port_range_max=hi, remote_ip_prefix=cidr)
        ids["sg"] = group.id

    def keypair():
        ids["key"] = conn.compute.create_keypair(name="key-01")

    def vm():
        port = conn.network.create_port(name="vm-01", network_id=ids["net"], fixed_ips=[{"subnet_id": ids["subnet"]}],
                                        security_group_ids=[ids["sg"]])
        server = conn.compute.create_server(name="vm-01", image_id=fixtures["image"], flavor_id=fixtures["flavor"],
                                            networks=[{"port": port.id}], key_name="key-01",
                                            user_data=fixtures["user_data"])
        conn.compute.wait_for_server(server, **wait)
        ip = conn.network.create_ip(floating_network_id=fixtures["external"], port_id=port.id)
        ids.update(port=port.id, server=server.id, ip=ip.id)

    def settle(status):
        conn.compute.wait_for_server(conn.compute.get_server(ids["server"]), status=status, **wait)

    def terminate():
        conn.network.delete_ip(ids["ip"])
        conn.compute.delete_server(ids["server"])
        wait_gone(lambda: conn.compute.find_server(ids["server"]))
        conn.network.delete_port(ids["port"])

    def teardown():
        conn.compute.delete_keypair("key-01")
        conn.network.delete_security_group(ids["sg"])
        conn.network.remove_interface_from_router(ids["router"], subnet_id=ids["subnet"])
        conn.network.delete_router(ids["router"])
        conn.network.delete_subnet(ids["subnet"])
        conn.network.delete_network(ids["net"])

    return [
        ("vpc", vpc), ("securitygroup", sg), ("keypair", keypair), ("vm", vm),
        ("status", lambda: conn.compute.get_server(ids["server"])),
        ("suspend", lambda: (conn.compute.suspend_server(ids["server"]), settle("SUSPENDED"))),
        ("resume", lambda: (conn.compute.resume_server(ids["server"]), settle("ACTIVE"))),
        ("terminate", terminate), ("teardown", teardown),
    ]


def wait_gone(find):
    for _ in range(1200):
        if find() is None:
            return
        time.sleep(0.25)
    sys.exit("openstack_measure.py: a server was not deleted within 5 minutes")


def timed(steps):
    times, requests = {}, {}
    COUNTER.take()
    for name, step in steps:
        t = time.perf_counter()
        step()
        times[name] = (time.perf_counter() - t) * 1000
        requests[name] = COUNTER.take()
    times["total"] = sum(times.values())
    return times, requests


def report(out, goal):
    t = Table(out)
    paired = PairedRuns(out, ("spiderd", "openstacksdk"))
    last = {w: paired.runs[w][-1]["requests"] for w in paired.sides}
    step_requests = lambda who, step: sum(last[who][step].values())
    fmt = "%-14s %24s %24s %20s %16s"
    t()
    t(fmt % ("step", "spiderd ms", "openstacksdk ms", "ratio per round", "requests"))
    for step in STEPS + ["total"]:
        steps = STEPS if step == "total" else [step]
        reqs = [sum(step_requests(w, s) for s in steps) for w in paired.sides]
        t(fmt % (step, fig(paired.ms("spiderd", step)), fig(paired.ms("openstacksdk", step)),
                 fig(paired.ratio(step), "{:.2f}", "×"), f"{reqs[0]} vs {reqs[1]}"))
    t()
    t("requests per step of the last round, by service and method (spiderd | openstacksdk):")
    show = lambda d: ", ".join(f"{k} {v}" for k, v in sorted(d.items())) or "-"
    for step in STEPS:
        t(f"  {step:<14} {show(last['spiderd'][step])} | {show(last['openstacksdk'][step])}")
    paired.total_lines(t, 13)
    t()
    t(f"{len(paired.pairs)} rounds. Total: spiderd {fig(paired.ms('spiderd', 'total'))} ms, openstacksdk "
      f"{fig(paired.ms('openstacksdk', 'total'))} ms; ratio per round {fig(paired.ratio('total'), '{:.2f}', '×')} "
      f"(goal: median <= {goal}×: {paired.verdict(goal)}, informational)")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--spiderd", required=True)
    p.add_argument("--drivers-dir", required=True)
    p.add_argument("--scratch", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--goal", type=float, default=1.1)
    args = p.parse_args()
    signal.signal(signal.SIGTERM, on_term)
    try:
        proxy = start_proxy()
        conn = openstack.connect(auth_url=AUTH, username=USER, password=PASSWORD, project_name=PROJECT,
                                 user_domain_name="Default", project_domain_name="Default", region_name="RegionOne")
        conn.session.session.proxies.update({"http": proxy})
        conn.session.session.trust_env = False
        key_line = "#cloud-config\nusers:\n  - default\n  - name: cb-user\n"
        fixtures = {"external": conn.network.find_network(EXTERNAL).id, "image": conn.image.find_image(IMAGE).id,
                    "flavor": conn.compute.find_flavor(FLAVOR).id, "user_data": base64.b64encode(key_line.encode()).decode()}
        env = dict(os.environ, http_proxy=proxy, HTTP_PROXY=proxy, no_proxy="", NO_PROXY="")
        _, s = start_spiderd(args.spiderd, args.scratch, args.out, args.drivers_dir, "openstack_measure.py", env=env)
        register_connection(s, CONN, "OPENSTACK", "libspider-driver-openstack.so",
                            [("IdentityEndpoint", AUTH), ("Username", USER), ("Password", PASSWORD), ("DomainName", "Default"),
                             ("ProjectName", PROJECT)],
                            [("Region", "RegionOne")])
        # The warm-up round: tokens, catalogues, connections.
        run_alternating(args.out, args.rounds, ("spiderd", "openstacksdk"), lambda who: timed(
            spider_scenario(s, CONN, IMAGE, FLAVOR) if who == "spiderd" else sdk_run(conn, fixtures)))
    finally:
        stop_children()
    report(args.out, args.goal)


if __name__ == "__main__":
    main()
