#!/usr/bin/env bash
# The libvirt target writes every metric the vm target writes: one run of
# vm2 and libvirt:vm2@qemu:///system (cpu.int and lock.ticket at 1 and 2
# threads, one short rep each), then, per workload and thread count, the
# metric names of the two targets' rows are compared, host-side rows
# (vcpu_*, kvm.*) included, and every row of both must be ok or
# unavailable with a reason. Histogram bucket rows are left out: they exist
# only for non-empty buckets, so any two runs differ there. Needs root and
# a libvirtd (started with ci/start-libvirtd.sh), else skipped.
set -euo pipefail
source "$(dirname "$0")/lib.bash"

[[ $(id -u) -eq 0 ]] || skip "starting libvirtd needs root"
command -v virsh >/dev/null || skip "virsh not installed (bash ci/setup.sh)"
bash "$VP_SOURCE_DIR/ci/start-libvirtd.sh" || skip "libvirtd does not start here (see above)"
target="libvirt:vm2@qemu:///system"
work=$(mktemp -d /tmp/vpbench-libvirt-set.XXXXXX)
trap 'rm -rf "$work"' EXIT

set +e
"$VPBENCH" run -t "vm2,$target" -w cpu.int,lock.ticket -j 1,2 -r 1 -d 0.2 \
	-o "$work/run" --run-id lvset$$ --no-report -q 2>"$work/err"
rc=$?
set -e
res="$work/run/results.csv"
grep -q "built without libvirt" "$res" 2>/dev/null && skip "built without libvirt"
check "run exit 0 (got $rc): $(tail -3 "$work/err")" test "$rc" -eq 0

# target -> {(workload, threads): sorted metric names}
names() {
	csvq "$res" "{k: sorted({r['metric'] for r in rows if r['target'] == '$1' and (r['workload'], r['threads']) == k and '_bucket_le_' not in r['metric']}) for k in sorted({(r['workload'], r['threads']) for r in rows if r['target'] == '$1'})}"
}
a=$(names vm2)
b=$(names "$target")
check "vm2 rows present" test "$a" != "{}"
check "libvirt rows present" test "$b" != "{}"
diff_text=$(python3 -c "
a, b = $a, $b
for k in sorted(set(a) | set(b)):
    x, y = set(a.get(k, [])), set(b.get(k, []))
    if x != y:
        print(k, 'only vm2:', sorted(x - y), 'only libvirt:', sorted(y - x))")
check "same metric names per cell as vm2${diff_text:+: $diff_text}" test -z "$diff_text"
for t in vm2 "$target"; do
	bad=$(csvq "$res" "[(r['workload'], r['threads'], r['metric'], r['status'], r['note']) for r in rows if r['target'] == '$t' and not (r['status'] == 'ok' or (r['status'] == 'unavailable' and r['note'].strip()))][:5]")
	check "$t: every row ok or unavailable with a reason: $bad" test "$bad" == "[]"
done
# The row the libvirt target lacked: a count on this local URI.
check "libvirt vcpu_preemptions ok on every step" test \
	"$(csvq "$res" "sum(r['metric'] == 'vcpu_preemptions' and r['status'] == 'ok' for r in rows if r['target'] == '$target')")" -eq 4
finish
