#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: the normal build (unit
# and integration tests: bare metal, real TCG guests, sshd on loopback),
# then an ASan+UBSan build of the unit tests and the host smoke tests.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bash ci/setup.sh
bash ci/fetch-guest-kernel.sh

bash ci/build.sh "$here/build"
echo "== tests (RelWithDebInfo)" >&2
(cd build && ctest --output-on-failure --timeout 1500 -j1)

echo "== tests (ASan+UBSan)" >&2
bash ci/build.sh "$here/build-asan" -DCMAKE_BUILD_TYPE=Debug -DVP_SANITIZE=ON
# Guests boot the sanitized binary too slowly to be worth it; the unit tests
# and the host-side integration tests cover the same code paths.
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	ctest --output-on-failure --timeout 1500 -j1 -E 'integration\.(vm|ssh|libvirt)')
