#!/usr/bin/env bash
# Lays the repository's built drivers out as the host reads them: <dest>/<name>/<version>/
# holding driver.json and the .so. Usage: Tools/stage-drivers.sh <dest> [swift-build-dir]
# The Swift driver's manifest gets the toolchain that actually built it.
set -euo pipefail
dest=${1:?usage: stage-drivers.sh <dest> [swift-build-dir]}
mkdir -p "$dest" && dest=$(cd "$dest" && pwd)   # absolute: make runs in another folder
root=$(cd "$(dirname "$0")/.." && pwd)
build=${2:-$root/.build/debug}
toolchain=$(. "$root/Tools/swift-toolchain.sh" && use_swift_toolchain && swift --version 2>&1 | sed -n 's/.*Swift version \([0-9][0-9.]*\).*/\1/p' | head -1)

field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

# Swift drivers (built by `swift build`): the Mock, AWS and OpenStack.
for manifest in "$root/Plugins/Mock/driver.json" "$root/Plugins/AWS/driver.json" "$root/Plugins/OpenStack/driver.json"; do
    dir=$dest/$(field "$manifest" name)/$(field "$manifest" version)
    mkdir -p "$dir"
    install -m 0755 "$build/$(field "$manifest" library)" "$dir/"
    python3 - "$manifest" "$dir/driver.json" "$toolchain" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["swift_toolchain"] = sys.argv[3]
json.dump(m, open(sys.argv[2], "w"), indent=2)
PY
done

# Example C driver (plain gcc, no Swift).
manifest=$root/Plugins/CExample/driver.json
dir=$dest/$(field "$manifest" name)/$(field "$manifest" version)
mkdir -p "$dir"
make -s -C "$root/Plugins/CExample" OUT="$dir" >/dev/null
install -m 0644 "$manifest" "$dir/driver.json"

echo "staged drivers in $dest:"
find "$dest" -name driver.json | sed "s|^$dest/|  |; s|/driver.json$||"
