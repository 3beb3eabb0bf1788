#!/usr/bin/env bash
# Dashboard fan-out benchmark: spiderd with N Mock connections whose clouds each answer after
# an injected delay, timing `GET /spider/dashboard?live=true` (every connection's live counts in
# one call). Asked one after another, the clouds would take N × delay; the goal is that the
# bounded fan-out answers in under BENCH_DASH_GOAL_MS.
# Informational like run.sh: prints figures and "meets"/"below", exits 0 even when below the goal;
# non-zero only when something failed to run or a connection answered with an error.
#
# Knobs (environment):
#   BENCH_DASH_CONNECTIONS=100   Mock connections
#   BENCH_DASH_LATENCY_MS=100    MockLatencyMs of every connection
#   BENCH_DASH_ROUNDS=5          timed dashboard calls after the first (which opens the connections)
#   BENCH_DASH_GOAL_MS=500       goal for the median call
#   SPIDERD=path, SPIDER_DRIVERS_DIR=dir, SPIDERD_ARGS, BENCH_KEEP, BENCH_START_TIMEOUT: as in run.sh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

COUNT=${BENCH_DASH_CONNECTIONS:-100}
LATENCY=${BENCH_DASH_LATENCY_MS:-100}
ROUNDS=${BENCH_DASH_ROUNDS:-5}
GOAL=${BENCH_DASH_GOAL_MS:-500}
KEEP=${BENCH_KEEP:-0}
START_TIMEOUT=${BENCH_START_TIMEOUT:-60}

say() { printf '%s\n' "$*"; }
warn() { printf 'dashboard.sh: %s\n' "$*" >&2; }
die() { warn "$*"; exit 1; }

for tool in curl python3; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done
for n in "$COUNT" "$LATENCY" "$ROUNDS" "$GOAL"; do
    [[ $n =~ ^[0-9]+$ ]] || die "knobs must be non-negative integers (got '$n')"
done

# ---------- temp dir and cleanup: only the processes started here, by PID ----------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/spider-dashboard.XXXXXX")
chmod 700 "$TMP"
SPIDERD_PID=
cleanup() {
    local rc=$?
    if [[ -n $SPIDERD_PID ]] && kill -0 "$SPIDERD_PID" 2>/dev/null; then
        kill -TERM "$SPIDERD_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$SPIDERD_PID" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$SPIDERD_PID" 2>/dev/null && kill -KILL "$SPIDERD_PID" 2>/dev/null || true
    fi
    if [[ $KEEP == 1 ]]; then say "kept $TMP"; else rm -rf "$TMP"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------- spiderd and the Mock driver (same choices as run.sh) ----------
SPIDERD_BIN=${SPIDERD:-}
if [[ -z $SPIDERD_BIN ]]; then
    for candidate in "$ROOT/.build/release/spiderd" "$ROOT/.build-bench/release/spiderd" "$ROOT/.build/debug/spiderd"; do
        if [[ -x $candidate ]]; then SPIDERD_BIN=$candidate; break; fi
    done
fi
[[ -n $SPIDERD_BIN && -x $SPIDERD_BIN ]] || die "no spiderd found (set SPIDERD, or build it: swift build -c release)"
say "spiderd: $SPIDERD_BIN"
DRIVERS=${SPIDER_DRIVERS_DIR:-}
if [[ -z $DRIVERS ]]; then
    DRIVERS=$TMP/drivers
    bash "$ROOT/Tools/stage-drivers.sh" "$DRIVERS" "$(dirname "$SPIDERD_BIN")" >"$TMP/stage-drivers.log" 2>&1 \
        || bash "$ROOT/Tools/stage-drivers.sh" "$DRIVERS" >>"$TMP/stage-drivers.log" 2>&1 \
        || { tail -n 30 "$TMP/stage-drivers.log" >&2; die "Tools/stage-drivers.sh failed"; }
fi

SOCK=$TMP/spider.sock
mkdir -m 700 -p "$TMP/data"
# shellcheck disable=SC2086  # SPIDERD_ARGS is a list of extra flags
"$SPIDERD_BIN" --socket "$SOCK" --data-dir "$TMP/data" --drivers-dir "$DRIVERS" ${SPIDERD_ARGS:-} >"$TMP/spiderd.log" 2>&1 &
SPIDERD_PID=$!
end=$((SECONDS + START_TIMEOUT))
until [[ -S $SOCK ]] && [[ $(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$SOCK" http://localhost/spider/readyz || true) == 200 ]]; do
    kill -0 "$SPIDERD_PID" 2>/dev/null || { tail -n 30 "$TMP/spiderd.log" >&2; die "spiderd exited"; }
    ((SECONDS < end)) || { tail -n 30 "$TMP/spiderd.log" >&2; die "spiderd not ready in ${START_TIMEOUT}s"; }
    sleep 0.1
done

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
# Prints the call's wall time in ms; fails when an entry has an Error or entries are missing.
dashboard() {
    local t
    t=$(curl -s -o "$TMP/dashboard.json" -w '%{time_total}' --unix-socket "$SOCK" "http://localhost/spider/dashboard?live=true")
    python3 - "$TMP/dashboard.json" "$COUNT" "$t" <<'PY'
import json, sys
body = json.load(open(sys.argv[1]))
entries = body.get("Connections", [])
bad = [e["ConnectionName"] + ": " + e["Error"] for e in entries if e.get("Error")]
if len(entries) != int(sys.argv[2]) or bad:
    sys.exit(f"dashboard: {len(entries)} entries, errors: {bad[:5]}")
print(round(float(sys.argv[3]) * 1000))
PY
}
first=$(dashboard)
times=()
for _ in $(seq "$ROUNDS"); do times+=("$(dashboard)"); done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}')
sequential=$((COUNT * LATENCY))
verdict=below
((median < GOAL)) && verdict=meets
say ""
say "GET /spider/dashboard?live=true over $COUNT connections, ${LATENCY} ms per cloud call"
printf '  %-34s %8s ms\n' "first call (opens connections)" "$first"
printf '  %-34s %8s ms   (%s)\n' "median of $ROUNDS" "$median" "${times[*]}"
printf '  %-34s %8s ms\n' "a sequential walk would take" "$sequential"
printf '  %-34s %8s ms   %s\n' "goal" "< $GOAL" "$verdict"
