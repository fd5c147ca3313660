#!/usr/bin/env bash
# `cpack -G DEB` on this build: the package's Depends name the Debian package
# of every shared library the binary links (each NEEDED entry, resolved with
# ldd and dpkg -S), Recommends name QEMU, and its contents are the installed
# layout. Unpacked with dpkg-deb -x (nothing installed on this machine), the
# binary runs, shows the build's version and names its own unpacked
# fetch-guest-kernel.sh when no guest kernel is found.
set -u
. "$(dirname "$0")/lib.bash"
build=${VP_BUILD_DIR:?VP_BUILD_DIR: the build folder}
for t in cpack dpkg-deb dpkg-shlibdeps dpkg ldd objdump; do
	command -v "$t" >/dev/null || skip "$t is not installed (apt-get install dpkg-dev binutils)"
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$build" && cpack -G DEB -B "$tmp/out") >"$tmp/cpack.log" 2>&1
check "cpack -G DEB exits 0 ($(tail -2 "$tmp/cpack.log"))" test $? -eq 0
deb=$(ls "$tmp"/out/vpbench_*.deb 2>/dev/null | head -1)
check "a vpbench_<version>_<arch>.deb is written" test -s "${deb:-/nonexistent}"
[[ -s ${deb:-} ]] || { finish; exit 1; }
field() { dpkg-deb -f "$deb" "$1"; }
depends=$(field Depends)
check "package name" test "$(field Package)" = vpbench
check "version is the project's ($(field Version))" \
	grep -q "^vpbench $(field Version) " <<<"$("$VPBENCH" --version)"
check "Recommends QEMU ($(field Recommends))" grep -qw qemu-system-x86 <<<"$(field Recommends)"
mapfile -t needed < <(objdump -p "$VPBENCH" | awk '$1 == "NEEDED" { print $2 }')
check "the binary links libraries (${needed[*]})" test "${#needed[@]}" -ge 2
for lib in "${needed[@]}"; do
	path=$(ldd "$VPBENCH" | awk -v l="$lib" '$1 == l { print $3 }')
	pkg=$(dpkg -S "$(realpath "$path")" 2>/dev/null | head -1 | cut -d: -f1)
	[[ -z $pkg ]] && pkg=$(dpkg -S "$path" 2>/dev/null | head -1 | cut -d: -f1)
	check "$lib ($path) comes from a Debian package" test -n "$pkg"
	check "Depends names $pkg for $lib ($depends)" grep -qE "(^|, )$pkg( |,|$)" <<<"$depends"
done

dpkg-deb -c "$deb" >"$tmp/contents"
for f in /bin/vpbench /libexec/vpbench/fetch-guest-kernel.sh \
	/share/bash-completion/completions/vpbench /share/doc/vpbench/LICENSE; do
	check "package contains ...$f" grep -q -- "$f\$" "$tmp/contents"
done
if [[ ${VP_HAVE_MAN:-} == TRUE || ${VP_HAVE_MAN:-} == ON ]]; then
	check "package contains the man page" grep -q -- "/share/man/man1/vpbench.1" "$tmp/contents"
fi

dpkg-deb -x "$deb" "$tmp/root"
bin=$(find "$tmp/root" -path '*/bin/vpbench' | head -1)
check "unpacked binary shows the build's version" \
	test "$("$bin" --version)" = "$("$VPBENCH" --version)"
check "unpacked binary lists workloads" bash -c '"$1" list | grep -q "^io.randread "' _ "$bin"
if [[ ! -r /boot/vmlinuz-$(uname -r) ]] && command -v qemu-system-x86_64 >/dev/null; then
	script=$(realpath "$(find "$tmp/root" -name fetch-guest-kernel.sh | head -1)")
	out=$(HOME=$tmp/home VPBENCH_CACHE=$tmp/empty "$bin" run -t vm1 -w cpu.int -j 1 \
		-r 1 -d 0.1 --counters none --no-report -o "$tmp/run" 2>&1 >/dev/null)
	check "unpacked binary names its own script ($out)" grep -qF "bash $script\`" <<<"$out"
fi
finish
