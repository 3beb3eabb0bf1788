#!/usr/bin/env bash
# Starts the local OpenStack (after install.sh and init.sh) and waits until it is ready:
# every API answers, nova-compute is registered and mapped to cell1, neutron serves.
#   WITH_CINDER=0   leave cinder out        WITH_OCTAVIA=0   leave octavia out
#   START_TIMEOUT=120  seconds to wait for readiness before failing (with the failing log's tail)
# Idempotent: when everything asked for already runs and is ready, it says so and exits 0.
# Each service runs in a session and process group of its own (setsid); "PID starttime" in
# $STATE/run/NAME.pid, output in $STATE/log/NAME.log.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
need_root

WITH_CINDER=${WITH_CINDER:-1}
WITH_OCTAVIA=${WITH_OCTAVIA:-1}
START_TIMEOUT=${START_TIMEOUT:-120}

# init.sh runs this script too, before the template exists (SPIDER_OPENSTACK_INIT=1).
if [ "${SPIDER_OPENSTACK_INIT:-0}" != 1 ]; then
    [ -f "$STATE/template/FINGERPRINT" ] || die "no template in $STATE: run Tools/openstack/init.sh first"
    if [ "$(cat "$STATE/template/FINGERPRINT")" != "$(init_fingerprint)" ]; then
        log "warning: the template in $STATE predates changes to Tools/openstack (run init.sh to redo it)"
    fi
fi

# Two waves. The start-up is CPU-bound (mostly Python imports, ~50 s of CPU on 2 cores), so the
# first wave is small: rabbitmq (~3 s alone), keystone and placement. The rest starts once they
# serve: an RPC service that connects while the broker is still booting can hang for good (as
# nova-conductor did here), and nova-compute reports its resources to placement once at start
# (then only every 60 s).
first=(epmd rabbitmq keystone placement)
rest=(glance-api nova-api nova-conductor nova-scheduler neutron-server nova-compute)
if [ "$WITH_CINDER" = 1 ]; then rest+=("${CINDER_SERVICES[@]}"); fi
if [ "$WITH_OCTAVIA" = 1 ]; then rest+=("${OCTAVIA_SERVICES[@]}"); fi

# An epmd that we did not start (another Erlang program's) serves rabbit just as well.
if ! service_pid epmd >/dev/null && port_open 4369; then
    first=("${first[@]:1}")
fi

not_running() {
    local n
    for n in "$@"; do service_pid "$n" >/dev/null || printf '%s\n' "$n"; done
}

ready() { # ready SINCE TIMEOUT NAME...: waits; on failure shows the tail of the failing log
    local since=$1 timeout=$2 failed n running=()
    shift 2
    for n in "$@"; do
        if [[ " ${was_running[*]} " == *" $n "* ]]; then running+=(--running "$n"); fi
    done
    if ! "$PY" "$HERE/lib/ready.py" --state "$STATE" --since "$since" --timeout "$timeout" \
        --failed-file "$STATE/run/not-ready" "${running[@]}" "$@"; then
        failed=$(cat "$STATE/run/not-ready" 2>/dev/null || true)
        if [ -n "$failed" ] && [ -f "$STATE/log/$failed.log" ]; then
            printf -- '--- last 40 lines of %s ---\n' "$STATE/log/$failed.log" >&2
            tail -n 40 "$STATE/log/$failed.log" >&2
        fi
        return 1
    fi
}

mapfile -t missing < <(not_running "${first[@]}" "${rest[@]}")
if [ ${#missing[@]} -eq 0 ]; then
    if "$PY" "$HERE/lib/ready.py" --quiet --state "$STATE" --since "$(($(date +%s) - 60))" --timeout 15 \
        "${first[@]}" "${rest[@]}" >/dev/null 2>&1; then
        log "OpenStack is already running and ready (state: $STATE)"
        exit 0
    fi
fi

# Services that run already are not restarted; their readiness reports count from a minute ago.
was_running=()
for n in "${first[@]}" "${rest[@]}"; do service_pid "$n" >/dev/null && was_running+=("$n"); done

make_dirs
render_configs
t0=$(date +%s%3N)
since=$(date +%s)
log "starting OpenStack (state: $STATE)"

mapfile -t todo < <(not_running "${first[@]}")
for n in "${todo[@]}"; do
    start_service "$n"
    if [ "$n" = epmd ]; then # rabbit needs epmd listening first
        "$PY" "$HERE/lib/ready.py" --quiet --state "$STATE" --since "$since" --timeout 10 epmd || die "epmd did not start"
    fi
done
ready "$since" "$START_TIMEOUT" "${first[@]}" || die "start failed (logs in $STATE/log)"
mapfile -t todo < <(not_running "${rest[@]}")
for n in "${todo[@]}"; do start_service "$n"; done
ready "$since" "$START_TIMEOUT" "${rest[@]}" || die "start failed (logs in $STATE/log)"

ms=$(($(date +%s%3N) - t0))
log "OpenStack is ready in $((ms / 1000)).$((ms % 1000 / 100)) s: keystone http://127.0.0.1:5000/v3 (source Tools/openstack/env.sh)"
