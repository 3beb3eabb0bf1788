#!/usr/bin/env python3
"""The offer-file benchmark's measuring (see offer-file.sh): python3's json.load of a synthetic EC2
offer file (the baseline: one whole tree), then one spiderd with the AWS driver answering
GET /spider/priceinfo/vm/<region> for a connection whose PriceListURL is python3's http.server on
127.0.0.1 serving that file. Prints wall time and peak resident memory of each; never judges.
Stops the processes it started (by PID) on exit and on SIGTERM."""
import argparse, json, os, resource, signal, subprocess, sys, time

from bench_support import CHILDREN, UnixHTTP, on_term, stop_children

def call(sock, method, path, body=None):
    conn = UnixHTTP(sock, timeout=1800)
    data = json.dumps(body).encode() if body is not None else None
    conn.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
    r = conn.getresponse()
    text = r.read()
    conn.close()
    if r.status != 200:
        sys.exit(f"offer_file_measure.py: {method} {path} answered {r.status}: {text[:500]!r}")
    return json.loads(text) if text else {}


def status_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def baseline(path):
    """python3 -c json.load in a child: wall seconds and its peak RSS (the only child reaped so far)."""
    start = time.monotonic()
    subprocess.run([sys.executable, "-c", "import json, sys; json.load(open(sys.argv[1], 'rb'))", path], check=True)
    return time.monotonic() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def start_server(folder, scratch):
    log = os.path.join(scratch, "http.log")
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
                            stdout=open(os.path.join(args.scratch, "spiderd.log"), "wb"), stderr=subprocess.STDOUT)
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


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--spiderd", required=True)
    p.add_argument("--drivers-dir", required=True)
    p.add_argument("--scratch", required=True)
    p.add_argument("--offers", required=True, help="folder holding <region>/index.json")
    p.add_argument("--region", default="us-east-1")
    args = p.parse_args()
    signal.signal(signal.SIGTERM, on_term)
    file = os.path.join(args.offers, args.region, "index.json")
    size_mib = os.path.getsize(file) / 2**20
    try:
        json_seconds, json_peak_kib = baseline(file)
        url = start_server(args.offers, args.scratch)
        spiderd, sock = start_spiderd(args)
        call(sock, "POST", "/spider/driver", {"DriverName": "aws-driver01", "ProviderName": "AWS",
                                              "DriverLibFileName": "libspider-driver-aws.so"})
        call(sock, "POST", "/spider/credential", {"CredentialName": "aws-bench-credential", "ProviderName": "AWS", "KeyValueInfoList": [
            {"Key": "ClientId", "Value": "AKIDSPIDERBENCH"}, {"Key": "ClientSecret", "Value": "bench-secret"}]})
        call(sock, "POST", "/spider/region", {"RegionName": "aws-bench-region", "ProviderName": "AWS", "KeyValueInfoList": [
            {"Key": "Region", "Value": args.region}, {"Key": "PriceListURL", "Value": url}]})
        call(sock, "POST", "/spider/connectionconfig", {"ConfigName": "aws-bench-price", "ProviderName": "AWS",
                                                        "DriverName": "aws-driver01", "CredentialName": "aws-bench-credential",
                                                        "RegionName": "aws-bench-region"})
        before_kib = status_kib(spiderd.pid, "VmRSS")
        with open(f"/proc/{spiderd.pid}/clear_refs", "w") as f:
            f.write("5")   # VmHWM back to the current RSS: the peak below is this request's
        start = time.monotonic()
        prices = call(sock, "GET", f"/spider/priceinfo/vm/{args.region}?ConnectionName=aws-bench-price")
        spider_seconds = time.monotonic() - start
        peak_kib = status_kib(spiderd.pid, "VmHWM")
    finally:
        stop_children()

    print(f"offer file: {size_mib:.0f} MiB; {len(prices.get('PriceList', []))} prices in {args.region}")
    print(f"{'':34} {'seconds':>8} {'peak RSS MiB':>13}")
    print(f"{'python3 json.load (baseline)':34} {json_seconds:8.2f} {json_peak_kib / 1024:13.0f}")
    print(f"{'spiderd price.vm.list (download+scan)':34} {spider_seconds:8.2f} {peak_kib / 1024:13.0f}"
          f"   (+{(peak_kib - before_kib) / 1024:.0f} MiB over spiderd's {before_kib / 1024:.0f} MiB before)")


if __name__ == "__main__":
    main()
