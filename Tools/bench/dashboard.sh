#!/usr/bin/env bash
# Dashboard fan-out benchmark: spiderd with N Mock connections whose clouds each answer after
# an injected delay, timing `GET /spider/dashboard?live=true` (every connection's live counts in
# one call). The baseline is measured in the same run: after the fan-out rounds the same spiderd
# binary is restarted on the same data folder with --fan-out-limit 1 (the connections asked one
# after another) and the same call is timed again. The goal is that the bounded fan-out answers
# in under BENCH_DASH_GOAL_MS. Figures: median [min–max] of the warm calls of each phase; the
# phases cannot alternate (each needs its own host on the data folder), so their ratio is that of
# the two medians. The ⌈N / limit⌉ × latency floor is printed too, labelled as computed.
# Informational like run.sh: prints figures and "meets"/"below", exits 0 even when below the goal;
# non-zero only when something failed to run or a connection answered with an error.
# Raw output (every call in rounds.jsonl, both spiderd logs, table.txt) goes to the run folder it
# names at the end.
#
# Knobs (environment):
#   BENCH_DASH_CONNECTIONS=100   Mock connections
#   BENCH_DASH_LATENCY_MS=100    MockLatencyMs of every connection
#   BENCH_DASH_FAN_OUT_LIMIT=32  spiderd's --fan-out-limit for the fan-out phase (spiderd's default)
#   BENCH_DASH_ROUNDS=5          timed fan-out calls after the first (which opens the connections)
#   BENCH_DASH_SEQ_ROUNDS=3      timed calls with --fan-out-limit 1 after its first; each takes
#                                about connections × latency (10 s with the defaults)
#   BENCH_DASH_GOAL_MS=500       goal for the median fan-out call
#   BENCH_OUT=dir                run folder for raw output (default .build/bench/<UTC time>-dashboard/)
#   SPIDERD=path, SPIDER_DRIVERS_DIR=dir, SPIDERD_ARGS, BENCH_KEEP, BENCH_START_TIMEOUT: as in run.sh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

COUNT=${BENCH_DASH_CONNECTIONS:-100}
LATENCY=${BENCH_DASH_LATENCY_MS:-100}
LIMIT=${BENCH_DASH_FAN_OUT_LIMIT:-32}
ROUNDS=${BENCH_DASH_ROUNDS:-5}
SEQ_ROUNDS=${BENCH_DASH_SEQ_ROUNDS:-3}
GOAL=${BENCH_DASH_GOAL_MS:-500}
KEEP=${BENCH_KEEP:-0}
START_TIMEOUT=${BENCH_START_TIMEOUT:-60}

say() { printf '%s\n' "$*"; }
warn() { printf 'dashboard.sh: %s\n' "$*" >&2; }
die() { warn "$*"; exit 1; }

for tool in curl python3; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done
for n in "$COUNT" "$LATENCY" "$LIMIT" "$ROUNDS" "$SEQ_ROUNDS" "$GOAL"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || die "knobs must be positive integers (got '$n')"
done

# ---------- temp dir, run folder and cleanup: only the processes started here, by PID ----------
# shellcheck source=run-child.sh
. "$HERE/run-child.sh"
bench_spiderd || exit 1
bench_out dashboard
TMP=$(mktemp -d "${TMPDIR:-/tmp}/spider-dashboard.XXXXXX")
chmod 700 "$TMP"
SPIDERD_PID=
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
    local rc=$?
    stop_child
    if [[ -n $SPIDERD_PID ]]; then stop_pid "$SPIDERD_PID"; fi
    if [[ $KEEP == 1 ]]; then say "kept $TMP"; else rm -rf "$TMP"; fi
    say "raw output: $OUT"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------- spiderd and the Mock driver (same choices as run.sh) ----------
say "spiderd: $SPIDERD_BIN ($BUILD_KIND build)"
DRIVERS=${SPIDER_DRIVERS_DIR:-}
if [[ -z $DRIVERS ]]; then
    DRIVERS=$TMP/drivers
    bash "$ROOT/Tools/stage-drivers.sh" "$DRIVERS" "$(dirname "$SPIDERD_BIN")" >"$OUT/stage-drivers.log" 2>&1 \
        || bash "$ROOT/Tools/stage-drivers.sh" "$DRIVERS" >>"$OUT/stage-drivers.log" 2>&1 \
        || { tail -n 30 "$OUT/stage-drivers.log" >&2; die "Tools/stage-drivers.sh failed"; }
fi

SOCK=$TMP/spider.sock
mkdir -m 700 "$TMP/data"
# start_spiderd <fan-out limit> <log>: one host on the data folder, waited for until ready.
start_spiderd() {
    # shellcheck disable=SC2086  # SPIDERD_ARGS is a list of extra flags
    "$SPIDERD_BIN" --socket "$SOCK" --data-dir "$TMP/data" --drivers-dir "$DRIVERS" --fan-out-limit "$1" \
        ${SPIDERD_ARGS:-} >"$2" 2>&1 &
    SPIDERD_PID=$!
    wait_ready spiderd "$SPIDERD_PID" "$SOCK" /spider/readyz "$START_TIMEOUT" "$2" || exit 1
}
start_spiderd "$LIMIT" "$OUT/spiderd.log"

api() { # method path json
    local code
    code=$(curl -s -o "$TMP/answer" -w '%{http_code}' --unix-socket "$SOCK" -X "$1" -H 'Content-Type: application/json' \
        --data "$3" "http://localhost/spider$2")
    [[ $code == 2* ]] || { warn "$1 $2 answered $code: $(cat "$TMP/answer")"; exit 1; }
}

# ---------- N connections, each its own Mock tenant behind a slow cloud ----------
say "registering $COUNT Mock connections with MockLatencyMs=$LATENCY"
api POST /driver '{"DriverName":"mock-driver01","ProviderName":"MOCK","DriverLibFileName":"libspider-driver-mock.so"}'
api POST /region '{"RegionName":"mock-region01","ProviderName":"MOCK","KeyValueInfoList":[{"Key":"Region","Value":"default"}]}'
for i in $(seq -w 1 "$COUNT"); do
    api POST /credential "{\"CredentialName\":\"mock-credential$i\",\"ProviderName\":\"MOCK\",\"KeyValueInfoList\":[{\"Key\":\"MockName\",\"Value\":\"dash$i\"},{\"Key\":\"MockLatencyMs\",\"Value\":\"$LATENCY\"}]}"
    api POST /connectionconfig "{\"ConfigName\":\"mock-config$i\",\"ProviderName\":\"MOCK\",\"DriverName\":\"mock-driver01\",\"CredentialName\":\"mock-credential$i\",\"RegionName\":\"mock-region01\"}"
done

# ---------- measure ----------
: >"$OUT/rounds.jsonl"
# dashboard <phase> <limit> <call> <round>: one timed call, kept as a line of rounds.jsonl; fails
# when an entry has an Error or entries are missing. curl runs as a waited-for child, so a signal
# ends the script at once, not after a 10 s call.
dashboard() {
    local t
    run_child_out "$TMP/time" curl -s -o "$TMP/dashboard.json" -w '%{time_total}' --unix-socket "$SOCK" \
        "http://localhost/spider/dashboard?live=true"
    t=$(cat "$TMP/time")
    python3 - "$TMP/dashboard.json" "$COUNT" "$t" "$@" >>"$OUT/rounds.jsonl" <<'PY'
import json, sys
path, count, seconds, phase, limit, call, rnd = sys.argv[1:]
body = json.load(open(path))
entries = body.get("Connections", [])
bad = [e["ConnectionName"] + ": " + e["Error"] for e in entries if e.get("Error")]
if len(entries) != int(count) or bad:
    sys.exit(f"dashboard: {len(entries)} entries, errors: {bad[:5]}")
print(json.dumps({"phase": phase, "fan_out_limit": int(limit), "call": call, "round": int(rnd),
                  "ms": round(float(seconds) * 1000, 1), "entries": len(entries)}))
PY
}
LOAD_BEFORE=$(bench_load)
say "fan-out (--fan-out-limit $LIMIT): first call + $ROUNDS timed calls ..."
dashboard fan-out "$LIMIT" first 0
for r in $(seq "$ROUNDS"); do dashboard fan-out "$LIMIT" warm "$r"; done

# The baseline: the same host on the same data folder, one driver call at a time. The first host
# must have exited before the second opens the folder.
stop_pid "$SPIDERD_PID"
SPIDERD_PID=
start_spiderd 1 "$OUT/spiderd-sequential.log"
say "sequential (--fan-out-limit 1): first call + $SEQ_ROUNDS timed calls, ~$((COUNT * LATENCY)) ms each ..."
dashboard sequential 1 first 0
for r in $(seq "$SEQ_ROUNDS"); do dashboard sequential 1 warm "$r"; done
LOAD_AFTER=$(bench_load)

# ---------- the table (also in table.txt) ----------
say ""
tsay "GET /spider/dashboard?live=true over $COUNT Mock connections (one resource.count call each), ${LATENCY} ms per cloud call."
tsay "spiderd: $SPIDERD_BIN ($BUILD_KIND build)${SPIDERD_ARGS:+, flags: $SPIDERD_ARGS}; one call at a time from curl."
tsay "$(bench_machine); not pinned. Load average before/after: $LOAD_BEFORE / $LOAD_AFTER."
tsay "Rounds: $ROUNDS warm calls with --fan-out-limit $LIMIT, then $SEQ_ROUNDS with --fan-out-limit 1 (same binary and data"
tsay "folder, restarted), each phase after one first call that opens the connections. Times: median [min–max]."
python3 "$HERE/tables.py" dashboard "$OUT" "$COUNT" "$LATENCY" "$GOAL"
