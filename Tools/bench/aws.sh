#!/usr/bin/env bash
# AWS driver benchmark: CB-Spider's VM scenario (VPC with subnet → security group with rules → key
# pair → VM → status → suspend → resume → terminate → teardown) through spiderd's socket against a
# fresh moto_server, beside the same AWS calls made directly with boto3 against the same moto, in
# the same run, rounds alternating which goes first, moto reset before every run. Prints per step
# and in total the median [min–max] of each and the ratio per round (spiderd ÷ boto3 of the same
# round; goal: median ≤ 1.1×); informational: exits 0 even when below the goal, non-zero only when
# something failed to run. The timing is done in one python3 process (aws_measure.py).
# Raw output (every run's per-step times and AWS requests in rounds.jsonl, moto.log, spiderd.log,
# table.txt) goes to the run folder it names at the end.
#
# Knobs (environment):
#   BENCH_AWS_ROUNDS=7     measured rounds (after 1 warm-up run each); Tools/dev.sh bench uses 15
#   BENCH_AWS_GOAL=1.1     goal: spiderd's median total ≤ this × boto3's
#   SPIDERD=path           spiderd binary (default .build/release/spiderd, then .build-bench's, then .build/debug's)
#   SPIDER_AWS_DRIVER=path libspider-driver-aws.so (default: beside spiderd, else .build/debug's)
#   BENCH_OUT=dir          run folder for raw output (default .build/bench/<UTC time>-aws/)
#   BENCH_KEEP=0           1: keep the temp dir (drivers, data dir) and print its path
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ROUNDS=${BENCH_AWS_ROUNDS:-7}
GOAL=${BENCH_AWS_GOAL:-1.1}
KEEP=${BENCH_KEEP:-0}

say() { printf '%s\n' "$*"; }
warn() { printf 'aws.sh: %s\n' "$*" >&2; }
die() { warn "$*"; exit 1; }

[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "BENCH_AWS_ROUNDS must be a positive integer"
python3 -c 'import moto.server, boto3' 2>/dev/null \
    || die "moto_server and boto3 are needed: python3 -m pip install 'moto[server]==5.2.5'"

# shellcheck source=run-child.sh
. "$HERE/run-child.sh"
bench_spiderd || exit 1

DRIVER=${SPIDER_AWS_DRIVER:-$(dirname "$SPIDERD_BIN")/libspider-driver-aws.so}
if [[ ! -f $DRIVER ]]; then
    warn "WARNING: no AWS driver beside spiderd ($DRIVER); using .build/debug's (build it: swift build -c release)"
    DRIVER=$ROOT/.build/debug/libspider-driver-aws.so
fi
[[ -f $DRIVER ]] || die "no AWS driver at $DRIVER (swift build)"
case $DRIVER in */debug/*) warn "WARNING: a debug build of the AWS driver; its figures are not representative" ;; esac

# ---------- temp dir and cleanup: only the child started here, by PID ----------
# The measuring python process stops its own servers (moto, spiderd, http.server) on TERM.
bench_out aws
bench_temp_dir spider-aws-bench

# ---------- the AWS driver, laid out as the host reads it ----------
MANIFEST=$ROOT/Plugins/AWS/driver.json
version=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$MANIFEST")
mkdir -p "$TMP/drivers/aws/$version"
install -m 0755 "$DRIVER" "$TMP/drivers/aws/$version/"
toolchain=$(. "$ROOT/Tools/swift-toolchain.sh" && use_swift_toolchain && swift --version 2>&1 | sed -n 's/.*Swift version \([0-9][0-9.]*\).*/\1/p' | head -1)
python3 - "$MANIFEST" "$TMP/drivers/aws/$version/driver.json" "$toolchain" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
if sys.argv[3]:
    m["swift_toolchain"] = sys.argv[3]
json.dump(m, open(sys.argv[2], "w"), indent=2)
PY

tsay "spiderd: $SPIDERD_BIN ($BUILD_KIND build); AWS driver: $DRIVER"
tsay "moto $(python3 -c 'import moto; print(moto.__version__)'), boto3 $(python3 -c 'import boto3; print(boto3.__version__)'); $(bench_machine); not pinned"
tsay "connections: one keep-alive connection to spiderd's socket; one boto3 client; moto on 127.0.0.1"
tsay "scenario: VPC+subnet, SG with 3 rules, key pair, VM (t3.micro), status, suspend, resume, terminate, teardown"
tsay "rounds: $ROUNDS (+1 warm-up), alternating which goes first; moto reset before every run; load average before: $(bench_load)"
tsay "figures: median [min–max] over the rounds; ratio per round = spiderd ÷ boto3 of the same round"
mkdir -m 700 "$TMP/run"   # spiderd wants its socket in a private folder
run_child python3 "$HERE/aws_measure.py" --spiderd "$SPIDERD_BIN" --drivers-dir "$TMP/drivers" --scratch "$TMP/run" \
    --out "$OUT" --rounds "$ROUNDS" --goal "$GOAL"
tsay "load average after: $(bench_load)"
