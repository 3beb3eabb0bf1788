#!/usr/bin/env python3
"""Timing half of Tools/bench/install.sh: everything that is timed runs in this one process, so a
tool's start-up cost never lands in a figure except where the baseline itself is a tool.

  install  spiderd installs one driver from a registry (folder or http), round after round,
           alternating with the baseline (sha256sum + tar -xzf, with curl first for http)
  prepare  installs drivers into a data dir with spiderd and (--connections) registers a driver,
           credential, region and connection config for each; checks one call on each; stops it
  startup  for each case, spawn spiderd → first 200 from /spider/readyz (→ one call on each of the
           case's connections, which makes spiderd load that driver); cases alternate in a round
  report   the table over the rounds the other commands kept

Processes started here (spiderd, python3 -m http.server) are stopped by PID when it ends, also on
SIGTERM/SIGINT. Every command appends each round as a JSON line to <out>/rounds.jsonl and writes
the logs of the servers it starts into <out>; `report` prints the table and copies it to table.txt.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from bench_support import Table, UnixHTTP, fig, free_port, iqr, keep, ratios, read_rounds

STARTED = []  # Popen objects to stop when this process ends
# spiderd answers /spider/readyz before it handles SIGTERM (runUntilSignalled sets SIG_IGN, then
# its signal sources, after start() has bound the socket): a TERM sent in that window is lost.
# stop() then sends another; how often that happened is reported.
LOST_TERMS = [0]


def stop(proc, timeout=10):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(2)
            return
        except subprocess.TimeoutExpired:
            LOST_TERMS[0] += 1
            proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def stop_all():
    while STARTED:
        stop(STARTED.pop())


def on_signal(signum, _frame):
    sys.exit(128 + signum)  # unwinds through the finally blocks that stop our processes


def call(sock, method, path, body=None):
    """One request on a fresh connection (as curl would open one); returns (status, parsed JSON or text)."""
    conn = UnixHTTP(sock)
    try:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if data is not None else {}
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        raw = resp.read()
    finally:
        conn.close()
    try:
        return resp.status, json.loads(raw)
    except ValueError:
        return resp.status, raw.decode(errors="replace")


def expect(status, answer, what):
    if not 200 <= status < 300:
        sys.exit(f"install_measure: {what} answered {status}: {answer}")
    return answer


# ---------- spiderd ----------

def spiderd_args(a, data_dir, sock, registry):
    return [a.spiderd, "--socket", sock, "--data-dir", data_dir, "--registry", registry,
            "--trusted-keys", a.trusted_keys]


def socket_path(data_dir):
    # The socket's folder must be private, and the path short (108 bytes).
    folder = os.path.join(data_dir, "..", os.path.basename(data_dir) + ".sock")
    folder = os.path.normpath(folder)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    os.chmod(folder, 0o700)
    return os.path.join(folder, "spider.sock")


def readyz_once(sock):
    """True when /spider/readyz answers 200 now; False when nothing listens yet."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(sock)
        s.sendall(b"GET /spider/readyz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        head = s.recv(64)
        return head.startswith(b"HTTP/1.1 200")
    except (FileNotFoundError, ConnectionRefusedError, ConnectionResetError, BrokenPipeError):
        return False
    finally:
        s.close()


def wait_ready(proc, sock, log, limit=60.0, pause=0.0005):
    end = time.perf_counter() + limit
    while time.perf_counter() < end:
        if proc.poll() is not None:
            sys.exit(f"install_measure: spiderd exited ({proc.returncode}) before it was ready; see {log}")
        if readyz_once(sock):
            return
        time.sleep(pause)
    sys.exit(f"install_measure: spiderd not ready within {limit}s; see {log}")


def start_spiderd(a, data_dir, registry, log):
    sock = socket_path(data_dir)
    with open(log, "ab") as out:
        proc = subprocess.Popen(spiderd_args(a, data_dir, sock, registry), stdout=out, stderr=out)
    STARTED.append(proc)
    wait_ready(proc, sock, log)
    return proc, sock


def install(sock, name):
    return expect(*call(sock, "POST", "/spider/driver/install", {"Name": name}), f"install {name}")


def uninstall(sock, name, version):
    expect(*call(sock, "DELETE", f"/spider/driver/installed/{name}/{version}"), f"remove {name} {version}")


def connection_name(driver):
    return f"{driver}-config"


def register_connection(sock, driver):
    """A driver, credential, region and connection config for the installed tiny driver `driver`."""
    provider = driver.upper().replace("-", "_")
    expect(*call(sock, "POST", "/spider/driver", {"DriverName": f"{driver}-driver", "ProviderName": provider,
                                                   "DriverLibFileName": f"libspider-driver-{driver}.so"}), "register driver")
    expect(*call(sock, "POST", "/spider/credential", {"CredentialName": f"{driver}-credential", "ProviderName": provider,
                                                       "KeyValueInfoList": [{"Key": "ApiKey", "Value": "x"}]}), "register credential")
    expect(*call(sock, "POST", "/spider/region", {"RegionName": f"{driver}-region", "ProviderName": provider,
                                                   "KeyValueInfoList": [{"Key": "Region", "Value": "r"}]}), "register region")
    expect(*call(sock, "POST", "/spider/connectionconfig", {"ConfigName": connection_name(driver), "ProviderName": provider,
                                                             "DriverName": f"{driver}-driver", "CredentialName": f"{driver}-credential",
                                                             "RegionName": f"{driver}-region"}), "register connection config")


def first_call(sock, connection, expected):
    """One driver call on `connection`: spiderd loads the driver (dlopen), connects and calls; the
    tiny driver answers SPIDER_UNSUPPORTED, which the host answers with `expected` (501)."""
    status, answer = call(sock, "GET", f"/spider/regionzone?ConnectionName={connection}")
    if status != expected:
        sys.exit(f"install_measure: GET /spider/regionzone?ConnectionName={connection} answered {status}"
                 f" (expected {expected}): {answer}")
    return status


def timed_install(sock, name):
    t0 = time.perf_counter()
    job = install(sock, name)
    elapsed = time.perf_counter() - t0
    if job.get("State") != "done":
        sys.exit(f"install_measure: install of {name} ended as {job}")
    return elapsed, job


def phase_profile(sock, name, version):
    """One extra install with ?async=true, polling the job to time its phases (not a measured round:
    the polling competes for the CPU). Returns [(phase, seconds)]."""
    t0 = time.perf_counter()
    job = expect(*call(sock, "POST", "/spider/driver/install?async=true", {"Name": name}), "async install")
    accepted = time.perf_counter()
    seen = [("resolve (before 202)", t0, accepted)]
    state, since = job["State"], accepted
    while True:
        job = expect(*call(sock, "GET", f"/spider/driver/job/{job['Id']}"), "job poll")
        now = time.perf_counter()
        if job["State"] != state:
            seen.append((state, since, now))
            state, since = job["State"], now
        if job.get("FinishedAt"):
            break
        time.sleep(0.001)
    if job["State"] != "done":
        sys.exit(f"install_measure: async install ended as {job}")
    uninstall(sock, name, version)
    return [(p, round(b - s, 4)) for p, s, b in seen] + [("total", round(time.perf_counter() - t0, 4))]


# ---------- baselines ----------

def run_tool(argv):
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)


def timed_baseline(a, scratch):
    """sha256sum + tar -xzf into a fresh folder (curl -o first when the registry is http)."""
    target = tempfile.mkdtemp(dir=scratch, prefix="extract.")
    download = os.path.join(scratch, "download.tar.gz")
    t0 = time.perf_counter()
    archive = a.archive
    if a.archive_url:
        run_tool(["curl", "-s", "-f", "-o", download, a.archive_url])
        archive = download
    run_tool(["sha256sum", archive])
    run_tool(["tar", "-xzf", archive, "-C", target])
    elapsed = time.perf_counter() - t0
    shutil.rmtree(target)
    if a.archive_url:
        os.unlink(download)
    return elapsed


# ---------- commands ----------

def start_http_server(folder, log):
    port = free_port()
    with open(log, "ab") as out:
        proc = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)],
                                cwd=folder, stdout=out, stderr=out)
    STARTED.append(proc)
    url = f"http://127.0.0.1:{port}"
    end = time.time() + 10
    while time.time() < end:
        if proc.poll() is not None:
            sys.exit(f"install_measure: http.server exited ({proc.returncode}); see {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, url
        except OSError:
            time.sleep(0.02)
    sys.exit(f"install_measure: http.server did not listen on {port}; see {log}")


def cmd_install(a):
    registry = a.registry
    kind = "http" if a.http else "folder"
    if a.http:
        _, registry = start_http_server(a.registry, os.path.join(a.out, "http-server.log"))
        a.archive_url = registry + "/" + os.path.relpath(a.archive, a.registry)
    else:
        a.archive_url = None
    data_dir = os.path.join(a.scratch, "data")
    spiderd, sock = start_spiderd(a, data_dir, registry, os.path.join(a.out, f"spiderd-install-{kind}.log"))
    size = os.path.getsize(a.archive)
    # Warm-up rounds fill the page cache and any lazy set-up on both sides; kept, not in the figures.
    for i in range(a.warmup + a.rounds):
        t, job = timed_install(sock, a.name)
        uninstall(sock, a.name, job["Version"])
        b = timed_baseline(a, a.scratch)
        keep(a.out, {"figure": a.label, "round": i - a.warmup + 1, "warmup": i < a.warmup, "spiderd_s": t,
                     "baseline_s": b, "baseline": a.baseline, "registry": registry, "archive_bytes": size,
                     "goal_ratio": a.goal_ratio})
    if a.phases:
        keep(a.out, {"figure": a.label, "phases": phase_profile(sock, a.name, a.version)})
    stop(spiderd)


def cmd_prepare(a):
    log = os.path.join(a.out, f"spiderd-prepare-{os.path.basename(a.data_dir)}.log")
    spiderd, sock = start_spiderd(a, a.data_dir, a.registry, log)
    for name in a.names:
        install(sock, name)
        if a.connections:
            register_connection(sock, name)
            status = first_call(sock, connection_name(name), a.expect_status)
            print(f"  {name}: installed, connection {connection_name(name)} registered; its first call answered {status}")
    stop(spiderd)
    if spiderd.returncode not in (0, -signal.SIGTERM):
        sys.exit(f"install_measure: spiderd stopped with {spiderd.returncode}; see {log}")


def time_start(a, data_dir, connections):
    """Spawn → first 200 from /spider/readyz (→ one call on each connection, each loading its driver)."""
    sock = socket_path(data_dir)
    log = os.path.join(a.out, f"spiderd-start-{os.path.basename(data_dir)}.log")
    with open(log, "ab") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(spiderd_args(a, data_dir, sock, a.registry), stdout=out, stderr=out)
        STARTED.append(proc)
        wait_ready(proc, sock, log)
        for connection in connections:
            first_call(sock, connection, a.expect_status)
        elapsed = time.perf_counter() - t0
    stop(proc)
    STARTED.remove(proc)
    return elapsed


def cmd_startup(a):
    cases = [(label, data_dir, [] if calls == "-" else calls.split(",")) for label, data_dir, calls in a.cases]
    for i in range(a.warmup + a.rounds):
        for label, data_dir, connections in cases:  # alternating, so drift on the machine hits every case alike
            t = time_start(a, data_dir, connections)
            last = label == cases[-1][0]
            keep(a.out, {"figure": "start", "case": label, "round": i - a.warmup + 1, "warmup": i < a.warmup, "s": t,
                         "calls": len(connections), "expected_status": a.expect_status if connections else None,
                         "comparison": last, "goal_ms": None if last else a.goal_ms})
    keep(a.out, {"figure": "start-terms", "lost_terms": LOST_TERMS[0], "starts": len(cases) * (a.warmup + a.rounds)})


def cmd_report(a):
    t = Table(a.out)
    rows = read_rounds(os.path.join(a.out, "rounds.jsonl"))
    measured = [r for r in rows if "round" in r and not r["warmup"]]
    ms = lambda xs: [x * 1000 for x in xs]
    details = []
    for label in dict.fromkeys(r["figure"] for r in measured if r["figure"] != "start"):
        rs = [r for r in measured if r["figure"] == label]
        s, b = [r["spiderd_s"] for r in rs], [r["baseline_s"] for r in rs]
        per_round = ratios(s, b)
        verdict = "meets" if statistics.median(per_round) <= rs[0]["goal_ratio"] else "below"
        t(f"{label} ({rs[0]['archive_bytes'] / 1e6:.1f} MB), {len(rs)} rounds; baseline: {rs[0]['baseline']}")
        t(f"    spiderd {fig(ms(s))} ms   baseline {fig(ms(b))} ms   ratio per round {fig(per_round, '{:.2f}', '×')}"
          f"   goal: median <= {rs[0]['goal_ratio']:g}×: {verdict}")
        details.append(f"  {label}: spiderd " + " ".join(f"{x:.0f}" for x in ms(s)) + " ms; baseline "
                       + " ".join(f"{x:.0f}" for x in ms(b)) + " ms" + (f"; ratio {iqr(per_round, '{:.2f}')}" if iqr(per_round) else ""))
        for r in rows:
            if r.get("figure") == label and "phases" in r:
                details.append("    phases of one extra async install (job polled every ~1 ms): "
                               + ", ".join(f"{p} {x * 1000:.0f} ms" for p, x in r["phases"]))
    start = [r for r in measured if r["figure"] == "start"]
    base = [r for r in start if r["comparison"]]
    base_by_round = {r["round"]: r["s"] for r in base}
    for label in dict.fromkeys(r["case"] for r in start):
        rs = [r for r in start if r["case"] == label]
        times = ms([r["s"] for r in rs])
        line = f"    {fig(times)} ms"
        if not rs[0]["comparison"]:
            per_round = ratios([r["s"] for r in rs], [base_by_round.get(r["round"], 0) for r in rs])
            verdict = "meets" if statistics.median(times) <= rs[0]["goal_ms"] else "below"
            line += (f"   vs {base[0]['case']} {fig(ms([r['s'] for r in base]))} ms   ratio per round"
                     f" {fig(per_round, '{:.2f}', '×')}   goal: median <= {rs[0]['goal_ms']:g} ms: {verdict}")
        t(f"{label}, {len(rs)} rounds" + (f" ({rs[0]['calls']} calls, each answered {rs[0]['expected_status']})" if rs[0]["calls"] else ""))
        t(line)
        details.append(f"  {label}: " + " ".join(f"{x:.0f}" for x in times) + " ms" + (f"; {iqr(times)} ms" if iqr(times) else ""))
    t()
    t("Every round, in order:")
    for line in details:
        t(line)
    for r in rows:
        if r.get("figure") == "start-terms" and r["lost_terms"]:
            t(f"  note: {r['lost_terms']} of {r['starts']} spiderd processes ignored the SIGTERM sent right after"
              " readyz answered and needed a second one (signal handling is set up after the socket serves)")


def main():
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)

    def host(sp):
        sp.add_argument("--spiderd", required=True)
        sp.add_argument("--trusted-keys", required=True)
        sp.add_argument("--registry", required=True, help="registry folder")
        sp.add_argument("--out", required=True, help="run folder: rounds.jsonl, server logs")

    i = sub.add_parser("install")
    host(i)
    i.add_argument("--http", action="store_true", help="serve the registry folder with python3 -m http.server")
    i.add_argument("--name", required=True)
    i.add_argument("--version", required=True)
    i.add_argument("--archive", required=True, help="the bundle's path inside the registry folder")
    i.add_argument("--rounds", type=int, default=7)
    i.add_argument("--warmup", type=int, default=1)
    i.add_argument("--phases", action="store_true")
    i.add_argument("--goal-ratio", type=float, default=1.3)
    i.add_argument("--label", required=True)
    i.add_argument("--baseline", required=True, help="what the baseline does, for the table")
    i.add_argument("--scratch", required=True)

    pr = sub.add_parser("prepare")
    host(pr)
    pr.add_argument("--data-dir", required=True)
    pr.add_argument("--connections", action="store_true", help="register a connection for each driver and call it once")
    pr.add_argument("--expect-status", type=int, default=501, help="the HTTP status of that call")
    pr.add_argument("names", nargs="*")

    s = sub.add_parser("startup")
    host(s)
    s.add_argument("--case", dest="cases", nargs=3, action="append", required=True,
                   metavar=("LABEL", "DATA_DIR", "CONNECTIONS"),
                   help="CONNECTIONS: comma-separated connection names to call once after ready, or -;"
                        " the last case is the comparison")
    s.add_argument("--expect-status", type=int, default=501, help="the HTTP status every call must answer")
    s.add_argument("--rounds", type=int, default=10)
    s.add_argument("--warmup", type=int, default=1)
    s.add_argument("--goal-ms", type=float, default=100)

    r = sub.add_parser("report")
    r.add_argument("--out", required=True, help="run folder holding rounds.jsonl")

    a = p.parse_args()
    try:
        {"install": cmd_install, "prepare": cmd_prepare, "startup": cmd_startup, "report": cmd_report}[a.cmd](a)
    finally:
        stop_all()


if __name__ == "__main__":
    main()
