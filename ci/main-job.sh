#!/usr/bin/env bash
# The main job: installs what is needed, builds vpbench, fetches a guest
# kernel when the host's own is not readable, and runs the default matrix
# (host vs 1P/2P/4P VMs x cpu, lock, io x 1,2,4 threads). Extra arguments go
# to `vpbench run`. Prints the run folder and report path at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bash ci/setup.sh
bash ci/fetch-guest-kernel.sh
bash ci/build.sh "$here/build"
exec "$here/build/vpbench" run "$@"
