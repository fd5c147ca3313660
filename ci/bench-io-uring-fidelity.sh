#!/usr/bin/env bash
# Fidelity of io.randread with -O engine=io_uring against fio
# --ioengine=io_uring --direct=1 on the same file: IOPS ratio at queue
# depths 1, 8 and 32 (same bs, threads and working set), median of
# interleaved pairs; target 0.9-1.1. ci/bench-io-fidelity.sh does the work
# with ENGINE=io_uring; its environment variables apply here too.
# Usage: ci/bench-io-uring-fidelity.sh [BUILD_DIR]
# Environment: as ci/bench-io-fidelity.sh, with ENGINE=io_uring, QDS
#   ("1 8 32"), THREADS ("1"), ROUNDS (5).
set -euo pipefail
ENGINE=io_uring QDS=${QDS:-"1 8 32"} THREADS=${THREADS:-1} ROUNDS=${ROUNDS:-5} \
	exec bash "$(dirname "$0")/bench-io-fidelity.sh" "$@"
