#!/usr/bin/env bash
# Configures and builds vpbench. Usage: ci/build.sh [BUILD_DIR] [extra cmake args]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
shift || true
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVP_WERROR=ON "$@" >"$build.configure.log" 2>&1 ||
	{ cat "$build.configure.log" >&2; exit 1; }
grep -A20 'features have been enabled' "$build.configure.log" | sed -n '1,20p' >&2 || true
cmake --build "$build" -j"$(nproc)"
