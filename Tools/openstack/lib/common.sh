# shellcheck shell=bash disable=SC2034
# Shared by install.sh, init.sh, start.sh, stop.sh and reset.sh (sourced, never run).
# Paths, the list of services and how each one is started, PID-file handling.

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${SPIDER_OPENSTACK_DIR:-/var/tmp/spider-openstack}
# Debian's python: a pyenv python3 may come first on PATH and has none of the OpenStack modules.
PY=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1

ADMIN_PASSWORD=secret
SERVICE_PASSWORD=service-secret
export ADMIN_PASSWORD SERVICE_PASSWORD STATE HERE

# Every database; each is a SQLite file under $STATE/db.
DATABASES=(keystone glance placement nova_api nova_cell0 nova_cell1 neutron cinder octavia)

# Start order matters only in two phases (see start.sh); these are all the services.
BASE_SERVICES=(epmd rabbitmq keystone placement glance-api)
CORE_SERVICES=(nova-api nova-conductor nova-scheduler nova-compute neutron-server)
CINDER_SERVICES=(cinder-api cinder-scheduler cinder-volume)
OCTAVIA_SERVICES=(octavia-api octavia-worker)
ALL_SERVICES=("${BASE_SERVICES[@]}" "${CORE_SERVICES[@]}" "${CINDER_SERVICES[@]}" "${OCTAVIA_SERVICES[@]}")

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

need_root() { [ "$(id -u)" -eq 0 ] || die "run as root (OpenStack's services, apt-get and rabbitmq need it)"; }

# The command line of one service, one word per line (read with mapfile).
service_cmd() {
    local e=$STATE/etc
    case "$1" in
    epmd) printf '%s\n' epmd -address 127.0.0.1 -port 4369 ;;
    rabbitmq) printf '%s\n' /usr/lib/rabbitmq/bin/rabbitmq-server ;;
    keystone) printf '%s\n' uwsgi --ini "$e/uwsgi/keystone.ini" ;;
    placement) printf '%s\n' uwsgi --ini "$e/uwsgi/placement.ini" ;;
    octavia-api) printf '%s\n' uwsgi --ini "$e/uwsgi/octavia-api.ini" ;;
    glance-api) printf '%s\n' glance-api --config-file "$e/glance/glance-api.conf" ;;
    nova-api | nova-conductor | nova-scheduler) printf '%s\n' "$1" --config-file "$e/nova/nova.conf" ;;
    nova-compute) printf '%s\n' "$PY" "$HERE/bin/nova-compute" --config-file "$e/nova/nova.conf" ;;
    neutron-server) printf '%s\n' neutron-server --config-file "$e/neutron/neutron.conf" --config-file "$e/neutron/ml2_conf.ini" ;;
    cinder-api | cinder-scheduler | cinder-volume) printf '%s\n' "$1" --config-file "$e/cinder/cinder.conf" ;;
    octavia-worker) printf '%s\n' octavia-worker --config-file "$e/octavia/octavia.conf" ;;
    *) die "unknown service $1" ;;
    esac
}

pidfile() { printf '%s/run/%s.pid\n' "$STATE" "$1"; }

# The recorded PID of a service if that process is still alive and is still the one we started
# (its start time, recorded beside the PID, guards against a recycled PID).
service_pid() {
    local f pid st
    f=$(pidfile "$1")
    [ -r "$f" ] || return 1
    read -r pid st <"$f" || return 1
    [ -n "${pid:-}" ] && [ -d "/proc/$pid" ] || return 1
    [ "$(proc_start_time "$pid")" = "${st:-}" ] || return 1
    printf '%s\n' "$pid"
}

# Field 22 of /proc/PID/stat: start time in clock ticks since boot.
proc_start_time() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
    stat=${stat##*) }
    # shellcheck disable=SC2086
    set -- $stat
    printf '%s\n' "${20}"
}

# Environment extras of one service.
# pylib/ holds the ML2 driver (neutron-server), the growing fake volume driver (cinder-volume) and
# sitecustomize.py (SQLite transactions begin IMMEDIATE: every Python service).
service_env() {
    case "$1" in
    rabbitmq | epmd) printf '%s\n' "HOME=$STATE/rabbitmq" ;;
    # octavia and cinder do not retry (everywhere) a transaction that loses a write conflict: see
    # pylib/sitecustomize.py
    octavia-api | octavia-worker | cinder-api | cinder-scheduler | cinder-volume)
        printf '%s\n' "PYTHONPATH=$HERE/pylib" SPIDER_SQLITE_BEGIN=IMMEDIATE ;;
    *) printf '%s\n' "PYTHONPATH=$HERE/pylib" ;;
    esac
}

# The TCP port each listening service binds (127.0.0.1).
service_port() {
    case "$1" in
    epmd) echo 4369 ;; rabbitmq) echo 5672 ;; keystone) echo 5000 ;; placement) echo 8778 ;;
    glance-api) echo 9292 ;; nova-api) echo 8774 ;; neutron-server) echo 9696 ;;
    cinder-api) echo 8776 ;; octavia-api) echo 9876 ;; *) echo "" ;;
    esac
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Starts one service in a session (and process group) of its own; records "PID starttime".
# Refuses when the service's port is already taken (by a process this harness did not start).
start_service() {
    local name=$1 cmd envs logf pid port
    port=$(service_port "$name")
    if [ -n "$port" ] && port_open "$port"; then
        die "cannot start $name: 127.0.0.1:$port is taken by a process this harness did not start (ss -ltnp 'sport = :$port' shows it)"
    fi
    mapfile -t cmd < <(service_cmd "$name")
    mapfile -t envs < <(service_env "$name")
    logf=$STATE/log/$name.log
    printf '\n===== %s start %s =====\n' "$(date -u +%FT%TZ)" "$name" >>"$logf"
    if [ "$name" = rabbitmq ]; then
        # shellcheck source=/dev/null
        ( set -a; . "$STATE/etc/rabbitmq/rabbitmq-env.sh"; set +a
          cd "$STATE" && exec env "${envs[@]}" setsid "${cmd[@]}" </dev/null >>"$logf" 2>&1 ) &
    else
        ( cd "$STATE" && exec env "${envs[@]}" setsid "${cmd[@]}" </dev/null >>"$logf" 2>&1 ) &
    fi
    pid=$!
    printf '%s %s\n' "$pid" "$(proc_start_time "$pid")" >"$(pidfile "$name")"
}

# Stops services by their recorded process group: TERM, then KILL after a bound. Waits for the end.
stop_services() {
    local name pid pids=() names=() i deadline
    for name in "$@"; do
        if pid=$(service_pid "$name"); then
            kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
            pids+=("$pid"); names+=("$name")
        fi
        rm -f "$(pidfile "$name")"
    done
    [ ${#pids[@]} -eq 0 ] && return 0
    deadline=$((SECONDS + 15))
    while :; do
        local alive=0
        for i in "${!pids[@]}"; do
            # A process group is gone when no process is left in it.
            if pgroup_alive "${pids[$i]}"; then alive=1; fi
        done
        [ $alive -eq 0 ] && break
        if [ $SECONDS -ge $deadline ]; then
            for i in "${!pids[@]}"; do
                if pgroup_alive "${pids[$i]}"; then
                    log "  ${names[$i]} did not stop in 15 s: SIGKILL to its process group"
                    kill -KILL -- "-${pids[$i]}" 2>/dev/null || true
                fi
            done
            sleep 0.5
            break
        fi
        sleep 0.2
    done
}

# True while any process is left in process group $1.
pgroup_alive() { kill -0 -- "-$1" 2>/dev/null; }

# Fills the templates in etc/ into $STATE/etc (placeholders @STATE@, @HERE@, @SERVICE_PASSWORD@,
# and the octavia ids that init.sh records in $STATE/octavia-ids.env).
render_configs() {
    local src dst rel amp_flavor="" mgmt_net="" mgmt_sg="" service_project=""
    if [ -r "$STATE/octavia-ids.env" ]; then
        # shellcheck source=/dev/null
        . "$STATE/octavia-ids.env"
        amp_flavor=${AMP_FLAVOR_ID:-}; mgmt_net=${LB_MGMT_NET_ID:-}; mgmt_sg=${LB_MGMT_SG_ID:-}
        service_project=${SERVICE_PROJECT_ID:-}
    fi
    while IFS= read -r -d '' src; do
        rel=${src#"$HERE/etc/"}
        dst=$STATE/etc/$rel
        mkdir -p "$(dirname "$dst")"
        sed -e "s|@STATE@|$STATE|g" -e "s|@HERE@|$HERE|g" \
            -e "s|@SERVICE_PASSWORD@|$SERVICE_PASSWORD|g" \
            -e "s|@AMP_FLAVOR_ID@|$amp_flavor|g" -e "s|@LB_MGMT_NET_ID@|$mgmt_net|g" \
            -e "s|@LB_MGMT_SG_ID@|$mgmt_sg|g" -e "s|@SERVICE_PROJECT_ID@|$service_project|g" \
            "$src" >"$dst.tmp"
        mv "$dst.tmp" "$dst"
    done < <(find "$HERE/etc" -type f -print0)
}

make_dirs() {
    mkdir -p "$STATE"/{etc,db,run,log,template} \
        "$STATE"/data/{keystone/fernet-keys,keystone/credential-keys,glance/images,glance/staging,glance/tasks} \
        "$STATE"/data/{nova/instances,nova/lock,neutron/lock,cinder/lock,cinder/volumes,octavia/certs,octavia/lock,placement} \
        "$STATE"/rabbitmq/{mnesia,log}
    chmod 700 "$STATE/data/keystone/fernet-keys" "$STATE/data/keystone/credential-keys"
}

# The fingerprint of everything init.sh bakes into the template (and of the state folder's path,
# which the databases record): when it changes, init.sh redoes the template.
init_fingerprint() {
    {
        printf 'state=%s\n' "$STATE"
        (cd "$HERE" && find init.sh lib/seed.py lib/octavia_schema.py etc pylib -type f ! -name '*.pyc' -print0 |
            sort -z | xargs -0 sha256sum)
    } | sha256sum | cut -d' ' -f1
}
