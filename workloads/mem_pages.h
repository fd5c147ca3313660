/* Anonymous memory regions on 4 KiB or 2 MiB pages for the mem.* workloads,
 * and the evidence of what actually backs them. A 2 MiB region comes from
 * the hugetlb pool (MAP_HUGETLB) when it holds enough free pages, else from
 * transparent huge pages (madvise(MADV_HUGEPAGE) on a 2 MiB-aligned range);
 * a 4 KiB region is madvise(MADV_NOHUGEPAGE)d so that THP in `always` mode
 * does not silently turn it into huge pages. Either way the kernel's own
 * account (AnonHugePages in /proc/self/smaps, or hugetlb) is read back
 * rather than assumed. */
#ifndef VP_MEM_PAGES_H
#define VP_MEM_PAGES_H

#include <stddef.h>
#include <stdint.h>

#define VP_HUGE_2M (2ull << 20)

enum vp_backing { VP_BACK_4K = 0, VP_BACK_HUGETLB, VP_BACK_THP };

struct vp_region {
	char *base;	/* start, 2 MiB-aligned for huge pages */
	size_t len;	/* usable bytes (a multiple of the page size) */
	void *map;	/* what to munmap */
	size_t map_len; /* ... and its length */
	enum vp_backing backing;
	double huge_pct; /* % of len on 2 MiB pages, as the kernel says */
	char how[192];	 /* one line for a note: how it was backed */
};

/* What this machine offers for 2 MiB pages of `len` bytes. Returns 0 with
 * `how` describing the way (hugetlb pool or THP mode), or -ENOTSUP with the
 * reason, e.g. "no huge pages: /proc/sys/vm/nr_hugepages is 0 and THP is
 * 'never'". `root` is "" for the real /proc and /sys (tests pass a folder
 * that mimics them). */
int vp_hugepages_probe(const char *root, size_t len, char *how, size_t howlen);

/* Maps len bytes (rounded up to the page size), on 2 MiB pages when huge,
 * and writes every 4 KiB of it so it is all populated. Then measures
 * huge_pct. Returns 0, -EOPNOTSUPP when huge pages were asked for but none
 * could back the region (THP gave 0 bytes: the reason names the fix), or
 * -errno; a message in err either way. */
int vp_region_map(struct vp_region *r, size_t len, int huge, char *err,
		  size_t errlen);
void vp_region_unmap(struct vp_region *r);

/* Bytes of [lo, hi) on transparent huge pages according to a smaps text
 * (AnonHugePages of every mapping that overlaps the range, capped at the
 * overlap). 0 or -EINVAL when the text has no mapping overlapping it. */
int vp_smaps_anon_huge(const char *text, uintptr_t lo, uintptr_t hi,
		       uint64_t *bytes);

/* MemAvailable from a /proc/meminfo text, in bytes; 0 or -EINVAL. */
int vp_meminfo_available(const char *text, uint64_t *bytes);

#endif
