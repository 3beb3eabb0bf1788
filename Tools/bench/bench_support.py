"""What the benchmarks' measuring scripts share: the children they start (stopped by PID on exit
and on SIGTERM), a free loopback port, HTTP over spiderd's Unix socket, and the figures — every
round kept as a JSON line in the run folder, median [min–max] over rounds, ratios per round, and
the printed table copied into the run folder's table.txt."""
import http.client, json, os, socket, statistics, subprocess, sys, time

CHILDREN = []  # Popen objects this process started, stopped newest first


def stop_children(*_):
    for proc in reversed(CHILDREN):
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
    CHILDREN.clear()


def on_term(*_):
    stop_children()
    sys.exit(143)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class UnixHTTP(http.client.HTTPConnection):
    """An HTTP/1.1 connection to a Unix socket (spiderd's)."""

    def __init__(self, path, timeout=120):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.unix_path)


class Spider:
    """One keep-alive connection to spiderd's socket; `call` exits the script on an unexpected status."""

    def __init__(self, path, timeout=600, name="bench"):
        self.conn = UnixHTTP(path, timeout=timeout)
        self.name = name

    def call(self, method, path, body=None, ok=(200,)):
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if data else {}
        self.conn.request(method, path, body=data, headers=headers)
        r = self.conn.getresponse()
        text = r.read()
        if r.status not in ok:
            sys.exit(f"{self.name}: {method} {path} answered {r.status}: {text[:500]!r}")
        return json.loads(text) if text else {}


def start_spiderd(spiderd, scratch, out, drivers_dir, name, env=None):
    """spiderd with its socket and data in `scratch`, output in <out>/spiderd.log, stopped with the
    other children; returns (process, Spider) once /spider/readyz answers."""
    sock = os.path.join(scratch, "spider.sock")
    proc = subprocess.Popen([spiderd, "--socket", sock, "--data-dir", os.path.join(scratch, "data"), "--drivers-dir", drivers_dir],
                            env=env, stdout=open(os.path.join(out, "spiderd.log"), "wb"), stderr=subprocess.STDOUT)
    CHILDREN.append(proc)
    for _ in range(600):
        if proc.poll() is not None:
            sys.exit(f"{name}: spiderd exited before it was ready (see spiderd.log)")
        try:
            s = Spider(sock, name=name)
            s.call("GET", "/spider/readyz")
            return proc, s
        except OSError:
            time.sleep(0.05)
    sys.exit(f"{name}: spiderd did not answer /spider/readyz")


def spider_scenario(s, conn, image, spec):
    """CB-Spider's VM scenario through spiderd as (step, function) pairs: VPC with a subnet, a security
    group with three rules, a key pair, a VM, its status, suspend, resume, terminate, teardown."""
    q = "?ConnectionName=" + conn
    only = {"ConnectionName": conn}
    rule = lambda f, t, d="inbound", cidr="0.0.0.0/0": {"FromPort": f, "ToPort": t, "IPProtocol": "tcp", "Direction": d, "CIDR": cidr}
    return [
        ("vpc", lambda: s.call("POST", "/spider/vpc", {"ConnectionName": conn, "ReqInfo": {
            "Name": "vpc-01", "IPv4_CIDR": "10.0.0.0/16", "SubnetInfoList": [{"Name": "subnet-01", "IPv4_CIDR": "10.0.1.0/24"}]}})),
        ("securitygroup", lambda: s.call("POST", "/spider/securitygroup", {"ConnectionName": conn, "ReqInfo": {
            "Name": "sg-01", "VPCName": "vpc-01",
            "SecurityRules": [rule("22", "22"), rule("80", "443", cidr="10.0.0.0/8"), rule("443", "443", "outbound")]}})),
        ("keypair", lambda: s.call("POST", "/spider/keypair", {"ConnectionName": conn, "ReqInfo": {"Name": "key-01"}})),
        ("vm", lambda: s.call("POST", "/spider/vm", {"ConnectionName": conn, "ReqInfo": {
            "Name": "vm-01", "ImageName": image, "VPCName": "vpc-01", "SubnetName": "subnet-01",
            "SecurityGroupNames": ["sg-01"], "VMSpecName": spec, "KeyPairName": "key-01"}})),
        ("status", lambda: s.call("GET", "/spider/vmstatus/vm-01" + q)),
        ("suspend", lambda: s.call("GET", "/spider/controlvm/vm-01" + q + "&action=suspend")),
        ("resume", lambda: s.call("GET", "/spider/controlvm/vm-01" + q + "&action=resume")),
        ("terminate", lambda: s.call("DELETE", "/spider/vm/vm-01", only)),
        ("teardown", lambda: (s.call("DELETE", "/spider/keypair/key-01", only), s.call("DELETE", "/spider/securitygroup/sg-01", only),
                              s.call("DELETE", "/spider/vpc/vpc-01", only))),
    ]


# ---------- raw output and figures ----------

def keep(out_dir, record, name="rounds.jsonl"):
    """Appends one measurement as a JSON line to the run folder's raw file."""
    with open(os.path.join(out_dir, name), "a") as f:
        f.write(json.dumps(record) + "\n")


def run_alternating(out_dir, rounds, sides, run_side):
    """Runs a scenario on two sides, round after round: round 0 is the warm-up (kept, not in the
    figures), and the rounds alternate which side goes first. `run_side(who)` answers (times,
    requests) of one run; each run is kept as a line of rounds.jsonl."""
    for r in range(rounds + 1):
        order = list(sides) if r % 2 == 0 else list(reversed(sides))
        for who in order:
            times, requests = run_side(who)
            keep(out_dir, {"round": r, "warmup": r == 0, "who": who, "first": who == order[0],
                           "ms": {k: round(v, 3) for k, v in times.items()}, "requests": requests})


def register_connection(s, conn, provider, driver_lib, credential_keys, region_keys):
    """Registers a driver, a credential, a region and the connection config `conn` that joins them,
    each named after `conn`; the keys are (key, value) pairs."""
    pairs = lambda keys: [{"Key": k, "Value": v} for k, v in keys]
    s.call("POST", "/spider/driver", {"DriverName": conn + "-driver", "ProviderName": provider, "DriverLibFileName": driver_lib})
    s.call("POST", "/spider/credential", {"CredentialName": conn + "-credential", "ProviderName": provider,
                                          "KeyValueInfoList": pairs(credential_keys)})
    s.call("POST", "/spider/region", {"RegionName": conn + "-region", "ProviderName": provider, "KeyValueInfoList": pairs(region_keys)})
    s.call("POST", "/spider/connectionconfig", {"ConfigName": conn, "ProviderName": provider, "DriverName": conn + "-driver",
                                                "CredentialName": conn + "-credential", "RegionName": conn + "-region"})


def read_rounds(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def ratios(numerators, denominators):
    """Ratio per round: numerator and denominator measured in the same round."""
    return [a / b for a, b in zip(numerators, denominators) if b]


def fig(values, fmt="{:.1f}", unit=""):
    """'median [min–max]' over the rounds (statistics.median: for an even count, the mean of the
    two middle values), e.g. '41.2 [39.0–44.1] ms'; a single round is just its value."""
    if not values:
        return "-"
    f = fmt.format
    if len(values) == 1:
        return f"{f(values[0])}{unit}"
    return f"{f(statistics.median(values))} [{f(min(values))}–{f(max(values))}]{unit}"


def iqr(values, fmt="{:.1f}"):
    """'IQR q1–q3' when there are at least 5 rounds (quartiles, inclusive method), else ''."""
    if len(values) < 5:
        return ""
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return f"IQR {fmt.format(q1)}–{fmt.format(q3)}"


class PairedRuns:
    """A scenario run on two sides in the same rounds (rounds.jsonl lines with who, round, warmup and
    ms per step): each side's measured runs, its warm-up run, and the runs paired by round."""

    def __init__(self, out_dir, sides):
        rows = read_rounds(os.path.join(out_dir, "rounds.jsonl"))
        self.sides = sides
        self.warm = {r["who"]: r for r in rows if r["warmup"]}
        self.runs = {w: [r for r in rows if r["who"] == w and not r["warmup"]] for w in sides}
        first, second = sides
        self.pairs = [(a, b) for a in self.runs[first] for b in self.runs[second] if a["round"] == b["round"]]

    def ms(self, who, step):
        return [r["ms"][step] for r in self.runs[who]]

    def ratio(self, step):
        """First side ÷ second side, per round."""
        return ratios([a["ms"][step] for a, _ in self.pairs], [b["ms"][step] for _, b in self.pairs])

    def total_lines(self, t, width):
        """Each side's total of every round, in round order (with the IQR from 5 rounds on)."""
        t("totals of every round (ms), in round order:")
        for who in self.sides:
            total = self.ms(who, "total")
            t(f"  {who:<{width}} " + " ".join(f"{x:.0f}" for x in total) + (f"   ({iqr(total)})" if iqr(total) else ""))

    def verdict(self, goal):
        return "meets" if statistics.median(self.ratio("total")) <= goal else "below"


def median_index(values):
    """Index of the median round (the lower middle one for an even count)."""
    order = sorted(range(len(values)), key=values.__getitem__)
    return order[(len(values) - 1) // 2]


class Table:
    """Prints lines and appends them to <out_dir>/table.txt (a copy of what the script printed)."""

    def __init__(self, out_dir):
        self.path = os.path.join(out_dir, "table.txt")

    def __call__(self, line=""):
        print(line, flush=True)
        with open(self.path, "a") as f:
            f.write(line + "\n")
