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
