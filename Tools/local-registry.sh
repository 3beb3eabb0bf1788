#!/usr/bin/env bash
# Builds the repository's own drivers into a local, signed registry the host installs from:
#   <data-dir>/registry/        index.json, index.json.sig, <name>/<version>/<bundle>.tar.gz
#   <data-dir>/registry-key/    the signing key (made on first run, never overwritten; folder 0700)
#   <data-dir>/trusted-keys/    local-registry.pub, so the host trusts what this script signs
# Usage: Tools/local-registry.sh <data-dir> [swift-build-dir]   (build dir default: .build/debug)
#
# This is the developer's own registry: rebuilding a driver without bumping its version replaces
# that version's bundle here. A host that already installed the version keeps the old archive
# (its lock file refuses another one), so a hint says how to get the new one installed.
set -euo pipefail
trap 'echo "local-registry.sh: failed at line $LINENO" >&2' ERR
usage="usage: local-registry.sh <data-dir> [swift-build-dir]"
data=${1:?$usage}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$data" && data=$(cd "$data" && pwd)
build=$(cd "${2:-$root/.build/debug}" && pwd)
spider_pack=$build/spider-pack
[ -x "$spider_pack" ] || { echo "$spider_pack is missing: run swift build first" >&2; exit 1; }

registry=$data/registry keys=$data/registry-key trust=$data/trusted-keys
key=$keys/spider-registry.key pub=$keys/spider-registry.pub

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
# The archive SHA-256 the host's lock file records for a driver version, or nothing.
locked() {
    [ -f "$data/drivers/spider.lock.json" ] || return 0
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])).get("drivers", {})
print(d.get(sys.argv[2], {}).get(sys.argv[3], {}).get("archive_sha256", ""))' "$data/drivers/spider.lock.json" "$1" "$2"
}
# Runs spider-pack keeping its output in $packed; on failure shows what it said and stops.
pack() {
    packed=$("$spider_pack" "$@" 2>"$work/stderr") ||
        { printf 'spider-pack %s failed:\n%s\n' "$1" "$(cat "$work/stderr")" >&2; exit 1; }
}

mkdir -p -m 0700 "$keys" && chmod 0700 "$keys"
# Two runs on the same data dir would race on the registry swap below.
exec 9>"$keys/.lock"
flock 9

# The key: made once. Half a pair is refused rather than replaced, since replacing it would
# silently change which key the registry is signed with.
if [ ! -e "$key" ] && [ ! -e "$pub" ]; then
    pack keygen --out "$keys"
elif [ ! -e "$key" ] || [ ! -e "$pub" ]; then
    echo "$keys holds only half of a key pair; restore the missing file, or remove both to make a new key" >&2
    exit 1
fi
chmod 0600 "$key"
key_id=$(sed -n 's/^key-id: *//p' "$pub")
mkdir -p "$trust"
cmp -s "$pub" "$trust/local-registry.pub" || install -m 0644 "$pub" "$trust/local-registry.pub"

next=$(mktemp -d "$data/.registry.XXXXXX")   # same file system as the registry: swapped in by rename
trap 'rm -rf "$work" "$next" "$data/.registry.old.$$"' EXIT
"$root/Tools/stage-drivers.sh" "$work/staged" "$build" >/dev/null

# Start from the current registry so versions no longer built here stay available.
if [ -d "$registry" ]; then cp -a "$registry/." "$next/"; fi
chmod 0755 "$next"
rm -f "$next/index.json" "$next/index.json.sig"

summary=() notes=()
for manifest in "$work"/staged/*/*/driver.json; do
    staged=$(dirname "$manifest")
    name=$(field "$manifest" name) version=$(field "$manifest" version)
    docs=()
    for source in "$root"/Plugins/*/driver.json; do
        if [ "$(field "$source" name)" = "$name" ] && [ -f "$(dirname "$source")/README.md" ]; then
            docs=(--doc "$(dirname "$source")/README.md")
        fi
    done
    was=$(find "$next/$name/$version" -name '*.tar.gz' -exec sha256sum {} + 2>/dev/null | cut -d' ' -f1 || true)
    rm -rf "${next:?}/$name/$version"
    pack bundle --library "$staged/$(field "$manifest" library)" --manifest "$manifest" "${docs[@]}" \
        --out "$next/$name/$version"
    sha=$(sha256sum "$packed" | cut -d' ' -f1)
    if [ ! -d "$registry/$name/$version" ]; then state=new
    elif [ "$was" = "$sha" ]; then state=unchanged
    else state=rebuilt; fi
    summary+=("  $name $version ($state)")

    # What the host's store already holds for this version.
    installed=$data/drivers/$name/$version
    if [ -f "$installed/receipt.json" ]; then
        if [ "$(field "$installed/receipt.json" archive_sha256)" != "$sha" ]; then
            notes+=("$name $version is installed in $installed from another archive, so the host keeps that one;
  remove it with DELETE /spider/driver/installed/$name/$version or bump the version")
        fi
    elif [ -d "$installed" ] && [ ! -e "$installed/.spider-incomplete" ]; then   # marked: an interrupted install
        notes+=("$installed was staged by hand (no receipt.json), so the host will not install $name $version over it;
  move that folder away to install from the registry")
    elif [ "$(locked "$name" "$version")" != "" ] && [ "$(locked "$name" "$version")" != "$sha" ]; then
        notes+=("$data/drivers/spider.lock.json records another archive for $name $version, so the host refuses this one;
  bump the version")
    fi
done

pack index --registry "$next"
pack sign --registry "$next" --key "$key"
pack verify --registry "$next" --trust "$trust"

# Swap the verified registry in; a failure above leaves the previous one untouched.
if [ -d "$registry" ]; then mv "$registry" "$data/.registry.old.$$"; fi
mv "$next" "$registry"
rm -rf "$data/.registry.old.$$"

echo "local registry $registry (signed by key $key_id, trusted in $trust):"
printf '%s\n' "${summary[@]}"
if [ ${#notes[@]} -gt 0 ]; then printf 'note: %s\n' "${notes[@]}" >&2; fi
