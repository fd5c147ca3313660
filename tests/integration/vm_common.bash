# shellcheck shell=bash
# Shared by the vm_*.sh integration tests (sourced; named .bash so ctest
# does not run it as a test). Skips (exit 77) with the reason when QEMU
# or a guest kernel is missing.
: "${VPBENCH:?VPBENCH must point at the vpbench binary}"
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

vm_require() {
	command -v "${VPBENCH_QEMU:-qemu-system-x86_64}" >/dev/null ||
		skip "qemu-system-x86_64 not installed (apt-get install qemu-system-x86)"
	local cache="${VPBENCH_CACHE:-$HOME/.cache/vpbench}"
	if [[ ! -r /boot/vmlinuz-$(uname -r) ]] &&
		! compgen -G "$cache/kernel/boot/vmlinuz-*" >/dev/null; then
		skip "no guest kernel: run 'bash ci/fetch-guest-kernel.sh' first"
	fi
}

# Column helper: rows of results.csv as fields (no quoted commas in the
# columns the tests look at).
results_rows() { tail -n +2 "$1"; }
