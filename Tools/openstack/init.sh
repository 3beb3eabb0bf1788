#!/usr/bin/env bash
# One-time setup of the local OpenStack under $STATE (default /var/tmp/spider-openstack):
# databases (SQLite, WAL), keystone bootstrap, service users and catalogue, octavia's seed
# (amphora image, flavor, lb-mgmt network and security group, CA), the test fixtures (external
# network "public", images, flavors, the non-admin project/user "spider", quotas), then a
# template: a copy of every database, the keystone keys, glance's files and octavia's CA, which
# reset.sh copies back.
# Skips everything when the template exists and matches the current Tools/openstack files
# (init.sh --force redoes it anyway). Leaves the services stopped (rabbitmq keeps running).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
need_root

fp=$(init_fingerprint)
tpl=$STATE/template
if [ "${1:-}" != --force ] && [ -f "$tpl/FINGERPRINT" ] && [ "$(cat "$tpl/FINGERPRINT")" = "$fp" ]; then
    log "the template in $STATE is current: nothing to do (init.sh --force redoes it)"
    exit 0
fi
for c in keystone-manage glance-manage placement-manage nova-manage neutron-db-manage cinder-manage \
    octavia-db-manage uwsgi openssl qemu-img /usr/lib/rabbitmq/bin/rabbitmq-server; do
    command -v "$c" >/dev/null || die "$c is missing: run Tools/openstack/install.sh first"
done

t0=$(date +%s%3N)
elapsed() { local ms=$(($(date +%s%3N) - t0)); printf '%d.%d s' $((ms / 1000)) $((ms % 1000 / 100)); }

log "initialising $STATE"
"$HERE/stop.sh"
case "$STATE" in /|"") die "refusing to wipe STATE=$STATE" ;; esac
rm -rf "${STATE:?}"/{db,data,etc,template,run,log,rabbitmq} "$STATE/octavia-ids.env"
make_dirs
render_configs
E=$STATE/etc

# Every database in WAL mode from the start (journal_mode=WAL is stored in the file): without it
# the multithreaded services fail with "database is locked".
dbfiles=()
for db in "${DATABASES[@]}"; do dbfiles+=("$STATE/db/$db.sqlite"); done
"$PY" -c 'import sqlite3, sys
for p in sys.argv[1:]:
    c = sqlite3.connect(p); assert c.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"; c.close()' "${dbfiles[@]}"

# The broker boots (about 3 s) while the databases are made.
if ! port_open 4369; then # an epmd that is already there (another Erlang program's) does as well
    start_service epmd
    "$PY" "$HERE/lib/ready.py" --quiet --state "$STATE" --since "$(date +%s)" --timeout 10 epmd
fi
start_service rabbitmq

# Octavia's local certificate authority (its amphora certificates are signed by it).
(
    cd "$STATE/data/octavia/certs"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=spider-octavia-ca \
        -keyout ca.key -out ca.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj /CN=spider-octavia-controller \
        -keyout client.key -out client.csr 2>/dev/null
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 \
        -out client.crt 2>/dev/null
    cat client.crt client.key >client.pem
    chmod 600 ./*.key client.pem
)

# The database jobs, in parallel (each logs to $STATE/log/init-NAME.log).
declare -A job_pids=()
job() { # job NAME COMMAND...: a process group of its own (set -m), so that a failure can end it
    local name=$1
    shift
    set -m
    ("$@") >"$STATE/log/init-$name.log" 2>&1 &
    job_pids[$name]=$!
    set +m
}
# When init fails, the database jobs still running must not go on writing into the state folder.
end_jobs() {
    local p
    for p in "${job_pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
}
trap end_jobs EXIT
wait_job() {
    local name=$1
    if ! wait "${job_pids[$name]}"; then
        printf -- '--- %s failed; last 30 lines of %s ---\n' "$name" "$STATE/log/init-$name.log" >&2
        tail -n 30 "$STATE/log/init-$name.log" >&2
        die "init failed at $name"
    fi
}

keystone_db() {
    local k=(keystone-manage --config-file "$E/keystone/keystone.conf")
    # What "keystone-manage fernet_setup / credential_setup" make (a staged key 0 and a primary
    # key 1 in each repository), without two more keystone-manage start-ups on the critical path.
    "$PY" -c 'import os, sys
from cryptography.fernet import Fernet
for repo in sys.argv[1:]:
    for i in ("0", "1"):
        fd = os.open(os.path.join(repo, i), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, Fernet.generate_key()); os.close(fd)' \
        "$STATE/data/keystone/fernet-keys" "$STATE/data/keystone/credential-keys"
    "${k[@]}" db_sync
    "${k[@]}" bootstrap --bootstrap-password "$ADMIN_PASSWORD" --bootstrap-username admin \
        --bootstrap-project-name admin --bootstrap-role-name admin \
        --bootstrap-service-name keystone --bootstrap-region-id RegionOne \
        --bootstrap-admin-url http://127.0.0.1:5000/v3/ \
        --bootstrap-internal-url http://127.0.0.1:5000/v3/ \
        --bootstrap-public-url http://127.0.0.1:5000/v3/
}
nova_db() {
    local n=(nova-manage --config-file "$E/nova/nova.conf")
    "${n[@]}" api_db sync
    "${n[@]}" cell_v2 map_cell0 --database_connection "sqlite:///$STATE/db/nova_cell0.sqlite"
    "${n[@]}" cell_v2 create_cell --name cell1
    "${n[@]}" db sync
}
# Neutron's and octavia's alembic migrations fail on SQLite ("No support for ALTER of constraints
# in SQLite"): their schema is made from the models, then the alembic head is stamped.
neutron_db() {
    "$PY" -c 'import sys
import sqlalchemy
from neutron.db.migration.models import head
head.get_metadata().create_all(sqlalchemy.create_engine(sys.argv[1]))' "sqlite:///$STATE/db/neutron.sqlite"
    neutron-db-manage --config-file "$E/neutron/neutron.conf" --config-file "$E/neutron/ml2_conf.ini" stamp heads
}
octavia_db() {
    "$PY" "$HERE/lib/octavia_schema.py" "sqlite:///$STATE/db/octavia.sqlite"
    octavia-db-manage --config-file "$E/octavia/octavia.conf" stamp head
}

job keystone keystone_db
job glance glance-manage --config-file "$E/glance/glance-api.conf" db_sync
job placement placement-manage --config-file "$E/placement/placement.conf" db sync
job nova nova_db
job neutron neutron_db
job cinder cinder-manage --config-file "$E/cinder/cinder.conf" db sync
job octavia octavia_db

wait_job keystone
log "keystone bootstrapped ($(elapsed))"
start_service keystone
if ! "$PY" "$HERE/lib/ready.py" --state "$STATE" --since "$(date +%s)" --timeout 60 \
    --failed-file "$STATE/run/not-ready" keystone rabbitmq; then
    tail -n 30 "$STATE/log/$(cat "$STATE/run/not-ready").log" >&2
    die "init failed: keystone or rabbitmq did not start"
fi
"$PY" "$HERE/lib/seed.py" register
log "service users and catalogue registered ($(elapsed))"

for j in glance placement nova neutron cinder octavia; do wait_job "$j"; done
log "all databases made ($(elapsed))"

SPIDER_OPENSTACK_INIT=1 WITH_OCTAVIA=0 "$HERE/start.sh"
"$PY" "$HERE/lib/seed.py" fixtures "$STATE/octavia-ids.env"
log "octavia seed and fixtures made ($(elapsed))"
render_configs   # octavia.conf now gets the ids of the amphora flavor, lb-mgmt network and group
SPIDER_OPENSTACK_INIT=1 "$HERE/start.sh"
"$PY" "$HERE/lib/seed.py" octavia
log "octavia quotas set ($(elapsed))"

"$HERE/stop.sh" --keep-rabbit
"$PY" -c 'import sqlite3, sys
for p in sys.argv[1:]:
    c = sqlite3.connect(p); c.execute("PRAGMA wal_checkpoint(TRUNCATE)"); c.close()' "${dbfiles[@]}"
mkdir -p "$tpl/db" "$tpl/data/keystone" "$tpl/data/glance" "$tpl/data/octavia"
for db in "${DATABASES[@]}"; do cp "$STATE/db/$db.sqlite" "$tpl/db/"; done
for d in keystone/fernet-keys keystone/credential-keys glance/images octavia/certs; do
    cp -a "$STATE/data/$d" "$tpl/data/$d"
done
cp "$STATE/octavia-ids.env" "$tpl/"
printf '%s\n' "$fp" >"$tpl/FINGERPRINT"
trap - EXIT
log "template saved in $tpl; init took $(elapsed). Next: Tools/openstack/start.sh"
