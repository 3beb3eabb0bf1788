# Sourced by the benchmark scripts. run_child runs a command in the background and waits for it, so
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

# stop_child: TERM the child still running (it stops what it started itself), KILL it after 10 s.
stop_child() {
    [[ -n ${CHILD_PID:-} ]] && kill -0 "$CHILD_PID" 2>/dev/null || return 0
    kill -TERM "$CHILD_PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$CHILD_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$CHILD_PID" 2>/dev/null && kill -KILL "$CHILD_PID" 2>/dev/null || true
}

# bench_temp_dir <prefix>: TMP becomes a private temp dir, removed when the script exits (kept and named
# with KEEP=1), after the running child is stopped; INT/TERM end the script through that cleanup.
bench_temp_dir() {
    TMP=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
    chmod 700 "$TMP"
    trap 'rc=$?; stop_child; if [[ ${KEEP:-0} == 1 ]]; then printf "kept %s\n" "$TMP"; else rm -rf "$TMP"; fi; exit $rc' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# bench_spiderd: SPIDERD_BIN becomes the spiderd to measure — $SPIDERD, else ROOT's release build,
# else its debug build (with a warning: debug figures mean little); fails with a hint when none.
bench_spiderd() {
    SPIDERD_BIN=${SPIDERD:-}
    if [[ -z $SPIDERD_BIN ]]; then
        for candidate in "$ROOT/.build/release/spiderd" "$ROOT/.build/debug/spiderd"; do
            if [[ -x $candidate ]]; then SPIDERD_BIN=$candidate; break; fi
        done
    fi
    if [[ -z $SPIDERD_BIN || ! -x $SPIDERD_BIN ]]; then
        printf '%s: no spiderd found (set SPIDERD, or build it: swift build -c release)\n' "$(basename "$0")" >&2
        return 1
    fi
    case $SPIDERD_BIN in */debug/*) printf '%s: WARNING: a debug build of spiderd; its figures are not representative\n' "$(basename "$0")" >&2 ;; esac
}
