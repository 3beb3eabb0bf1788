#!/usr/bin/env python3
"""The offer-file benchmark's measuring (see offer-file.sh). One python3 http.server on 127.0.0.1
serves a synthetic EC2 offer file; one spiderd with the AWS driver. Every round runs both jobs,
alternating which goes first:

  spiderd   GET /spider/priceinfo/vm/<region> on a connection whose PriceListURL is that server
            (the driver downloads the file to a temporary file and scans it); timed to the answer's
            last byte; peak RSS = VmHWM after writing 5 to /proc/<pid>/clear_refs before the call
  baseline  a fresh python3 child running BASELINE below on the same URL: download with urllib,
            json.load the whole file, then the same selection the driver prices; wall time from
            spawn to exit; peak RSS = that child's ru_maxrss (os.wait4)

Each round's connection names its own URL path (<url>/round-<n>/, a symlink to the same folder),
so the driver's one-hour cache of the offer file never answers a round. Every round goes to
<out>/rounds.jsonl; the table (median [min–max] of time and peak RSS) to stdout and table.txt.
Stops the processes it started (by PID) on exit and on SIGTERM."""
import argparse, json, os, signal, subprocess, sys, time

from bench_support import CHILDREN, Table, UnixHTTP, fig, keep, on_term, ratios, read_rounds, stop_children

# The driver's selection (Plugins/AWS/Sources/Price/EC2PriceList.swift), the same job in plain python:
# the region's Compute Instance products with Shared tenancy, capacity Used, no pre-installed software
# and not bring-your-own-licence, each priced on demand and by its standard no-upfront reserved terms
# (the hourly dimension, in USD). Prints how many prices it built.
BASELINE = r'''
import json, sys, urllib.request
url, region = sys.argv[1], sys.argv[2]
offer = json.load(urllib.request.urlopen(url))
kept = {}
for sku, p in offer["products"].items():
    a = p.get("attributes", {})
    if (p.get("productFamily", "").startswith("Compute Instance") and a.get("regionCode") == region
            and a.get("tenancy") == "Shared" and a.get("capacitystatus", "Used") == "Used"
            and a.get("preInstalledSw", "NA") == "NA" and a.get("licenseModel") != "Bring your own license"
            and a.get("operatingSystem", "NA") != "NA" and "vcpu" in a):
        kept[sku] = a
prices = []
def hourly(term):
    for dim in sorted(term["priceDimensions"].values(), key=lambda d: d["rateCode"]):
        if dim.get("unit") == "Hrs" and "USD" in dim["pricePerUnit"]:
            return dim["pricePerUnit"]["USD"]
for kind in ("OnDemand", "Reserved"):
    for sku, terms in offer["terms"].get(kind, {}).items():
        if sku not in kept:
            continue
        for term in terms.values():
            t = term.get("termAttributes") or {}
            if kind == "Reserved" and not (t.get("PurchaseOption") == "No Upfront" and t.get("OfferingClass", "standard") == "standard"):
                continue
            price = hourly(term)
            if price is not None:
                prices.append((kept[sku]["instanceType"], kept[sku]["operatingSystem"], t.get("LeaseContractLength", "OnDemand"), price))
print(len(prices))
'''


def call(sock, method, path, body=None):
    """One request; returns the answer's bytes (read to the last byte) and stops on a non-200."""
    conn = UnixHTTP(sock, timeout=1800)
    data = json.dumps(body).encode() if body is not None else None
    conn.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
    r = conn.getresponse()
    text = r.read()
    conn.close()
    if r.status != 200:
        sys.exit(f"offer_file_measure.py: {method} {path} answered {r.status}: {text[:500]!r}")
    return text


def status_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def start_server(folder, log):
    proc = subprocess.Popen([sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", folder],
                            stdout=open(log, "w"), stderr=subprocess.STDOUT)
    CHILDREN.append(proc)
    for _ in range(200):
        text = open(log).read()
        if "port " in text:
            return "http://127.0.0.1:" + text.split("port ")[1].split()[0]
        time.sleep(0.05)
    sys.exit("offer_file_measure.py: http.server did not start")


def start_spiderd(args):
    sock = os.path.join(args.scratch, "spider.sock")
    proc = subprocess.Popen([args.spiderd, "--socket", sock, "--data-dir", os.path.join(args.scratch, "data"),
                             "--drivers-dir", args.drivers_dir],
                            stdout=open(os.path.join(args.out, "spiderd.log"), "wb"), stderr=subprocess.STDOUT)
    CHILDREN.append(proc)
    for _ in range(600):
        if proc.poll() is not None:
            sys.exit("offer_file_measure.py: spiderd exited before it was ready (see spiderd.log)")
        try:
            call(sock, "GET", "/spider/readyz")
            return proc, sock
        except OSError:
            time.sleep(0.05)
    sys.exit("offer_file_measure.py: spiderd did not answer /spider/readyz")


def run_spiderd(spiderd, sock, region, conn):
    before = status_kib(spiderd.pid, "VmRSS")
    with open(f"/proc/{spiderd.pid}/clear_refs", "w") as f:
        f.write("5")   # VmHWM back to the current RSS: the peak read after is this request's
    start = time.monotonic()
    text = call(sock, "GET", f"/spider/priceinfo/vm/{region}?ConnectionName={conn}")
    seconds = time.monotonic() - start
    peak = status_kib(spiderd.pid, "VmHWM")
    return {"seconds": seconds, "peak_rss_kib": peak, "rss_before_kib": before,
            "prices": len(json.loads(text).get("PriceList", [])), "answer_bytes": len(text)}


def run_baseline(url, region, scratch):
    out = os.path.join(scratch, "baseline.out")
    start = time.monotonic()
    with open(out, "w") as f:
        proc = subprocess.Popen([sys.executable, "-c", BASELINE, url, region], stdout=f)
        CHILDREN.append(proc)
        _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)   # reaped here: Popen must not wait for it
    CHILDREN.remove(proc)
    if proc.returncode != 0:
        sys.exit(f"offer_file_measure.py: the baseline exited with {proc.returncode}")
    return {"seconds": seconds, "peak_rss_kib": usage.ru_maxrss, "prices": int(open(out).read())}


def register(sock, region, url, n):
    call(sock, "POST", "/spider/region", {"RegionName": f"aws-bench-region-{n}", "ProviderName": "AWS", "KeyValueInfoList": [
        {"Key": "Region", "Value": region}, {"Key": "PriceListURL", "Value": url}]})
    call(sock, "POST", "/spider/connectionconfig", {"ConfigName": f"aws-bench-price-{n}", "ProviderName": "AWS",
                                                    "DriverName": "aws-driver01", "CredentialName": "aws-bench-credential",
                                                    "RegionName": f"aws-bench-region-{n}"})
    return f"aws-bench-price-{n}"


def report(out, size_mib):
    t = Table(out)
    rows = read_rounds(os.path.join(out, "rounds.jsonl"))
    by = {w: [r for r in rows if r["who"] == w] for w in ("baseline", "spiderd")}
    t()
    t(f"offer file: {size_mib:.0f} MiB; prices built per round: spiderd {sorted({r['prices'] for r in by['spiderd']})},"
      f" baseline {sorted({r['prices'] for r in by['baseline']})}")
    t(f"rounds: {len(by['spiderd'])}, alternating which job goes first; figures: median [min–max] over the rounds")
    fmt = "%-44s %24s %24s"
    t(fmt % ("", "seconds", "peak RSS MiB"))
    names = {"baseline": "python3 urlopen + json.load + select", "spiderd": "spiderd price.vm.list (download + scan)"}
    for who in ("baseline", "spiderd"):
        rs = by[who]
        t(fmt % (names[who], fig([r["seconds"] for r in rs], "{:.2f}"), fig([r["peak_rss_kib"] / 1024 for r in rs], "{:.0f}")))
    s = by["spiderd"]
    t(f"  spiderd's RSS before each request: {fig([r['rss_before_kib'] / 1024 for r in s], '{:.0f}')} MiB;"
      f" its peak minus that: {fig([(r['peak_rss_kib'] - r['rss_before_kib']) / 1024 for r in s], '{:.0f}')} MiB")
    base = {r["round"]: r for r in by["baseline"]}
    paired = [(r, base[r["round"]]) for r in s if r["round"] in base]
    t("  spiderd ÷ baseline, ratio per round: time "
      + fig(ratios([a["seconds"] for a, _ in paired], [b["seconds"] for _, b in paired]), "{:.2f}", "×")
      + ", peak RSS " + fig(ratios([a["peak_rss_kib"] for a, _ in paired], [b["peak_rss_kib"] for _, b in paired]), "{:.3f}", "×"))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--spiderd", required=True)
    p.add_argument("--drivers-dir", required=True)
    p.add_argument("--scratch", required=True)
    p.add_argument("--offers", required=True, help="folder holding <region>/index.json")
    p.add_argument("--out", required=True, help="run folder: rounds.jsonl, logs, table.txt")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--region", default="us-east-1")
    args = p.parse_args()
    signal.signal(signal.SIGTERM, on_term)
    size_mib = os.path.getsize(os.path.join(args.offers, args.region, "index.json")) / 2**20
    www = os.path.join(args.scratch, "www")
    os.makedirs(www)
    for n in range(1, args.rounds + 1):
        os.symlink(os.path.abspath(args.offers), os.path.join(www, f"round-{n}"))
    try:
        url = start_server(www, os.path.join(args.out, "http-server.log"))
        spiderd, sock = start_spiderd(args)
        call(sock, "POST", "/spider/driver", {"DriverName": "aws-driver01", "ProviderName": "AWS",
                                              "DriverLibFileName": "libspider-driver-aws.so"})
        call(sock, "POST", "/spider/credential", {"CredentialName": "aws-bench-credential", "ProviderName": "AWS", "KeyValueInfoList": [
            {"Key": "ClientId", "Value": "AKIDSPIDERBENCH"}, {"Key": "ClientSecret", "Value": "bench-secret"}]})
        for n in range(1, args.rounds + 1):
            base = f"{url}/round-{n}"
            conn = register(sock, args.region, base, n)
            order = ["spiderd", "baseline"] if n % 2 else ["baseline", "spiderd"]
            for who in order:
                print(f"round {n}/{args.rounds}: {who} ...", flush=True)
                r = (run_spiderd(spiderd, sock, args.region, conn) if who == "spiderd"
                     else run_baseline(f"{base}/{args.region}/index.json", args.region, args.scratch))
                keep(args.out, {"round": n, "who": who, "first": who == order[0], "url": base, **r})
    finally:
        stop_children()
    report(args.out, size_mib)


if __name__ == "__main__":
    main()
