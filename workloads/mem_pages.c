/* Anonymous regions on 4 KiB or 2 MiB pages and the kernel's account of
 * what backs them (see mem_pages.h). */
#include "workloads/mem_pages.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "workloads/options.h"

#define PAGE_4K 4096ull

/* Reads a whole (small or /proc) file into a malloc'd NUL-terminated
 * buffer. Returns NULL with errno set. */
static char *slurp(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t cap = 8192, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (n + 1 >= cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				errno = ENOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t k = read(fd, buf + n, cap - 1 - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k < 0) {
				int e = errno;
				free(buf);
				buf = NULL;
				errno = e;
			}
			break;
		}
		n += (size_t)k;
	}
	if (buf)
		buf[n] = '\0';
	close(fd);
	return buf;
}

static char *slurp_at(const char *root, const char *path)
{
	char full[512];
	snprintf(full, sizeof(full), "%s%s", root, path);
	return slurp(full);
}

/* The bracketed word of a sysfs choice file ("always [madvise] never"). */
static void bracketed(const char *text, char *out, size_t len)
{
	const char *a = strchr(text, '['), *b = a ? strchr(a, ']') : NULL;
	if (!a || !b)
		snprintf(out, len, "?");
	else
		snprintf(out, len, "%.*s", (int)(b - a - 1), a + 1);
}

int vp_hugepages_probe(const char *root, size_t len, char *how, size_t howlen)
{
	char *nr = slurp_at(root, "/proc/sys/vm/nr_hugepages");
	char *fr = slurp_at(
	    root, "/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages");
	char *thp =
	    slurp_at(root, "/sys/kernel/mm/transparent_hugepage/enabled");
	unsigned long long nr_pages = nr ? strtoull(nr, NULL, 10) : 0,
			   free_pages = fr ? strtoull(fr, NULL, 10) : 0;
	char mode[32] = "";
	if (thp)
		bracketed(thp, mode, sizeof(mode));
	free(nr);
	free(fr);
	free(thp);
	unsigned long long need = (len + VP_HUGE_2M - 1) / VP_HUGE_2M;
	if (free_pages >= need && need > 0) {
		snprintf(how, howlen,
			 "hugetlb pool: %llu free 2 MiB pages (MAP_HUGETLB)",
			 free_pages);
		return 0;
	}
	if (thp && strcmp(mode, "never") != 0) {
		snprintf(how, howlen,
			 "THP (enabled=%s, madvise(MADV_HUGEPAGE))", mode);
		return 0;
	}
	snprintf(how, howlen,
		 "no huge pages: /proc/sys/vm/nr_hugepages is %llu (%llu free, "
		 "%llu needed) and %s (reserve pages in nr_hugepages or echo "
		 "madvise > /sys/kernel/mm/transparent_hugepage/enabled)",
		 nr_pages, free_pages, need,
		 thp ? "THP is 'never'" : "the kernel has no THP");
	return -ENOTSUP;
}

static int overlap_line(const char *line, uintptr_t lo, uintptr_t hi,
			uint64_t *ov)
{
	char *end;
	unsigned long long s = strtoull(line, &end, 16);
	if (end == line || *end != '-')
		return 0;
	const char *p = end + 1;
	unsigned long long e = strtoull(p, &end, 16);
	if (end == p || *end != ' ')
		return 0;
	uint64_t a = s > lo ? s : lo, b = e < hi ? e : hi;
	*ov = b > a ? b - a : 0;
	return 1;
}

int vp_smaps_anon_huge(const char *text, uintptr_t lo, uintptr_t hi,
		       uint64_t *bytes)
{
	uint64_t ov = 0, sum = 0;
	int found = 0;
	for (const char *line = text; line && *line;) {
		uint64_t o;
		if (overlap_line(line, lo, hi, &o)) {
			ov = o;
			found |= o > 0;
		} else if (ov && strncmp(line, "AnonHugePages:", 14) == 0) {
			unsigned long long kb = strtoull(line + 14, NULL, 10);
			uint64_t b = (uint64_t)kb * 1024;
			sum += b < ov ? b : ov;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	*bytes = sum;
	return found ? 0 : -EINVAL;
}

int vp_meminfo_available(const char *text, uint64_t *bytes)
{
	const char *p = strstr(text, "MemAvailable:");
	if (!p || (p != text && p[-1] != '\n'))
		return -EINVAL;
	char *end;
	unsigned long long kb = strtoull(p + 13, &end, 10);
	if (end == p + 13)
		return -EINVAL;
	*bytes = (uint64_t)kb * 1024;
	return 0;
}

/* Fills huge_pct from /proc/self/smaps. Returns 0 or -errno. */
static int measure_huge(struct vp_region *r, char *err, size_t errlen)
{
	char *smaps = slurp("/proc/self/smaps");
	uint64_t huge = 0;
	if (!smaps) {
		int e = errno;
		snprintf(err, errlen, "cannot read /proc/self/smaps: %s",
			 strerror(e));
		return -e;
	}
	int rc = vp_smaps_anon_huge(smaps, (uintptr_t)r->base,
				    (uintptr_t)r->base + r->len, &huge);
	free(smaps);
	if (rc) {
		snprintf(err, errlen,
			 "/proc/self/smaps does not list the mapped region");
		return rc;
	}
	r->huge_pct = 100.0 * (double)huge / (double)r->len;
	return 0;
}

static void touch_all(struct vp_region *r)
{
	for (size_t off = 0; off < r->len; off += PAGE_4K)
		((volatile char *)r->base)[off] = 1;
}

/* hugetlb: the mapping exists only on 2 MiB pages, so success is proof. */
static int map_hugetlb(struct vp_region *r)
{
	void *m = mmap(NULL, r->len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (m == MAP_FAILED)
		return -errno;
	r->map = r->base = m;
	r->map_len = r->len;
	r->backing = VP_BACK_HUGETLB;
	touch_all(r);
	r->huge_pct = 100;
	snprintf(r->how, sizeof(r->how), "hugetlb pool (MAP_HUGETLB)");
	return 0;
}

/* A plain anonymous mapping, 2 MiB-aligned when huge (THP backs aligned
 * 2 MiB ranges only), advised to use or avoid huge pages. */
static int map_anon(struct vp_region *r, int huge, char *err, size_t errlen)
{
	r->map_len = r->len + (huge ? VP_HUGE_2M : 0);
	void *m = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		int e = errno;
		char sz[32];
		vp_format_size(r->len, sz, sizeof(sz));
		snprintf(err, errlen, "cannot map %s: %s (lower -O size)", sz,
			 strerror(e));
		return -e;
	}
	r->map = m;
	uintptr_t b = (uintptr_t)m;
	if (huge)
		b = (b + VP_HUGE_2M - 1) & ~(uintptr_t)(VP_HUGE_2M - 1);
	r->base = (char *)b;
	/* EINVAL: a kernel without THP, where 4 KiB is all there is. */
	int adv =
	    madvise(r->base, r->len, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	r->backing = huge ? VP_BACK_THP : VP_BACK_4K;
	snprintf(r->how, sizeof(r->how), "%s",
		 !huge ? "4 KiB pages (MADV_NOHUGEPAGE)"
		 : adv ? "THP: madvise(MADV_HUGEPAGE) failed"
		       : "THP (madvise(MADV_HUGEPAGE))");
	touch_all(r);
	return 0;
}

int vp_region_map(struct vp_region *r, size_t len, int huge, char *err,
		  size_t errlen)
{
	memset(r, 0, sizeof(*r));
	size_t page = huge ? VP_HUGE_2M : PAGE_4K;
	r->len = (len + page - 1) / page * page;
	int rc = huge ? map_hugetlb(r) : -EINVAL;
	if (rc == 0)
		return 0;
	rc = map_anon(r, huge, err, errlen);
	if (!rc)
		rc = measure_huge(r, err, errlen);
	if (!rc && huge && r->huge_pct <= 0) {
		char sz[32];
		vp_format_size(r->len, sz, sizeof(sz));
		snprintf(err, errlen,
			 "THP gave no huge page to the %s region "
			 "(AnonHugePages 0 kB after touching it: memory too "
			 "fragmented? echo 1 > /proc/sys/vm/compact_memory, or "
			 "reserve /proc/sys/vm/nr_hugepages)",
			 sz);
		rc = -EOPNOTSUPP;
	}
	if (rc)
		vp_region_unmap(r);
	return rc;
}

void vp_region_unmap(struct vp_region *r)
{
	if (r->map)
		munmap(r->map, r->map_len);
	r->map = NULL;
	r->base = NULL;
}
