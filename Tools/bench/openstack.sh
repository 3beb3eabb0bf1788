#!/usr/bin/env bash
# OpenStack driver benchmark: CB-Spider's VM scenario (VPC with subnet → security group with rules →
# key pair → VM with a floating IP → status → suspend → resume → terminate → teardown) through
# spiderd's socket against the test OpenStack (Tools/openstack, started if it is not running),
# beside the same work done directly with openstacksdk as the same non-admin user, in the same run,
# rounds alternating which goes first. Both reach OpenStack through one counting HTTP proxy, so each
# step's requests are counted per service and method on both sides. Prints per step and in total
# the median [min–max] of each and the ratio per round (spiderd ÷ openstacksdk of the same round;
# goal: median ≤ 1.1×); informational: exits 0 below the goal, non-zero only when something failed
# to run. The timing is done in one python3 process (openstack_measure.py).
# Raw output (rounds.jsonl with every run's per-step times and requests, spiderd.log, table.txt)
# goes to the run folder it names at the end.
#
# Knobs (environment):
#   BENCH_OPENSTACK_ROUNDS=5   measured rounds (after 1 warm-up run each)
#   BENCH_OPENSTACK_GOAL=1.1   goal: spiderd's median total ≤ this × openstacksdk's
#   SPIDERD=path               spiderd binary (default .build/release/spiderd, then .build/debug's)
#   SPIDER_DRIVERS_DIR=dir     staged drivers (Tools/stage-drivers.sh) holding openstack/<version>/
#   BENCH_OUT=dir              run folder for raw output (default .build/bench/<UTC time>-openstack/)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ROUNDS=${BENCH_OPENSTACK_ROUNDS:-5}
GOAL=${BENCH_OPENSTACK_GOAL:-1.1}
KEEP=${BENCH_KEEP:-0}

warn() { printf 'openstack.sh: %s\n' "$*" >&2; }
die() { warn "$*"; exit 1; }

[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "BENCH_OPENSTACK_ROUNDS must be a positive integer"
/usr/bin/python3 -c 'import openstack' 2>/dev/null || die "openstacksdk is needed: Tools/openstack/install.sh"
"$ROOT/Tools/openstack/start.sh" >/dev/null || die "the test OpenStack did not start (Tools/openstack/README.md)"

# shellcheck source=run-child.sh
. "$HERE/run-child.sh"
bench_spiderd || exit 1
bench_out openstack
bench_temp_dir spider-openstack-bench
DRIVERS=${SPIDER_DRIVERS_DIR:-}
if [[ -z $DRIVERS ]]; then   # the drivers built beside spiderd, laid out as the host reads them
    DRIVERS=$TMP/drivers
    "$ROOT/Tools/stage-drivers.sh" "$DRIVERS" "$(dirname "$SPIDERD_BIN")" >/dev/null
fi
[[ -d $DRIVERS/openstack ]] || die "no OpenStack driver in $DRIVERS (Tools/stage-drivers.sh)"

tsay "spiderd: $SPIDERD_BIN ($BUILD_KIND build); drivers: $DRIVERS"
tsay "OpenStack: Tools/openstack (Zed, fake hypervisor and volume driver); openstacksdk $(/usr/bin/python3 -c 'import openstack.version as v; print(v.__version__)'); $(bench_machine); not pinned"
tsay "connections: one keep-alive connection to spiderd's socket; one openstacksdk connection; both through one counting proxy on 127.0.0.1"
tsay "scenario: VPC+subnet+router, SG with 3 rules, key pair, VM (m1.tiny) + floating IP, status, suspend, resume, terminate, teardown"
tsay "rounds: $ROUNDS (+1 warm-up), alternating which goes first; load average before: $(bench_load)"
tsay "figures: median [min–max] over the rounds; ratio per round = spiderd ÷ openstacksdk of the same round"
mkdir -m 700 "$TMP/run"
run_child /usr/bin/python3 "$HERE/openstack_measure.py" --spiderd "$SPIDERD_BIN" --drivers-dir "$DRIVERS" --scratch "$TMP/run" \
    --out "$OUT" --rounds "$ROUNDS" --goal "$GOAL"
tsay "load average after: $(bench_load)"
tsay "raw output: $OUT"
