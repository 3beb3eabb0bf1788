#!/usr/bin/env bash
# Stops what start.sh started, by the process group recorded in $STATE/run/NAME.pid (TERM, then
# KILL after 15 s), and waits until those processes are gone. Never signals anything else.
#   stop.sh               everything, rabbitmq and epmd last
#   stop.sh --keep-rabbit the OpenStack services only (reset.sh uses this)
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
need_root

keep_rabbit=0
[ "${1:-}" = --keep-rabbit ] && keep_rabbit=1

t0=$(date +%s%3N)
openstack=("${CORE_SERVICES[@]}" "${CINDER_SERVICES[@]}" "${OCTAVIA_SERVICES[@]}" keystone placement glance-api)
running=()
for n in "${ALL_SERVICES[@]}"; do service_pid "$n" >/dev/null && running+=("$n"); done
if [ ${#running[@]} -eq 0 ]; then
    log "nothing of ours is running (state: $STATE)"
    exit 0
fi
stopped=()
for n in "${running[@]}"; do
    case $n in rabbitmq | epmd) [ $keep_rabbit = 1 ] || stopped+=("$n") ;; *) stopped+=("$n") ;; esac
done
# rabbitmq only after the others: a service that loses the broker while it shuts down tries to
# reconnect and takes 10 s or more to end (cinder-scheduler, nova-scheduler, octavia-worker).
stop_services "${openstack[@]}"
if [ $keep_rabbit = 0 ]; then
    stop_services rabbitmq
    stop_services epmd
fi
ms=$(($(date +%s%3N) - t0))
kept=""
[ $keep_rabbit = 1 ] && kept=" (rabbitmq kept running)"
log "stopped in $((ms / 1000)).$((ms % 1000 / 100)) s: ${stopped[*]:-nothing}$kept"
