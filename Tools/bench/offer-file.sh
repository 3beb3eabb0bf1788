#!/usr/bin/env bash
# AWS price list at AWS's scale: a synthetic EC2 offer file (Tests/AWSDriverTests/Fixtures/price/
# synthetic_offer.py, ~245 MiB by default) served by python3's http.server on 127.0.0.1, priced by
# spiderd with the AWS driver (GET /spider/priceinfo/vm/<region>: download to a temporary file and
# scan), beside `python3 -c json.load` of the same file as a baseline. Prints wall time and peak
# resident memory of each (spiderd's peak taken for that one request); informational, exits 0.
#
# Knobs (environment):
#   BENCH_OFFER_TYPES=200  instance types in the file (81 listings of ~14 KB each per type)
#   SPIDERD=path           spiderd binary (default .build/release/spiderd, then .build/debug/spiderd)
#   SPIDER_AWS_DRIVER=path libspider-driver-aws.so (default: beside spiderd, else .build/debug's)
#   BENCH_KEEP=0           1: keep the temp dir (the file, spiderd's log) and print its path
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TYPES=${BENCH_OFFER_TYPES:-200}
KEEP=${BENCH_KEEP:-0}

warn() { printf 'offer-file.sh: %s\n' "$*" >&2; }
die() { warn "$*"; exit 1; }
[[ $TYPES =~ ^[1-9][0-9]*$ ]] || die "BENCH_OFFER_TYPES must be a positive integer"

. "$HERE/run-child.sh"
bench_spiderd || exit 1
DRIVER=${SPIDER_AWS_DRIVER:-$(dirname "$SPIDERD_BIN")/libspider-driver-aws.so}
[[ -f $DRIVER ]] || DRIVER=$ROOT/.build/debug/libspider-driver-aws.so
[[ -f $DRIVER ]] || die "no AWS driver at $DRIVER (swift build)"
case "$SPIDERD_BIN $DRIVER" in *debug*) warn "WARNING: a debug build; its times are not representative" ;; esac

bench_temp_dir spider-offer-bench

MANIFEST=$ROOT/Plugins/AWS/driver.json
version=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$MANIFEST")
mkdir -p "$TMP/drivers/aws/$version" "$TMP/offers/us-east-1"
install -m 0755 "$DRIVER" "$TMP/drivers/aws/$version/"
toolchain=$(swift --version 2>&1 | sed -n 's/.*Swift version \([0-9][0-9.]*\).*/\1/p' | head -1)
python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))
if sys.argv[3]: m["swift_toolchain"] = sys.argv[3]
json.dump(m, open(sys.argv[2], "w"), indent=2)' "$MANIFEST" "$TMP/drivers/aws/$version/driver.json" "$toolchain"

printf 'spiderd: %s\nAWS driver: %s\n%s CPUs; load before: %s\n' "$SPIDERD_BIN" "$DRIVER" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$ROOT/Tests/AWSDriverTests/Fixtures/price/synthetic_offer.py" "$TMP/offers/us-east-1/index.json" "$TYPES"
mkdir -m 700 "$TMP/run"   # spiderd wants its socket in a private folder
run_child python3 "$HERE/offer_file_measure.py" --spiderd "$SPIDERD_BIN" --drivers-dir "$TMP/drivers" \
    --scratch "$TMP/run" --offers "$TMP/offers"
