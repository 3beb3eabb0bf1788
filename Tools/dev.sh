#!/usr/bin/env bash
# One entry point for people and CI:
#   Tools/dev.sh start   install missing Debian packages, build, put the drivers in a local registry, run spiderd
#   Tools/dev.sh test    install missing Debian packages (and the test OpenStack), build, stage the drivers, run every test
#   Tools/dev.sh bench   build in release mode; run every benchmark in Tools/bench/ (socket vs nginx 5 rounds, dashboard fan-out, driver installs, AWS vs boto3 15 rounds, OpenStack vs openstacksdk 5 rounds, AWS offer file), raw output and summary.txt in .build/bench/<UTC time>/
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

packages=(pkg-config gcc make binutils curl python3 libsqlite3-dev libssl-dev libcurl4-openssl-dev libarchive-dev)

install_missing() {
    local missing=()
    for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "installing Debian packages: ${missing[*]}"
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The toolchain's `swift`, first on PATH even where OpenStack's object-storage client put another.
# shellcheck source=Tools/swift-toolchain.sh
. "$root/Tools/swift-toolchain.sh"
need_swift() {
    use_swift_toolchain || exit 1
}

# The AWS driver's tests run against moto's server (a local AWS API) and read its state with
# boto3 (a moto dependency), both through python3: pip installs moto from PyPI when python3 cannot
# import it. Debian's python marks itself externally managed (PEP 668); PIP_BREAK_SYSTEM_PACKAGES
# lets pip install anyway (older pips ignore it).
need_moto() {
    python3 -c "import moto.server, boto3" 2>/dev/null && return 0
    python3 -m pip --version >/dev/null 2>&1 || install_missing python3-pip
    echo "installing moto[server]==5.2.5 from PyPI"
    PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install --quiet 'moto[server]==5.2.5'
}

# The OpenStack driver's tests run against a real OpenStack (Debian 12's Zed packages) that
# Tools/openstack installs (as root, once), initialises (once) and starts; the tests start it when
# it is not running, and `test` stops it afterwards (by the PIDs its start recorded) unless it ran before.
need_openstack() {
    Tools/openstack/install.sh
    Tools/openstack/init.sh
}

case "${1:-}" in
start)
    install_missing "${packages[@]}"; need_swift
    swift build -c release
    data=${SPIDER_DATA_DIR:-$(if [ "$(id -u)" -eq 0 ]; then echo /var/lib/spider; else echo "${XDG_DATA_HOME:-$HOME/.local/share}/spider"; fi)}
    # The host installs drivers on demand from <data>/registry, signed by a key it trusts.
    Tools/local-registry.sh "$data" "$root/.build/release"
    shift
    exec "$root/.build/release/spiderd" --data-dir "$data" "$@"
    ;;
test)
    install_missing "${packages[@]}"; need_swift; need_moto; need_openstack
    swift build
    rm -rf .build/test-drivers
    Tools/stage-drivers.sh "$root/.build/test-drivers" "$root/.build/debug"
    make -s -C Plugins/CExample check OUT="$root/.build/test-drivers/cexample-check"
    # Stop the test OpenStack afterwards unless it was already running (someone else's session).
    curl -s -o /dev/null --max-time 2 http://127.0.0.1:5000/v3 || trap 'Tools/openstack/stop.sh >/dev/null 2>&1 || true' EXIT
    SPIDER_TEST_DRIVERS="$root/.build/test-drivers" SPIDERD="$root/.build/debug/spiderd" swift test
    ;;
bench)
    install_missing "${packages[@]}" nginx-light; need_swift; need_moto; need_openstack
    swift build -c release
    rm -rf .build/bench-drivers
    Tools/stage-drivers.sh "$root/.build/bench-drivers" "$root/.build/release"
    # One run folder: each script's raw output in its own subfolder, everything printed in summary.txt.
    run="$root/.build/bench/$(date -u +%Y%m%dT%H%M%SZ)"
    mkdir -p "$run"
    export SPIDERD="$root/.build/release/spiderd" SPIDER_DRIVERS_DIR="$root/.build/bench-drivers"
    bench_one() { # subfolder script [VAR=value ...]: runs on after a failure, remembers it
        local out=$1 script=$2 rc=0
        shift 2
        echo; echo "=== Tools/bench/$script${*:+ ($*)} → $run/$out"
        env BENCH_OUT="$run/$out" "$@" bash "Tools/bench/$script" || rc=$?
        [ "$rc" -eq 0 ] || { echo "dev.sh bench: Tools/bench/$script exited $rc"; failed+=" $script"; }
    }
    rc=0
    {
        failed=""
        echo "Tools/dev.sh bench, $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')"
        echo "spiderd: $SPIDERD (release build); $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1))"
        bench_one socket run.sh BENCH_ROUNDS=5
        bench_one dashboard dashboard.sh
        bench_one install install.sh
        bench_one aws aws.sh BENCH_AWS_ROUNDS=15
        bench_one openstack openstack.sh BENCH_OPENSTACK_ROUNDS=5
        bench_one offer-file offer-file.sh
        echo
        [ -z "$failed" ] || { echo "dev.sh bench: failed:$failed"; exit 1; }
    } 2>&1 | tee "$run/summary.txt" || rc=$?
    echo "bench run folder: $run"
    exit "$rc"
    ;;
*)
    sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
