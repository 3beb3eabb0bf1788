# Sourced by the project's scripts: puts the Swift toolchain's folder first on PATH.
# Why: OpenStack's command-line clients (python3-swiftclient, pulled in by several OpenStack
# packages) install /usr/bin/swift, an object-storage client, which shadows the toolchain's
# `swift` wherever /usr/bin comes first. A `swift` counts only if `swift --version` says
# "Swift version". SWIFT_TOOLCHAIN=<folder holding swift> chooses one explicitly.
# Usage: . Tools/swift-toolchain.sh && use_swift_toolchain || exit 1

is_swift_toolchain() {   # <folder>
    [ -x "$1/swift" ] && "$1/swift" --version 2>&1 | grep -q "Swift version"
}

use_swift_toolchain() {
    local candidates=() found=""
    [ -n "${SWIFT_TOOLCHAIN:-}" ] && candidates+=("$SWIFT_TOOLCHAIN")
    local on_path; on_path=$(command -v swift 2>/dev/null || true)
    [ -n "$on_path" ] && candidates+=("$(dirname "$on_path")")
    local compiler; compiler=$(command -v swiftc 2>/dev/null || true)
    [ -n "$compiler" ] && candidates+=("$(dirname "$(readlink -f "$compiler")")" "$(dirname "$compiler")")
    candidates+=(/opt/swift/usr/bin /usr/share/swift/usr/bin /usr/local/swift/usr/bin "$HOME/.local/share/swiftly/bin")
    for dir in "${candidates[@]}"; do
        if is_swift_toolchain "$dir"; then found=$dir; break; fi
    done
    if [ -z "$found" ]; then
        echo "Swift 6.1 or newer is required (swift.org/install); no 'swift' that prints 'Swift version' was found" \
             "(set SWIFT_TOOLCHAIN to the folder holding it)" >&2
        return 1
    fi
    case ":$PATH:" in
        ":$found:"*) ;;
        *) export PATH="$found:$PATH" ;;
    esac
}
