#!/usr/bin/env bash
# AWS price list at AWS's scale: a synthetic EC2 offer file (Tests/AWSDriverTests/Fixtures/price/
# synthetic_offer.py, ~245 MiB by default) served by python3's http.server on 127.0.0.1, priced by
# spiderd with the AWS driver (GET /spider/priceinfo/vm/<region>: download to a temporary file and
# scan), beside the same job in a fresh python3 child as the baseline: download the same URL from
# the same server, json.load it, and build the same prices (offer_file_measure.py says exactly how).
# Rounds alternate which goes first. Prints wall time and peak resident memory of each, median
# [min–max] over the rounds, and their ratio per round; informational, exits 0 when it ran.
# Raw output (every round in rounds.jsonl, spiderd.log, http-server.log, table.txt) goes to the
# run folder it names at the end.
#
# Knobs (environment):
#   BENCH_OFFER_TYPES=200  instance types in the file (81 listings of ~14 KB each per type)
#   BENCH_OFFER_ROUNDS=3   rounds (each: one spiderd request and one baseline child)
#   SPIDERD=path           spiderd binary (default .build/release/spiderd, then .build-bench's, then .build/debug's)
#   SPIDER_AWS_DRIVER=path libspider-driver-aws.so (default: beside spiderd, else .build/debug's)
#   BENCH_OUT=dir          run folder for raw output (default .build/bench/<UTC time>-offer-file/)
#   BENCH_KEEP=0           1: keep the temp dir (the file, the data dir) and print its path
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TYPES=${BENCH_OFFER_TYPES:-200}
ROUNDS=${BENCH_OFFER_ROUNDS:-3}
KEEP=${BENCH_KEEP:-0}

warn() { printf 'offer-file.sh: %s\n' "$*" >&2; }
die() { warn "$*"; exit 1; }
[[ $TYPES =~ ^[1-9][0-9]*$ ]] || die "BENCH_OFFER_TYPES must be a positive integer"
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "BENCH_OFFER_ROUNDS must be a positive integer"

# shellcheck source=run-child.sh
. "$HERE/run-child.sh"
bench_spiderd || exit 1
DRIVER=${SPIDER_AWS_DRIVER:-$(dirname "$SPIDERD_BIN")/libspider-driver-aws.so}
[[ -f $DRIVER ]] || DRIVER=$ROOT/.build/debug/libspider-driver-aws.so
[[ -f $DRIVER ]] || die "no AWS driver at $DRIVER (swift build)"
case "$SPIDERD_BIN $DRIVER" in *debug*) warn "WARNING: a debug build; its times are not representative" ;; esac

bench_out offer-file
bench_temp_dir spider-offer-bench

MANIFEST=$ROOT/Plugins/AWS/driver.json
version=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$MANIFEST")
mkdir -p "$TMP/drivers/aws/$version" "$TMP/offers/us-east-1"
install -m 0755 "$DRIVER" "$TMP/drivers/aws/$version/"
toolchain=$(. "$ROOT/Tools/swift-toolchain.sh" && use_swift_toolchain && swift --version 2>&1 | sed -n 's/.*Swift version \([0-9][0-9.]*\).*/\1/p' | head -1)
python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))
if sys.argv[3]: m["swift_toolchain"] = sys.argv[3]
json.dump(m, open(sys.argv[2], "w"), indent=2)' "$MANIFEST" "$TMP/drivers/aws/$version/driver.json" "$toolchain"

python3 "$ROOT/Tests/AWSDriverTests/Fixtures/price/synthetic_offer.py" "$TMP/offers/us-east-1/index.json" "$TYPES"
tsay "spiderd: $SPIDERD_BIN ($BUILD_KIND build); AWS driver: $DRIVER"
tsay "$(bench_machine); not pinned; one request at a time, over loopback HTTP from python3 -m http.server."
tsay "Load average before: $(bench_load)."
tsay "Baseline: a fresh python3 per round: urllib download of the same URL, json.load, the driver's selection"
tsay "(Compute Instance, Shared, capacity Used, no pre-installed software, not BYOL; OnDemand + standard no-upfront"
tsay "Reserved, hourly USD). Time: spawn to exit (baseline), request to the answer's last byte (spiderd). Peak RSS:"
tsay "the child's ru_maxrss (baseline), VmHWM after writing 5 to clear_refs before the request (spiderd)."
mkdir -m 700 "$TMP/run"   # spiderd wants its socket in a private folder
run_child python3 "$HERE/offer_file_measure.py" --spiderd "$SPIDERD_BIN" --drivers-dir "$TMP/drivers" \
    --scratch "$TMP/run" --offers "$TMP/offers" --out "$OUT" --rounds "$ROUNDS"
tsay "Load average after: $(bench_load)."
