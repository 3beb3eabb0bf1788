#!/usr/bin/env python3
"""Times creates through spiderd, one at a time, on several hosts alike (run.sh: the Mock in a
process of its own and loaded into spiderd): each round, for each host in turn (the order alternating
by round), `--count` POST /spider/vpc with fresh names, each timed from sending the request to the
answer's last byte on one kept-alive connection; then the VPCs are deleted (not timed). Writes one
JSON line per host and round to <out>/creates.jsonl: {"host", "round", "ms": [every create]}."""
import argparse, json, signal, time

from bench_support import UnixHTTP, keep, on_term


def call(conn, method, path, body):
    data = json.dumps(body).encode()
    conn.request(method, path, body=data, headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    text = r.read()
    if r.status != 200:
        raise SystemExit(f"creates.py: {method} {path} answered {r.status}: {text[:300]!r}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--count", type=int, default=100)
    p.add_argument("--host", action="append", required=True, help="label=socket path")
    p.add_argument("--connection", default="mock-config01")
    a = p.parse_args()
    signal.signal(signal.SIGTERM, on_term)
    hosts = [tuple(h.split("=", 1)) for h in a.host]
    for rnd in range(1, a.rounds + 1):
        order = hosts if rnd % 2 else list(reversed(hosts))
        for label, sock in order:
            conn = UnixHTTP(sock)
            names = [f"bench-{rnd}-{i}" for i in range(a.count)]
            times = []
            for name in names:
                body = {"ConnectionName": a.connection, "ReqInfo": {"Name": name, "IPv4_CIDR": "10.0.0.0/16", "SubnetInfoList": []}}
                start = time.perf_counter()
                call(conn, "POST", "/spider/vpc", body)
                times.append((time.perf_counter() - start) * 1000)
            for name in names:
                call(conn, "DELETE", f"/spider/vpc/{name}", {"ConnectionName": a.connection})
            conn.close()
            keep(a.out, {"host": label, "round": rnd, "ms": times}, "creates.jsonl")


if __name__ == "__main__":
    main()
