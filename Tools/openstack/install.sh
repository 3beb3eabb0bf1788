#!/usr/bin/env bash
# Installs Debian 12's own OpenStack Zed packages for the local OpenStack (see README.md).
# Idempotent: asks dpkg first and runs apt-get only for what is missing.
# Nothing is started: a temporary /usr/sbin/policy-rc.d (exit 101) refuses every service start
# during the install (and is removed afterwards if this script created it).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
need_root

packages=(
    keystone                                   # identity (served by uwsgi here)
    glance-api                                 # images
    placement-api                              # placement
    nova-api nova-conductor nova-scheduler python3-nova   # compute; NOT nova-compute (libvirt, qemu): bin/nova-compute
    neutron-server                             # networking, with ML2 (python3-neutron)
    cinder-api cinder-scheduler cinder-volume  # block storage (fake driver)
    octavia-api octavia-worker                 # load balancers
    rabbitmq-server                            # message broker
    uwsgi uwsgi-plugin-python3                 # serves keystone, placement and octavia-api
    python3-openstacksdk                       # smoke.py, init's seeding, the driver tests
    openssl                                    # octavia's local CA
    qemu-utils                                 # qemu-img: the fixture images are real (tiny) qcow2 files
)

missing=()
for p in "${packages[@]}"; do
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" = installed ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    log "all ${#packages[@]} OpenStack packages are installed"
    exit 0
fi

t0=$(date +%s)
created_policy=0
cleanup() {
    if [ $created_policy = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
}
trap cleanup EXIT
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# Written by Tools/openstack/install.sh for the duration of the install: start no service.\nexit 101\n' \
        >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    created_policy=1
fi

log "installing ${#missing[@]} missing packages (of ${#packages[@]}): ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
log "installed in $(($(date +%s) - t0)) s"
if command -v swift >/dev/null && ! swift --version 2>/dev/null | grep -q 'Swift version'; then
    log "note: $(command -v swift) is not the Swift toolchain (python3-swiftclient installs /usr/bin/swift): see Tools/openstack/README.md"
fi
