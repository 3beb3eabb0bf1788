#!/usr/bin/env bash
# Back to the pristine state that init.sh recorded: stops the OpenStack services (rabbitmq keeps
# running), copies the template back (every database, the fernet and credential keys, glance's
# image files, octavia's CA) and starts again (start.sh; WITH_CINDER / WITH_OCTAVIA apply).
#   reset.sh --no-start   restore only
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
need_root

tpl=$STATE/template
[ -f "$tpl/FINGERPRINT" ] || die "no template in $STATE: run Tools/openstack/init.sh first"
t0=$(date +%s%3N)
"$HERE/stop.sh" --keep-rabbit

# Nothing of ours may still have a database open.
for n in "${ALL_SERVICES[@]}"; do
    case $n in rabbitmq | epmd) ;; *) if service_pid "$n" >/dev/null; then die "$n still runs"; fi ;; esac
done

for db in "${DATABASES[@]}"; do
    rm -f "$STATE/db/$db.sqlite" "$STATE/db/$db.sqlite-wal" "$STATE/db/$db.sqlite-shm"
    cp "$tpl/db/$db.sqlite" "$STATE/db/$db.sqlite"
done
for d in keystone/fernet-keys keystone/credential-keys glance/images octavia/certs; do
    rm -rf "${STATE:?}/data/$d"
    cp -a "$tpl/data/$d" "$STATE/data/$d"
done
rm -rf "${STATE:?}"/data/nova/instances/* "${STATE:?}"/data/glance/staging/* "${STATE:?}"/data/glance/tasks/* \
    "${STATE:?}"/data/cinder/volumes/*
cp "$tpl/octavia-ids.env" "$STATE/octavia-ids.env"
ms=$(($(date +%s%3N) - t0))
log "stopped and restored the template in $((ms / 1000)).$((ms % 1000 / 100)) s"

[ "${1:-}" = --no-start ] && exit 0
exec "$HERE/start.sh"
