#!/usr/bin/env python3
"""The tables of the benchmarks written in bash, from the rounds they kept in their run folder:

  tables.py socket    <out dir>                          run.sh's rounds.jsonl
  tables.py creates   <out dir>                          run.sh's creates.jsonl (creates.py)
  tables.py dashboard <out dir> <connections> <latency ms> <goal ms>   dashboard.sh's rounds.jsonl

Each figure is median [min–max] over the rounds; a ratio to the baseline is computed per round from
the two measurements of that round, then summarised the same way. Prints the table and appends it
to <out dir>/table.txt; never judges beyond the informational goal columns."""
import math, os, statistics, sys

from bench_support import Table, fig, iqr, median_index, ratios, read_rounds

BASELINE = "nginx /"


def socket_table(out):
    t = Table(out)
    rows = read_rounds(os.path.join(out, "rounds.jsonl"))
    ok = [r for r in rows if "load" in r]
    failed = [r for r in rows if "load" not in r]
    fmt = "%-22s %5s %6s %22s %8s %8s %5s %6s %5s %20s %5s  %s"
    t(fmt % ("target", "conns", "rounds", "req/s median [min–max]", "p50 µs", "p99 µs", "body", "errors", "other",
             "% of nginx per round", "goal", "result"))
    every = []
    for conns in dict.fromkeys(r["conns"] for r in ok):
        base = {r["round"]: r["load"]["rps"] for r in ok if r["target"] == BASELINE and r["conns"] == conns}
        for target in dict.fromkeys(r["target"] for r in ok):
            rs = [r for r in ok if r["target"] == target and r["conns"] == conns]
            if not rs:
                continue
            rps = [r["load"]["rps"] for r in rs]
            mid = rs[median_index(rps)]["load"]
            goal = rs[0].get("goal_pct")
            share, verdict = "-", "-"
            if target != BASELINE:
                pct = [100 * x for x in ratios(rps, [base.get(r["round"], 0) for r in rs])]
                share = fig(pct, "{:.0f}", "%")
                if pct and goal is not None:
                    verdict = "meets" if statistics.median(pct) >= goal else "below"
            t(fmt % (target, conns, len(rs), fig(rps, "{:.0f}"), mid["p50_us"], mid["p99_us"], mid["body_bytes"],
                     sum(r["load"]["errors"] for r in rs), f"{max(r['other_pct'] for r in rs)}%", share,
                     "-" if goal is None else f"{goal}%", verdict))
            every.append(f"  {target:<22} {conns:>5}  " + " ".join(f"{x / 1000:.1f}k" for x in rps)
                         + (f"   ({iqr(rps, '{:.0f}')})" if iqr(rps) else ""))
    t()
    t("req/s of every round, in round order:")
    for line in every:
        t(line)
    for r in failed:
        t(f"  no result: {r['target']} at {r['conns']} connections, round {r['round']}: {r['failed']}")
    # What isolation costs per call: the median latency at one connection, isolated minus in-process,
    # taken per round (the two were measured in the same round).
    one = {(r["target"], r["round"]): r["load"]["p50_us"] for r in ok if r["conns"] == 1}
    rounds = sorted({rnd for (_, rnd) in one})
    iso, inproc = "Mock VPC GET, isolated", "Mock VPC GET, in-process"
    added = [one[(iso, rnd)] - one[(inproc, rnd)] for rnd in rounds if (iso, rnd) in one and (inproc, rnd) in one]
    if added:
        t()
        t(f"Isolation's cost per call (Mock VPC GET, one connection: median latency isolated − in-process, per round): "
          f"{fig(added, '{:.1f}', ' µs')} over {len(added)} rounds (goal ≤ 30 µs: "
          f"{'meets' if statistics.median(added) <= 30 else 'below'}, informational)")


def creates_table(out):
    t = Table(out)
    rows = read_rounds(os.path.join(out, "creates.jsonl"))
    hosts = list(dict.fromkeys(r["host"] for r in rows))
    per = {h: {r["round"]: statistics.median(r["ms"]) for r in rows if r["host"] == h} for h in hosts}
    count = len(rows[0]["ms"]) if rows else 0
    t(f"Creates (POST /spider/vpc, one at a time, {count} per host and round, then deleted untimed); figure: the median create of"
      f" each round, median [min–max] over {len(next(iter(per.values()), {}))} rounds, hosts alternating which goes first:")
    for h in hosts:
        t(f"  {h:<12} {fig(list(per[h].values()), '{:.3f}', ' ms')}")
    if len(hosts) == 2:
        a, b = hosts
        diff = [1000 * (per[a][rnd] - per[b][rnd]) for rnd in per[a] if rnd in per[b]]
        t(f"  {a} − {b}, per round: {fig(diff, '{:.0f}', ' µs')}")


def dashboard_table(out, count, latency, goal):
    t = Table(out)
    rows = read_rounds(os.path.join(out, "rounds.jsonl"))
    phases = list(dict.fromkeys(r["phase"] for r in rows))
    limit = {r["phase"]: r["fan_out_limit"] for r in rows}
    warm = {p: [r["ms"] for r in rows if r["phase"] == p and r["call"] == "warm"] for p in phases}
    fmt = "  %-32s %-30s %6s   %s"
    t(fmt % ("phase", "call", "rounds", "ms, median [min–max]"))
    for p in phases:
        first = [r["ms"] for r in rows if r["phase"] == p and r["call"] == "first"]
        name = f"{p}, --fan-out-limit {limit[p]}"
        t(fmt % (name, "first (opens the connections)", len(first), fig(first, "{:.0f}")))
        t(fmt % (name, "warm", len(warm[p]), fig(warm[p], "{:.0f}") + ("   " + iqr(warm[p], "{:.0f}") if iqr(warm[p]) else "")))
    fan, seq = warm.get("fan-out", []), warm.get("sequential", [])
    if fan and seq:
        t(f"  measured: sequential ÷ fan-out = {statistics.median(seq) / statistics.median(fan):.1f}× (ratio of the two"
          " medians: the phases cannot alternate, each needs its own host on the data folder)")
    if "fan-out" in limit:
        n = limit["fan-out"]
        t(f"  computed, not measured: floor with --fan-out-limit {n} = ⌈{count} / {n}⌉ × {latency} ms"
          f" = {math.ceil(count / n) * latency} ms; sequential floor = {count} × {latency} ms = {count * latency} ms")
    if fan:
        verdict = "meets" if statistics.median(fan) < goal else "below"
        t(f"  goal: median warm fan-out call < {goal} ms: {verdict} (informational)")


def main():
    kind, out = sys.argv[1], sys.argv[2]
    if kind == "socket":
        socket_table(out)
    elif kind == "creates":
        creates_table(out)
    elif kind == "dashboard":
        dashboard_table(out, *(int(x) for x in sys.argv[3:6]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
