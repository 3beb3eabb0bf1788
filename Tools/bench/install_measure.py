#!/usr/bin/env python3
"""Timing half of Tools/bench/install.sh: everything that is timed runs in this one process, so a
tool's start-up cost never lands in a figure except where the baseline itself is a tool.

  install  spiderd installs one driver from a registry (folder or http), round after round,
           alternating with the baseline (sha256sum + tar -xzf, with curl first for http)
  prepare  installs drivers into a data dir with spiderd, then stops it
  startup  spawn spiderd → first 200 from /spider/readyz, for each data dir given
  report   the table over the JSON files the other commands wrote

Processes started here (spiderd, python3 -m http.server) are stopped by PID when it ends, also on
SIGTERM/SIGINT. Every command writes its figures as JSON (--out) for `report`.
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

from bench_support import UnixHTTP, free_port

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
    if a.http:
        _, registry = start_http_server(a.registry, os.path.join(a.scratch, "http-server.log"))
        a.archive_url = registry + "/" + os.path.relpath(a.archive, a.registry)
    else:
        a.archive_url = None
    data_dir = os.path.join(a.scratch, "data")
    spiderd, sock = start_spiderd(a, data_dir, registry, os.path.join(a.scratch, "spiderd.log"))
    install_times, baseline_times = [], []
    size = os.path.getsize(a.archive)
    # Warm-up rounds fill the page cache and any lazy set-up on both sides; not counted.
    for i in range(a.warmup + a.rounds):
        t, job = timed_install(sock, a.name)
        uninstall(sock, a.name, job["Version"])
        b = timed_baseline(a, a.scratch)
        if i >= a.warmup:
            install_times.append(t)
            baseline_times.append(b)
    phases = phase_profile(sock, a.name, a.version) if a.phases else []
    stop(spiderd)
    result = {"figure": a.label, "registry": registry, "archive_bytes": size,
              "install_s": install_times, "baseline_s": baseline_times, "phases": phases,
              "goal_ratio": a.goal_ratio}
    json.dump(result, open(a.out, "w"))


def cmd_prepare(a):
    spiderd, sock = start_spiderd(a, a.data_dir, a.registry, a.data_dir + ".log")
    for name in a.names:
        install(sock, name)
    stop(spiderd)
    if spiderd.returncode not in (0, -signal.SIGTERM):
        sys.exit(f"install_measure: spiderd stopped with {spiderd.returncode}; see {a.data_dir}.log")


def time_start(a, data_dir):
    sock = socket_path(data_dir)
    log = data_dir + ".log"
    with open(log, "ab") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(spiderd_args(a, data_dir, sock, a.registry), stdout=out, stderr=out)
        STARTED.append(proc)
        wait_ready(proc, sock, log)
        elapsed = time.perf_counter() - t0
    stop(proc)
    STARTED.remove(proc)
    return elapsed


def cmd_startup(a):
    times = {d: [] for d in a.data_dirs}
    for i in range(a.warmup + a.rounds):
        for d in a.data_dirs:  # alternating, so drift on the machine hits every data dir alike
            t = time_start(a, d)
            if i >= a.warmup:
                times[d].append(t)
    json.dump({"figure": "start", "labels": a.labels, "start_s": [times[d] for d in a.data_dirs],
               "goal_ms": a.goal_ms, "lost_terms": LOST_TERMS[0], "starts": len(a.data_dirs) * (a.warmup + a.rounds)},
              open(a.out, "w"))


def ms(s):
    return f"{s * 1000:.1f} ms"


def cmd_report(a):
    rows = []
    details = []
    for path in a.results:
        r = json.load(open(path))
        if r["figure"] == "start":
            base = statistics.median(r["start_s"][-1])
            for label, times in zip(r["labels"], r["start_s"]):
                m = statistics.median(times)
                rows.append((label, ms(m), ms(base), f"{m / base:.2f}x" if label != r["labels"][-1] else "-",
                             f"<= {r['goal_ms']:g} ms", "meets" if m * 1000 <= r["goal_ms"] else "below"))
                details.append(f"  {label}: " + " ".join(f"{t * 1000:.0f}" for t in times) + " ms")
            if r["lost_terms"]:
                details.append(f"  note: {r['lost_terms']} of {r['starts']} spiderd processes ignored the SIGTERM sent right after"
                               " readyz answered and needed a second one (signal handling is set up after the socket serves)")
            continue
        m, b = statistics.median(r["install_s"]), statistics.median(r["baseline_s"])
        ratio = m / b
        rows.append((r["figure"], ms(m), ms(b), f"{ratio:.2f}x", f"<= {r['goal_ratio']:g}x",
                     "meets" if ratio <= r["goal_ratio"] else "below"))
        details.append(f"  {r['figure']} ({r['archive_bytes'] / 1e6:.1f} MB from {r['registry']}):")
        details.append("    spiderd  " + " ".join(f"{t * 1000:.0f}" for t in r["install_s"]) + " ms")
        details.append("    baseline " + " ".join(f"{t * 1000:.0f}" for t in r["baseline_s"]) + " ms")
        if r["phases"]:
            details.append("    phases of one extra async install (job polled every ~1 ms): "
                           + ", ".join(f"{p} {s * 1000:.0f} ms" for p, s in r["phases"]))
    print("Every round, in order:")
    print("\n".join(details))
    print()
    fmt = "%-34s %10s %10s %7s %10s  %s"
    print(fmt % ("figure (median)", "spiderd", "baseline", "ratio", "goal", "result"))
    for row in rows:
        print(fmt % row)


def main():
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)

    def host(sp):
        sp.add_argument("--spiderd", required=True)
        sp.add_argument("--trusted-keys", required=True)
        sp.add_argument("--registry", required=True, help="registry folder")

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
    i.add_argument("--scratch", required=True)
    i.add_argument("--out", required=True)

    pr = sub.add_parser("prepare")
    host(pr)
    pr.add_argument("--data-dir", required=True)
    pr.add_argument("names", nargs="*")

    s = sub.add_parser("startup")
    host(s)
    s.add_argument("--data-dir", dest="data_dirs", action="append", required=True)
    s.add_argument("--label", dest="labels", action="append", required=True,
                   help="one per --data-dir; the last one is the comparison")
    s.add_argument("--rounds", type=int, default=10)
    s.add_argument("--warmup", type=int, default=1)
    s.add_argument("--goal-ms", type=float, default=100)
    s.add_argument("--out", required=True)

    r = sub.add_parser("report")
    r.add_argument("results", nargs="+")

    a = p.parse_args()
    try:
        {"install": cmd_install, "prepare": cmd_prepare, "startup": cmd_startup, "report": cmd_report}[a.cmd](a)
    finally:
        stop_all()


if __name__ == "__main__":
    main()
