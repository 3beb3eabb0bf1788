#!/usr/bin/env bash
# One entry point for people and CI:
#   Tools/dev.sh start   install missing Debian packages, build, put the drivers in a local registry, run spiderd
#   Tools/dev.sh test    install missing Debian packages, build, stage the drivers, run every test
#   Tools/dev.sh bench   build in release mode; run the socket benchmark beside nginx, the dashboard fan-out, the driver install benchmark, the AWS driver against moto beside boto3 and AWS prices from a large offer file
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

need_swift() {
    command -v swift >/dev/null || { echo "Swift 6.1 or newer is required (swift.org/install)" >&2; exit 1; }
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
    install_missing "${packages[@]}"; need_swift; need_moto
    swift build
    rm -rf .build/test-drivers
    Tools/stage-drivers.sh "$root/.build/test-drivers" "$root/.build/debug"
    make -s -C Plugins/CExample check OUT="$root/.build/test-drivers/cexample-check"
    SPIDER_TEST_DRIVERS="$root/.build/test-drivers" SPIDERD="$root/.build/debug/spiderd" swift test
    ;;
bench)
    install_missing "${packages[@]}" nginx-light; need_swift
    swift build -c release
    rm -rf .build/bench-drivers
    Tools/stage-drivers.sh "$root/.build/bench-drivers" "$root/.build/release"
    SPIDERD="$root/.build/release/spiderd" SPIDER_DRIVERS_DIR="$root/.build/bench-drivers" bash Tools/bench/run.sh
    SPIDERD="$root/.build/release/spiderd" SPIDER_DRIVERS_DIR="$root/.build/bench-drivers" bash Tools/bench/dashboard.sh
    SPIDERD="$root/.build/release/spiderd" bash Tools/bench/install.sh
    need_moto; SPIDERD="$root/.build/release/spiderd" bash Tools/bench/aws.sh
    SPIDERD="$root/.build/release/spiderd" bash Tools/bench/offer-file.sh
    ;;
*)
    sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
