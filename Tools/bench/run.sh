#!/usr/bin/env bash
# HTTP-over-Unix-socket benchmark: spiderd (`/spider/readyz` and a Mock-driver VPC GET) beside
# nginx answering a small JSON, all measured in the same run with Tools/bench/spider-load.c.
# Targets alternate within every round; each figure is the median [min–max] over the rounds, and
# spiderd's share of nginx is computed per round (same round's two req/s), then summarised alike.
# Informational: prints figures and a "meets"/"below" column against the goals, and exits 0 even
# when below a goal. Exits non-zero only when something failed to run or a request failed.
# Raw output (every round's spider-load JSON line in rounds.jsonl, spiderd.log, nginx-error.log,
# h2load logs, table.txt) goes to the run folder it names at the end.
#
# Knobs (environment):
#   BENCH_SECONDS=10         measured seconds per target
#   BENCH_WARMUP=2           warm-up seconds per target (not measured)
#   BENCH_CONNECTIONS=4      keep-alive connections
#   BENCH_FULL=0             1: also measure at 16 and 64 connections
#   BENCH_THREADS=1          spider-load threads
#   BENCH_NGINX_WORKERS=1    nginx worker_processes (a number or "auto")
#   BENCH_ROUNDS=5           rounds per target (targets alternate within a round)
#   BENCH_PIN=1              1: servers on CPU 0, load generator on CPU 1 (taskset);
#                            0: let the scheduler place them (bimodal at few connections)
#   BENCH_H2LOAD=1           0: skip the h2load cross-check (done only if h2load is installed)
#   SPIDERD=path             spiderd binary (default .build/release/spiderd, then
#                            .build-bench/release/spiderd, then .build/debug/spiderd)
#   SPIDER_DRIVERS_DIR=dir   staged drivers (<name>/<version>/driver.json + .so); default: run
#                            Tools/stage-drivers.sh into the temp dir if that script exists
#   BENCH_OUT=dir            run folder for raw output (default .build/bench/<UTC time>-run/)
#   BENCH_KEEP=0             1: keep the temp dir (configs, sockets) and print its path
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

DURATION=${BENCH_SECONDS:-10}
WARMUP=${BENCH_WARMUP:-2}
CONNS=${BENCH_CONNECTIONS:-4}
FULL=${BENCH_FULL:-0}
THREADS=${BENCH_THREADS:-1}
NGINX_WORKERS=${BENCH_NGINX_WORKERS:-1}
ROUNDS=${BENCH_ROUNDS:-5}
PIN=${BENCH_PIN:-1}
H2LOAD=${BENCH_H2LOAD:-1}
KEEP=${BENCH_KEEP:-0}
START_TIMEOUT=${BENCH_START_TIMEOUT:-60}

READYZ=/spider/readyz
VPC_PATH="/spider/vpc/vpc-01?ConnectionName=mock-config01"
# About the size of a CB-Spider VPCInfo answer for one VPC with one subnet.
NGINX_BODY='{"IId":{"NameId":"vpc-01","SystemId":"vpc-01"},"IPv4_CIDR":"192.168.0.0/16","SubnetInfoList":[{"IId":{"NameId":"subnet-01","SystemId":"subnet-01"},"Zone":"","IPv4_CIDR":"192.168.1.0/24","TagList":null,"KeyValueList":null}],"TagList":null,"KeyValueList":null}'

say() { printf '%s\n' "$*"; }
warn() { printf 'run.sh: %s\n' "$*" >&2; }
die() { warn "$*"; exit 1; }

for tool in gcc curl nginx; do
    command -v "$tool" >/dev/null || die "$tool is not installed (apt-get install gcc curl nginx-light)"
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS must be a positive integer"
if [[ $PIN == 1 ]] && { ! command -v taskset >/dev/null || [[ $(nproc) -lt 2 ]]; }; then
    warn "cannot pin (needs taskset and 2 CPUs); the scheduler will place client and servers"
    PIN=0
fi
if [[ $PIN == 1 ]]; then
    SERVER_CPU=(taskset -c 0)
    CLIENT_CPU=(taskset -c 1)
else
    SERVER_CPU=()
    CLIENT_CPU=()
fi

# ---------- temp dir and cleanup: only the processes started here, by PID ----------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/spider-bench.XXXXXX")
chmod 700 "$TMP"
NGINX_PID=
SPIDERD_PID=
SPIDERD2_PID=
CHILD_PID=      # the load generator or helper running right now
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
    local rc=$?
    for pid in $CHILD_PID $SPIDERD_PID $SPIDERD2_PID $NGINX_PID; do stop_pid "$pid"; done
    if [[ $KEEP == 1 ]]; then
        say "kept $TMP"
    else
        rm -rf "$TMP"
    fi
    say "raw output: $OUT"
    exit "$rc"
}
# shellcheck source=run-child.sh
. "$HERE/run-child.sh"
bench_out run
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------- build the load generator ----------
LOAD=$TMP/spider-load
gcc -O2 -Wall -Wextra -o "$LOAD" "$HERE/spider-load.c" -lpthread

# ---------- nginx ----------
NGINX_SOCK=$TMP/nginx.sock
mkdir -p "$TMP/nginx"
cat >"$TMP/nginx/nginx.conf" <<EOF
worker_processes $NGINX_WORKERS;
daemon off;
pid $TMP/nginx/nginx.pid;
error_log "$OUT/nginx-error.log" warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $TMP/nginx/body;
    proxy_temp_path $TMP/nginx/proxy;
    fastcgi_temp_path $TMP/nginx/fastcgi;
    uwsgi_temp_path $TMP/nginx/uwsgi;
    scgi_temp_path $TMP/nginx/scgi;
    # No per-connection request cap (nginx closes after 1000 by default): spiderd has none either.
    keepalive_requests 1000000000;
    keepalive_timeout 300s;
    server {
        listen unix:$NGINX_SOCK;
        location / {
            default_type application/json;
            return 200 '$NGINX_BODY';
        }
    }
}
EOF
"${SERVER_CPU[@]}" nginx -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$OUT/nginx-error.log" \
    >"$OUT/nginx-stdout.log" 2>&1 &
NGINX_PID=$!

wait_ready nginx "$NGINX_PID" "$NGINX_SOCK" / 10 "$OUT/nginx-error.log" || exit 1

# ---------- spiderd ----------
SPIDER_SOCK=$TMP/spider.sock
SPIDER_SOCK_INPROC=$TMP/spider-inprocess.sock
if [[ -n ${SPIDERD:-} && ! -x $SPIDERD ]]; then die "SPIDERD=$SPIDERD is not an executable file"; fi
bench_spiderd 2>/dev/null || { SPIDERD_BIN=; BUILD_KIND=missing; }

SPIDER_OK=0     # spiderd runs and answers readyz
HAVE_DRIVERS=0  # a drivers folder was given or staged
MOCK_OK=0       # the Mock cloud is set up
PROBLEMS=()

if [[ $BUILD_KIND == missing ]]; then
    warn "no spiderd found (set SPIDERD, or build it: swift build -c release); measuring nginx only"
    PROBLEMS+=("spiderd not found")
else
    say "spiderd: $SPIDERD_BIN ($BUILD_KIND build)"
    if [[ $BUILD_KIND == debug ]]; then
        warn "WARNING: this is a debug build of spiderd; its figures are not representative."
        warn "         For real figures: swift build -c release (or Tools/dev.sh bench)"
    fi

    DRIVERS=${SPIDER_DRIVERS_DIR:-}
    if [[ -z $DRIVERS && -f $ROOT/Tools/stage-drivers.sh ]]; then
        DRIVERS=$TMP/drivers
        say "staging drivers with Tools/stage-drivers.sh into $DRIVERS"
        # The Mock driver built beside this spiderd (same toolchain and mode), else the script's
        # default (.build/debug).
        if run_child_out -2 "$OUT/stage-drivers.log" bash "$ROOT/Tools/stage-drivers.sh" "$DRIVERS" "$(dirname "$SPIDERD_BIN")"; then
            say "Mock driver from $(dirname "$SPIDERD_BIN")"
        else
            rm -rf "$DRIVERS"
            if run_child_out -2 "$OUT/stage-drivers-debug.log" bash "$ROOT/Tools/stage-drivers.sh" "$DRIVERS"; then
                warn "no Mock driver beside $SPIDERD_BIN; staged the one from .build/debug (figures for the VPC GET suffer)"
            else
                warn "Tools/stage-drivers.sh failed; its log:"
                tail -n 30 "$OUT/stage-drivers-debug.log" >&2 || true
                DRIVERS=
            fi
        fi
    fi
    if [[ -z $DRIVERS ]]; then
        warn "no drivers folder (set SPIDER_DRIVERS_DIR, or add Tools/stage-drivers.sh); the Mock VPC GET is skipped"
        PROBLEMS+=("no drivers folder")
        DRIVERS=$TMP/no-drivers
        mkdir -p "$DRIVERS"
    else
        HAVE_DRIVERS=1
        DRIVERS=$(cd "$DRIVERS" && pwd)
        say "drivers: $DRIVERS"
    fi

    mkdir -m 700 "$TMP/data" "$TMP/data-inproc"
    # shellcheck disable=SC2086  # SPIDERD_ARGS is a list of extra flags
    "${SERVER_CPU[@]}" "$SPIDERD_BIN" --socket "$SPIDER_SOCK" --data-dir "$TMP/data" --drivers-dir "$DRIVERS" \
        ${SPIDERD_ARGS:-} >"$OUT/spiderd.log" 2>&1 &
    SPIDERD_PID=$!
    wait_ready spiderd "$SPIDERD_PID" "$SPIDER_SOCK" "$READYZ" "$START_TIMEOUT" "$OUT/spiderd.log" || exit 1
    # A second host with the Mock loaded into spiderd, to measure what isolation costs in the same run.
    # shellcheck disable=SC2086
    "${SERVER_CPU[@]}" "$SPIDERD_BIN" --socket "$SPIDER_SOCK_INPROC" --data-dir "$TMP/data-inproc" --drivers-dir "$DRIVERS" \
        --isolation mock=in-process ${SPIDERD_ARGS:-} >"$OUT/spiderd-inprocess.log" 2>&1 &
    SPIDERD2_PID=$!
    wait_ready spiderd "$SPIDERD2_PID" "$SPIDER_SOCK_INPROC" "$READYZ" "$START_TIMEOUT" "$OUT/spiderd-inprocess.log" || exit 1
    SPIDER_OK=1
fi

# ---------- the Mock cloud ----------
# POST a JSON body; stop with the answer printed unless the status is 2xx.
api_post() { # socket path json
    local sock=$1 path=$2 body=$3 code
    code=$(curl -s -o "$TMP/answer.json" -w '%{http_code}' --max-time 30 --unix-socket "$sock" \
        -X POST -H 'Content-Type: application/json' --data-binary "$body" "http://localhost$path" || true)
    if [[ $code != 2?? ]]; then
        warn "POST $path answered ${code:-nothing}:"
        cat "$TMP/answer.json" >&2 2>/dev/null || true
        echo >&2
        return 1
    fi
}
mock_cloud() { # socket: registers the Mock and creates vpc-01; fails with the answer printed
    local sock=$1 code
    api_post "$sock" /spider/driver '{"DriverName":"mock-driver01","ProviderName":"MOCK","DriverLibFileName":"libspider-driver-mock.so"}' &&
        api_post "$sock" /spider/credential '{"CredentialName":"mock-credential01","ProviderName":"MOCK","KeyValueInfoList":[{"Key":"MockName","Value":"bench"}]}' &&
        api_post "$sock" /spider/region '{"RegionName":"mock-region01","ProviderName":"MOCK","KeyValueInfoList":[{"Key":"Region","Value":"default"}]}' &&
        api_post "$sock" /spider/connectionconfig '{"ConfigName":"mock-config01","ProviderName":"MOCK","DriverName":"mock-driver01","CredentialName":"mock-credential01","RegionName":"mock-region01"}' &&
        api_post "$sock" /spider/vpc '{"ConnectionName":"mock-config01","ReqInfo":{"Name":"vpc-01","IPv4_CIDR":"192.168.0.0/16","SubnetInfoList":[{"Name":"subnet-01","IPv4_CIDR":"192.168.1.0/24"}]}}' || return 1
    code=$(curl -s -o "$TMP/answer.json" -w '%{http_code}' --max-time 30 --unix-socket "$sock" "http://localhost$VPC_PATH" || true)
    if [[ $code != 200 ]]; then
        warn "GET $VPC_PATH answered ${code:-nothing}:"
        cat "$TMP/answer.json" >&2 || true
        echo >&2
        return 1
    fi
}
if [[ $SPIDER_OK == 1 && $HAVE_DRIVERS == 1 ]]; then
    mock_cloud "$SPIDER_SOCK" && mock_cloud "$SPIDER_SOCK_INPROC" || exit 1
    MOCK_OK=1
    say "Mock cloud ready on both hosts; GET $VPC_PATH answers $(wc -c <"$TMP/answer.json") bytes"
fi

# ---------- measure ----------
LEVELS=("$CONNS")
if [[ $FULL == 1 ]]; then
    for c in 16 64; do [[ $c == "$CONNS" ]] || LEVELS+=("$c"); done
fi

field() { # json-line name -> value
    sed -n "s/.*\"$2\":\\(\"[^\"]*\"\\|[0-9.]*\\).*/\\1/p" <<<"$1" | tr -d '"'
}

# Percent of the last second that all CPUs spent busy (other work on the machine skews figures).
cpu_busy() {
    local a b c d e f g h t1 i1 t2 i2
    read -r _ a b c d e f g h _ </proc/stat; t1=$((a + b + c + d + e + f + g + h)); i1=$((d + e))
    sleep 1
    read -r _ a b c d e f g h _ </proc/stat; t2=$((a + b + c + d + e + f + g + h)); i2=$((d + e))
    echo $((100 * ((t2 - t1) - (i2 - i1)) / (t2 - t1 > 0 ? t2 - t1 : 1)))
}
BUSY_BEFORE=$(cpu_busy)
if ((BUSY_BEFORE > 10)); then
    warn "the machine is ${BUSY_BEFORE}% busy before the benchmark starts (other processes); figures will be noisy"
fi

# CPU ticks: the whole machine (busy, total), and this script's own processes — itself and every
# child it has waited for (spider-load, curl, ...), nginx master and workers, spiderd. What the
# machine spent beyond that during a measurement is other work that skewed it.
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit }' /proc/stat; }
our_ticks() {
    local pids pid t=0
    # nginx's workers and spiderd's driver processes are children not yet reaped: counted by pid.
    read -r -a pids <<<"$$ $NGINX_PID $SPIDERD_PID $SPIDERD2_PID $(for parent in $NGINX_PID $SPIDERD_PID; do { pgrep -P "$parent" || true; } | tr '\n' ' '; done)"
    for pid in "${pids[@]}"; do
        # fields after "(comm) ": state=1 ... utime=12 stime=13 cutime=14 cstime=15
        t=$((t + $(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{ print $12 + $13 + $14 + $15 }' || echo 0)))
    done
    echo "$t"
}

FAILED_RUNS=0
: >"$OUT/rounds.jsonl"
# One round of one target: spider-load's JSON line, with the target, round and other-% around it,
# appended to rounds.jsonl (or a "failed" line when spider-load gave no result).
measure() { # label goal socket path conns round
    local label=$1 goal=$2 sock=$3 path=$4 conns=$5 round=$6 out rc=0
    say "measuring $label at $conns connections, round $round/$ROUNDS (${WARMUP}s warm-up + ${DURATION}s) ..."
    local m0 o0 m1 o1 other
    read -r -a m0 < <(machine_ticks); o0=$(our_ticks)
    run_child_out "$TMP/result.json" "${CLIENT_CPU[@]}" "$LOAD" -U "$sock" -c "$conns" -t "$THREADS" -d "$DURATION" \
        -w "$WARMUP" --json "$path" || rc=$?
    read -r -a m1 < <(machine_ticks); o1=$(our_ticks)
    # Percent of all CPUs used by other processes during this measurement (warm-up included).
    other=$(awk -v b="$((m1[0] - m0[0]))" -v t="$((m1[1] - m0[1]))" -v o="$((o1 - o0))" \
        'BEGIN { x = t > 0 ? 100 * (b - o) / t : 0; printf "%.0f", x < 0 ? 0 : x }')
    out=$(cat "$TMP/result.json")
    local where goal_json=$goal
    [[ $goal == - ]] && goal_json=null
    where="\"target\":\"$label\",\"conns\":$conns,\"round\":$round,\"goal_pct\":$goal_json"
    if [[ -z $out ]]; then
        warn "spider-load produced no result for $label (exit $rc)"
        printf '{%s,"failed":"spider-load gave no result (exit %s)"}\n' "$where" "$rc" >>"$OUT/rounds.jsonl"
        FAILED_RUNS=$((FAILED_RUNS + 1))
        return
    fi
    if [[ $rc != 0 ]]; then
        warn "$label: $(field "$out" errors) errors, $(field "$out" requests) requests; first error: $(field "$out" first_error)"
        FAILED_RUNS=$((FAILED_RUNS + 1))
    fi
    printf '{%s,"other_pct":%s,"load":%s}\n' "$where" "$other" "$out" >>"$OUT/rounds.jsonl"
}

# Targets alternate inside each round so slow drifts on the machine hit all of them alike.
# The Mock's GET in a process of its own (the default) and loaded into spiderd, and both at one
# connection too: there the median latency difference is what isolation costs per call.
TARGETS=("nginx /|-|$NGINX_SOCK|/")
MOCK_TARGETS=()
if [[ $SPIDER_OK == 1 ]]; then
    TARGETS+=("spiderd readyz|60|$SPIDER_SOCK|$READYZ")
    if [[ $MOCK_OK == 1 ]]; then
        MOCK_TARGETS=("Mock VPC GET, isolated|30|$SPIDER_SOCK|$VPC_PATH" "Mock VPC GET, in-process|50|$SPIDER_SOCK_INPROC|$VPC_PATH")
        TARGETS+=("${MOCK_TARGETS[@]}")
    fi
fi
LOAD_BEFORE=$(bench_load)
for conns in "${LEVELS[@]}"; do
    for round in $(seq "$ROUNDS"); do
        for target in "${TARGETS[@]}"; do
            IFS='|' read -r label goal sock path <<<"$target"
            measure "$label" "$goal" "$sock" "$path" "$conns" "$round"
        done
        if [[ $conns == "${LEVELS[0]}" ]]; then
            for target in "${MOCK_TARGETS[@]}"; do
                IFS='|' read -r label goal sock path <<<"$target"
                measure "$label" "-" "$sock" "$path" 1 "$round"
            done
        fi
    done
done
# A create each way: POST /spider/vpc one at a time (each then deleted, untimed), modes alternating.
if [[ $MOCK_OK == 1 ]]; then
    say "timing creates, isolated and in-process ..."
    run_child python3 "$HERE/creates.py" --out "$OUT" --rounds "$ROUNDS" --count "${BENCH_CREATES:-100}" \
        --host "isolated=$SPIDER_SOCK" --host "in-process=$SPIDER_SOCK_INPROC" >/dev/null || FAILED_RUNS=$((FAILED_RUNS + 1))
fi
LOAD_AFTER=$(bench_load)
BUSY_AFTER=$(cpu_busy)

# ---------- the table (also in table.txt) ----------
say ""
tsay "Keep-alive GETs over a Unix socket, one request in flight per connection; rounds: $ROUNDS per target, targets"
tsay "alternating within each round; each round ${DURATION}s measured after ${WARMUP}s warm-up; connections: ${LEVELS[*]}."
tsay "Load generator: spider-load, $THREADS thread(s). nginx: worker_processes $NGINX_WORKERS, return 200 with a ${#NGINX_BODY}-byte JSON."
tsay "spiderd: ${SPIDERD_BIN:-none} ($BUILD_KIND build)${SPIDERD_ARGS:+, flags: $SPIDERD_ARGS}."
tsay "$(bench_machine)."
if [[ $PIN == 1 ]]; then
    tsay "Pinned: servers on CPU 0, load generator on CPU 1 (BENCH_PIN=0 lets the scheduler place them)."
else
    tsay "Not pinned: the scheduler places client and servers (figures at few connections are bimodal; see README)."
fi
tsay "Load average before/after: $LOAD_BEFORE / $LOAD_AFTER; machine busy before/after (1 s sample): ${BUSY_BEFORE}% / ${BUSY_AFTER}%."
tsay "req/s: median [min–max] over the rounds. p50/p99: latency of the median round (lower middle for an even count)."
tsay "% of nginx per round: the target's req/s ÷ nginx's req/s of the same round, median [min–max] over the rounds."
tsay "other: most CPU that processes outside the benchmark used during one of the rounds."
tsay ""
python3 "$HERE/tables.py" socket "$OUT"
if [[ -f $OUT/creates.jsonl ]]; then tsay ""; python3 "$HERE/tables.py" creates "$OUT"; fi
tsay ""
tsay "Goals (informational, never a build failure): the median per-round share of nginx's req/s at the same connection"
tsay "count is >= 60% for readyz, >= 30% for the Mock VPC GET isolated and >= 50% in-process."
if grep -q '"other_pct":\([6-9]\|[1-9][0-9]\)' "$OUT/rounds.jsonl"; then
    tsay "Note: other processes used more than 5% of the CPUs during some round ('other' column); those rounds are skewed."
fi

# ---------- optional cross-check with h2load ----------
if [[ $H2LOAD == 1 ]] && command -v h2load >/dev/null; then
    ms() { awk -v s="$1" 'BEGIN { printf "%dms", s * 1000 }'; }
    h2check() { # label socket path log
        local out
        run_child_out -2 "$OUT/$4" "${CLIENT_CPU[@]}" h2load --h1 -B "unix:$2" -c "$CONNS" -D "$(ms "$DURATION")" \
            --warm-up-time "$(ms "$WARMUP")" "http://localhost$3" || true
        out=$(cat "$OUT/$4")
        tsay "$(printf '  %-22s %s' "$1" "$(grep -m1 '^finished in' <<<"$out" || echo "(no result)")")"
        tsay "$(printf '  %-22s %s' "" "$(grep -m1 '^requests:' <<<"$out" || true)")"
    }
    tsay ""
    tsay "Cross-check with h2load --h1 (another client, same placement, one run each; expect the same range, not the same number), $CONNS connections:"
    h2check "nginx /" "$NGINX_SOCK" / h2load-nginx.log
    if [[ $SPIDER_OK == 1 ]]; then h2check "spiderd readyz" "$SPIDER_SOCK" "$READYZ" h2load-readyz.log; fi
fi

if ((${#PROBLEMS[@]})); then
    warn "incomplete run: ${PROBLEMS[*]}"
    exit 1
fi
if ((FAILED_RUNS)); then
    warn "$FAILED_RUNS measurement(s) had failed requests"
    exit 1
fi
exit 0
