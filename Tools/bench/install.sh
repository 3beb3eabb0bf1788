#!/usr/bin/env bash
# Driver install benchmark: how long spiderd takes to install a ~10 MB signed bundle, beside what the
# plain tools take for the same archive, and how long the host takes to start with drivers installed.
#   1. folder registry:  POST /spider/driver/install   vs  sha256sum + tar -xzf
#   2. http registry (python3 -m http.server on 127.0.0.1):  the same  vs  curl -o + sha256sum + tar -xzf
#   3. spawn → first 200 from /spider/readyz with 5 tiny drivers installed (none loaded: spiderd
#      loads a driver on a connection's first call), the same followed by one call on a connection
#      of each of the 5 (each loads its driver; the tiny driver answers every operation
#      SPIDER_UNSUPPORTED, so each call answers 501), and, as the comparison, with no driver installed
# Rounds alternate spiderd and baseline (the start-up cases alternate alike); each figure is the
# median [min–max] over the rounds and each ratio is computed per round (spiderd ÷ baseline of the
# same round), then summarised alike. Informational like run.sh: prints figures and
# "meets"/"below", exits 0 even when below a goal; non-zero only when something failed to run. The
# timing is done in one python3 process (Tools/bench/install_measure.py). Raw output (every round
# in rounds.jsonl, the warm-ups marked; spiderd and http.server logs; table.txt) goes to the run
# folder it names at the end.
#
# Knobs (environment):
#   BENCH_INSTALL_MB=10          MiB of random bytes added to the driver (an ELF section), so the
#                                gzip'd bundle stays about that size
#   BENCH_INSTALL_ROUNDS=7       timed install rounds per registry (after 1 warm-up round)
#   BENCH_INSTALL_GOAL=1.3       goal: the median ratio per round (spiderd ÷ baseline) ≤ this
#   BENCH_START_ROUNDS=10        timed starts per case (after 1 warm-up round)
#   BENCH_START_GOAL_MS=100      goal for the median starts with 5 drivers (installed; and loaded)
#   SPIDERD=path                 spiderd binary (default .build/release/spiderd, then .build-bench's,
#                                then .build/debug's)
#   SPIDER_PACK=path             spider-pack binary (default: beside spiderd)
#   BENCH_OUT=dir                run folder for raw output (default .build/bench/<UTC time>-install/)
#   BENCH_KEEP=0                 1: keep the temp dir (registry, data dirs) and print its path
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

MB=${BENCH_INSTALL_MB:-10}
ROUNDS=${BENCH_INSTALL_ROUNDS:-7}
GOAL=${BENCH_INSTALL_GOAL:-1.3}
START_ROUNDS=${BENCH_START_ROUNDS:-10}
START_GOAL=${BENCH_START_GOAL_MS:-100}
KEEP=${BENCH_KEEP:-0}
TINY_DRIVERS=(bench-a bench-b bench-c bench-d bench-e)

say() { printf '%s\n' "$*"; }
warn() { printf 'install.sh: %s\n' "$*" >&2; }
die() { warn "$*"; exit 1; }

for tool in cc make objcopy curl python3 sha256sum tar; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done
for n in "$MB" "$ROUNDS" "$START_ROUNDS" "$START_GOAL"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || die "knobs must be positive integers (got '$n')"
done

# shellcheck source=run-child.sh
. "$HERE/run-child.sh"
bench_spiderd || exit 1
PACK=${SPIDER_PACK:-$(dirname "$SPIDERD_BIN")/spider-pack}
[[ -x $PACK ]] || die "no spider-pack at $PACK (set SPIDER_PACK, or: swift build -c release)"
say "spiderd: $SPIDERD_BIN ($BUILD_KIND build)"

# ---------- temp dir, run folder and cleanup: only the process started here, by PID ----------
# The measuring python process stops its own servers (spiderd, http.server) on TERM.
bench_out install
bench_temp_dir spider-install
: >"$OUT/rounds.jsonl"
measure() { run_child python3 "$HERE/install_measure.py" "$@"; }
pack() { "$PACK" "$@" >>"$TMP/spider-pack.log" 2>&1 || { tail -n 20 "$TMP/spider-pack.log" >&2; die "spider-pack $1 failed"; }; }
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

# ---------- the registry: a padded CExample driver and five tiny ones, signed ----------
REG=$TMP/registry KEYS=$TMP/keys TRUST=$TMP/trusted-keys
mkdir -p "$REG" "$TRUST" "$TMP/build"
pack keygen --out "$KEYS"
cp "$KEYS/spider-registry.pub" "$TRUST/"

say "building the CExample driver with ${MB} MiB of random bytes in a .benchpad section"
make -s -C "$ROOT/Plugins/CExample" OUT="$TMP/build/cexample" >"$TMP/make.log" 2>&1 \
    || { tail -n 20 "$TMP/make.log" >&2; die "make -C Plugins/CExample failed"; }
CEX_LIB=$TMP/build/cexample/libspider-driver-cexample.so
head -c "$((MB * 1024 * 1024))" /dev/urandom >"$TMP/build/pad.bin"
# Random bytes do not compress, so the archive keeps the padding's size.
objcopy --add-section .benchpad="$TMP/build/pad.bin" --set-section-flags .benchpad=noload,readonly "$CEX_LIB"
CEX_MANIFEST=$ROOT/Plugins/CExample/driver.json
CEX_NAME=$(field "$CEX_MANIFEST" name) CEX_VERSION=$(field "$CEX_MANIFEST" version)
pack bundle --library "$CEX_LIB" --manifest "$CEX_MANIFEST" --out "$REG/$CEX_NAME/$CEX_VERSION"
CEX_ARCHIVE=$(find "$REG/$CEX_NAME/$CEX_VERSION" -name '*.tar.gz' | head -n 1)

say "building ${#TINY_DRIVERS[@]} tiny drivers: ${TINY_DRIVERS[*]}"
PLATFORM=linux-$(uname -m)
for name in "${TINY_DRIVERS[@]}"; do
    dir=$TMP/build/$name
    mkdir -p "$dir"
    cc -std=c11 -O2 -shared -fPIC -fvisibility=hidden -Wl,--no-undefined -I "$ROOT/DriverABI/C/include" \
        -DBENCH_DRIVER_NAME="\"$name\"" -o "$dir/libspider-driver-$name.so" "$HERE/tiny-driver.c"
    provider=$(tr 'a-z-' 'A-Z_' <<<"$name")
    cat >"$dir/driver.json" <<EOF
{
  "name": "$name", "version": "1.0.0", "abi_version": 1, "provider": "$provider",
  "library": "libspider-driver-$name.so", "platform": "$PLATFORM", "language": "c",
  "description": "a tiny driver for the install benchmark's start-up figure",
  "credential_keys": ["ApiKey"], "region_keys": ["Region"],
  "capabilities": {"regionZoneHandler": true}
}
EOF
    pack bundle --library "$dir/libspider-driver-$name.so" --manifest "$dir/driver.json" --out "$REG/$name/1.0.0"
done
pack index --registry "$REG"
pack sign --registry "$REG" --key "$KEYS/spider-registry.key"
pack verify --registry "$REG" --trust "$TRUST"
say "registry $REG: $(basename "$CEX_ARCHIVE") is $(stat -c %s "$CEX_ARCHIVE") bytes"

HOST=(--spiderd "$SPIDERD_BIN" --trusted-keys "$TRUST" --registry "$REG" --out "$OUT")
LOAD_BEFORE=$(bench_load)

# ---------- 1 and 2: installs ----------
INSTALL=(--name "$CEX_NAME" --version "$CEX_VERSION" --archive "$CEX_ARCHIVE" --rounds "$ROUNDS"
    --goal-ratio "$GOAL" --phases)
say "measuring installs from the folder registry ($ROUNDS rounds + 1 warm-up) ..."
mkdir -p "$TMP/folder"
measure install "${HOST[@]}" "${INSTALL[@]}" --label "install, folder registry" \
    --baseline "sha256sum + tar -xzf" --scratch "$TMP/folder"
say "measuring installs from the http registry ($ROUNDS rounds + 1 warm-up) ..."
mkdir -p "$TMP/http"
measure install "${HOST[@]}" "${INSTALL[@]}" --http --label "install, http registry" \
    --baseline "curl -s -o + sha256sum + tar -xzf" --scratch "$TMP/http"

# ---------- 3: start-up ----------
say "installing ${#TINY_DRIVERS[@]} drivers into a data dir, each with a connection; a second data dir stays without drivers"
mkdir -p "$TMP/start"
measure prepare "${HOST[@]}" --data-dir "$TMP/start/five" --connections --expect-status 501 "${TINY_DRIVERS[@]}"
measure prepare "${HOST[@]}" --data-dir "$TMP/start/none"
CONNECTIONS=$(printf '%s-config,' "${TINY_DRIVERS[@]}")
N=${#TINY_DRIVERS[@]}
say "measuring start-up ($START_ROUNDS rounds + 1 warm-up, 3 cases alternating) ..."
measure startup "${HOST[@]}" --rounds "$START_ROUNDS" --goal-ms "$START_GOAL" --expect-status 501 \
    --case "start to ready, $N drivers installed (none loaded: drivers load on first use)" "$TMP/start/five" - \
    --case "start to ready + 1 call on each of the $N drivers (all $N loaded)" "$TMP/start/five" "${CONNECTIONS%,}" \
    --case "start to ready, no driver installed" "$TMP/start/none" -
LOAD_AFTER=$(bench_load)

# ---------- the table (also in table.txt) ----------
say ""
tsay "spiderd: $SPIDERD_BIN ($BUILD_KIND build). $(bench_machine); not pinned."
tsay "Load average before/after: $LOAD_BEFORE / $LOAD_AFTER."
tsay "Installs: POST /spider/driver/install (answers when the job is done) timed over the Unix socket, one request"
tsay "per connection; the baseline is sha256sum + tar -xzf into a fresh folder (curl -s -o first for http), same"
tsay "archive; $ROUNDS rounds (+1 warm-up), alternating. Start: spawn → first 200 from /spider/readyz, polled every"
tsay "0.5 ms (→ GET /spider/regionzone?ConnectionName=<each tiny driver's connection>, one after another, each"
tsay "answering 501); $START_ROUNDS rounds (+1 warm-up), the cases alternating within a round."
tsay "Figures: median [min–max] over the rounds; ratio per round = spiderd ÷ baseline (or ÷ the start with no driver)"
tsay "of the same round."
tsay ""
measure report --out "$OUT"
tsay ""
tsay "Goals (informational, never a build failure): install ≤ ${GOAL}× the baseline; starts with $N drivers ≤ ${START_GOAL} ms."
