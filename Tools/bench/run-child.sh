# shellcheck shell=bash
# Sourced by the benchmark scripts: the shell helpers they share (children, temp dir, run folder,
# spiderd, readiness, stopping by PID). run_child runs a command in the background and waits for it, so
# that a signal to the script is handled at once (bash delays traps until a foreground child exits)
# and the script's cleanup can stop the child (its pid is in CHILD_PID meanwhile).
run_child() {
    local rc=0
    "$@" &
    CHILD_PID=$!
    wait "$CHILD_PID" || rc=$?
    CHILD_PID=
    return "$rc"
}

# run_child_out [-2] <file> <command...>: run_child with the command's stdout (with -2 also its
# stderr) in <file>. Redirecting the run_child call itself would also redirect whatever the EXIT
# trap prints when a signal arrives meanwhile.
run_child_out() {
    local both=0 out rc=0
    if [[ $1 == -2 ]]; then both=1; shift; fi
    out=$1
    shift
    if ((both)); then "$@" >"$out" 2>&1 & else "$@" >"$out" & fi
    CHILD_PID=$!
    wait "$CHILD_PID" || rc=$?
    CHILD_PID=
    return "$rc"
}

# stop_child: TERM the child still running (it stops what it started itself), KILL it after 10 s.
stop_child() {
    [[ -n ${CHILD_PID:-} ]] && kill -0 "$CHILD_PID" 2>/dev/null || return 0
    kill -TERM "$CHILD_PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$CHILD_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$CHILD_PID" 2>/dev/null; then kill -KILL "$CHILD_PID" 2>/dev/null || true; fi
}

# bench_temp_dir <prefix>: TMP becomes a private temp dir, removed when the script exits (kept and named
# with KEEP=1), after the running child is stopped; INT/TERM end the script through that cleanup,
# which ends by naming the run folder (OUT) when there is one.
bench_temp_dir() {
    TMP=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
    chmod 700 "$TMP"
    trap 'rc=$?; stop_child; if [[ ${KEEP:-0} == 1 ]]; then printf "kept %s\n" "$TMP"; else rm -rf "$TMP"; fi
          if [[ -n ${OUT:-} ]]; then printf "raw output: %s\n" "$OUT"; fi; exit $rc' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# bench_spiderd: SPIDERD_BIN becomes the spiderd to measure — $SPIDERD, else ROOT's release build
# (.build, then .build-bench), else its debug build (with a warning: debug figures mean little), and
# BUILD_KIND its kind; fails with a hint when none.
bench_spiderd() {
    SPIDERD_BIN=${SPIDERD:-}
    if [[ -z $SPIDERD_BIN ]]; then
        for candidate in "$ROOT/.build/release/spiderd" "$ROOT/.build-bench/release/spiderd" "$ROOT/.build/debug/spiderd"; do
            if [[ -x $candidate ]]; then SPIDERD_BIN=$candidate; break; fi
        done
    fi
    if [[ -z $SPIDERD_BIN || ! -x $SPIDERD_BIN ]]; then
        printf '%s: no spiderd found (set SPIDERD, or build it: swift build -c release)\n' "$(basename "$0")" >&2
        return 1
    fi
    BUILD_KIND=$(bench_build_kind "$SPIDERD_BIN")
    case $BUILD_KIND in debug) printf '%s: WARNING: a debug build of spiderd; its figures are not representative\n' "$(basename "$0")" >&2 ;; esac
}

# bench_out <script name>: OUT becomes the run folder that keeps this run's raw output —
# $BENCH_OUT when set, else <repo>/.build/bench/<UTC time>-<script name>/ (.build is git-ignored).
# table.txt there starts empty; tsay prints a line and appends it to it.
bench_out() {
    OUT=${BENCH_OUT:-$ROOT/.build/bench/$(date -u +%Y%m%dT%H%M%SZ)-$1}
    mkdir -p "$OUT"
    OUT=$(cd "$OUT" && pwd)
    : >"$OUT/table.txt"
}
tsay() { printf '%s\n' "$*" | tee -a "$OUT/table.txt"; }

# bench_machine: the CPUs this script may use and their model; bench_load: the load average now.
bench_machine() {
    printf 'CPUs: %s (%s)' "$(nproc)" "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
}
bench_load() { cut -d' ' -f1-3 /proc/loadavg; }

# bench_build_kind <binary>: release, debug or unknown, from the folder it was built into.
bench_build_kind() {
    case $1 in */debug/*) echo debug ;; */release/*) echo release ;; *) echo unknown ;; esac
}

# wait_ready <name> <pid> <socket> <path> <seconds> <log>: until the socket answers 200 on the path;
# fails (showing the log's tail) when the process exits first or the time is up.
wait_ready() {
    local name=$1 pid=$2 sock=$3 path=$4 limit=$5 log=$6 code
    local end=$((SECONDS + limit))
    while ((SECONDS < end)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            printf '%s: %s exited before it was ready; its log:\n' "$(basename "$0")" "$name" >&2
            tail -n 30 "$log" >&2 || true
            return 1
        fi
        if [[ -S $sock ]]; then
            code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 --unix-socket "$sock" "http://localhost$path" || true)
            [[ $code == 200 ]] && return 0
        fi
        sleep 0.1
    done
    printf '%s: %s did not answer 200 on %s within %ss; its log:\n' "$(basename "$0")" "$name" "$path" "$limit" >&2
    tail -n 30 "$log" >&2 || true
    return 1
}

# stop_pid <pid>: TERM a process this script started and wait until it has exited; a second TERM
# after 5 s (one sent while spiderd sets up its signal handling is lost), KILL after 10 s.
stop_pid() {
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || break
        ((i == 50)) && kill -TERM "$pid" 2>/dev/null
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    wait "$pid" 2>/dev/null || true
}
