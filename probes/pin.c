/* Thread pinning with hwloc. Two PU orders are computed once from the
 * topology, restricted to the affinity mask the process started with:
 * compact (topology order: a core's PUs, then the next core) and scatter
 * (first PU of every core, alternating packages, before any second PU).
 * Worker i of a team takes entry i modulo the number of PUs. */
#include "probes/pin.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probes/topo.h"

static const char *const mode_names[] = {"none", "compact", "scatter"};

const char *vp_pin_mode_name(enum vp_pin_mode m)
{
	return (unsigned)m < 3 ? mode_names[m] : "unknown";
}

int vp_pin_mode_parse(const char *s, enum vp_pin_mode *out)
{
	for (unsigned i = 0; i < 3; i++)
		if (s && strcmp(s, mode_names[i]) == 0) {
			*out = (enum vp_pin_mode)i;
			return 0;
		}
	return -EINVAL;
}

/* The starting mask, captured before any thread pins itself: threads
 * inherit their creator's mask, so asking later could see a pinned one. */
static cpu_set_t start_mask;
static unsigned start_count;
static pthread_once_t mask_once = PTHREAD_ONCE_INIT;

static void capture_mask(void)
{
	CPU_ZERO(&start_mask);
	if (sched_getaffinity(0, sizeof(start_mask), &start_mask) == 0) {
		start_count = (unsigned)CPU_COUNT(&start_mask);
	} else {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		start_count = n > 0 ? (unsigned)n : 1;
		for (unsigned i = 0; i < start_count && i < CPU_SETSIZE; i++)
			CPU_SET(i, &start_mask);
	}
	if (start_count == 0)
		start_count = 1;
}

__attribute__((constructor)) static void pin_init_mask(void)
{
	pthread_once(&mask_once, capture_mask);
}

static int pu_allowed(unsigned pu)
{
	pthread_once(&mask_once, capture_mask);
	return pu < CPU_SETSIZE && CPU_ISSET(pu, &start_mask);
}

unsigned vp_cpus_available(void)
{
	pthread_once(&mask_once, capture_mask);
	return start_count;
}

int vp_pin_reset_current_thread(void)
{
	pthread_once(&mask_once, capture_mask);
	if (sched_setaffinity(0, sizeof(start_mask), &start_mask))
		return -errno;
	return 0;
}

/* Every CPU of set in the starting mask, and set not empty. */
static int check_subset(const cpu_set_t *set, char *err, size_t errlen)
{
	char have[256], want[256];

	pthread_once(&mask_once, capture_mask);
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, set) && !CPU_ISSET(c, &start_mask)) {
			vp_cpulist_format(set, want, sizeof(want));
			vp_cpulist_format(&start_mask, have, sizeof(have));
			snprintf(
			    err, errlen,
			    "CPU %d of %s is not in this process's allowed "
			    "set %s",
			    c, want, have);
			return -EINVAL;
		}
	if (CPU_COUNT(set) == 0) {
		snprintf(err, errlen, "empty CPU set");
		return -EINVAL;
	}
	return 0;
}

#if HAVE_HWLOC

static struct {
	hwloc_topology_t topo;
	const char *why;
	unsigned n;   /* allowed PUs */
	int *compact; /* OS indices in topology order */
	int *scatter; /* OS indices spread over packages, cores */
	char why_buf[128];
} tp;
static pthread_once_t topo_once = PTHREAD_ONCE_INIT;

struct pu_key {
	unsigned smt, core, pkg, logical;
	int os;
};

static int key_cmp(const void *a, const void *b)
{
	const struct pu_key *x = a, *y = b;
	if (x->smt != y->smt)
		return x->smt < y->smt ? -1 : 1;
	if (x->core != y->core)
		return x->core < y->core ? -1 : 1;
	if (x->pkg != y->pkg)
		return x->pkg < y->pkg ? -1 : 1;
	return x->logical < y->logical ? -1 : x->logical > y->logical;
}

/* Builds both orders from the allowed PUs (all when `allowed` is NULL).
 * Ranks are counted among allowed PUs only, so a partly allowed core still
 * scatters sensibly. */
int vp_topo_pu_orders(hwloc_topology_t t, hwloc_const_bitmap_t allowed,
		      int *compact, int *scatter, unsigned *count)
{
	int npu = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PU);
	int ncore = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_CORE);
	int npkg = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PACKAGE);
	int ret = -ENOMEM;
	struct pu_key *keys =
	    calloc((size_t)(npu > 0 ? npu : 1), sizeof(*keys));
	unsigned *core_pus =
	    calloc((size_t)(ncore > 0 ? ncore : 1), sizeof(unsigned));
	int *core_rank = calloc((size_t)(ncore > 0 ? ncore : 1), sizeof(int));
	unsigned *pkg_cores =
	    calloc((size_t)(npkg > 0 ? npkg : 1), sizeof(unsigned));
	*count = 0;
	if (!keys || !core_pus || !core_rank || !pkg_cores)
		goto out;
	for (int i = 0; i < ncore; i++)
		core_rank[i] = -1;
	unsigned n = 0, lonely = 0;
	for (int i = 0; i < npu; i++) {
		hwloc_obj_t pu =
		    hwloc_get_obj_by_type(t, HWLOC_OBJ_PU, (unsigned)i);
		if (!pu ||
		    (allowed && !hwloc_bitmap_isset(allowed, pu->os_index)))
			continue;
		hwloc_obj_t core =
		    hwloc_get_ancestor_obj_by_type(t, HWLOC_OBJ_CORE, pu);
		hwloc_obj_t pkg =
		    hwloc_get_ancestor_obj_by_type(t, HWLOC_OBJ_PACKAGE, pu);
		unsigned p = pkg ? pkg->logical_index : 0;
		struct pu_key *k = &keys[n];
		k->pkg = p;
		k->logical = pu->logical_index;
		k->os = (int)pu->os_index;
		if (core) {
			unsigned c = core->logical_index;
			if (core_rank[c] < 0)
				core_rank[c] =
				    (int)(npkg > 0 ? pkg_cores[p]++ : lonely++);
			k->core = (unsigned)core_rank[c];
			k->smt = core_pus[c]++;
		} else {
			/* no core level: every PU counts as its own core */
			k->core = npkg > 0 ? pkg_cores[p]++ : lonely++;
			k->smt = 0;
		}
		compact[n] = k->os;
		n++;
	}
	qsort(keys, n, sizeof(*keys), key_cmp);
	for (unsigned i = 0; i < n; i++)
		scatter[i] = keys[i].os;
	*count = n;
	ret = n ? 0 : -ENODEV;
out:
	free(keys);
	free(core_pus);
	free(core_rank);
	free(pkg_cores);
	return ret;
}

static int build_orders(void)
{
	int npu = hwloc_get_nbobjs_by_type(tp.topo, HWLOC_OBJ_PU);
	size_t sz = (size_t)(npu > 0 ? npu : 1);
	hwloc_bitmap_t allowed = hwloc_bitmap_alloc();
	tp.compact = calloc(sz, sizeof(int));
	tp.scatter = calloc(sz, sizeof(int));
	int ret = -ENOMEM;
	if (!allowed || !tp.compact || !tp.scatter) {
		tp.why = "out of memory";
		goto out;
	}
	for (unsigned i = 0; i < CPU_SETSIZE; i++)
		if (pu_allowed(i))
			hwloc_bitmap_set(allowed, i);
	ret =
	    vp_topo_pu_orders(tp.topo, allowed, tp.compact, tp.scatter, &tp.n);
	if (ret == -ENODEV)
		tp.why = "no allowed PU found in the hwloc topology";
	else if (ret)
		tp.why = "out of memory";
out:
	hwloc_bitmap_free(allowed);
	return ret;
}

static void load_topology_here(void)
{
	hwloc_topology_t t;
	if (hwloc_topology_init(&t)) {
		tp.why = "hwloc_topology_init failed";
		return;
	}
	/* instruction caches are filtered out by default; the environment
	 * summary lists them (pinning only looks at cores and packages) */
	hwloc_topology_set_icache_types_filter(t, HWLOC_TYPE_FILTER_KEEP_ALL);
	if (hwloc_topology_load(t)) {
		snprintf(tp.why_buf, sizeof(tp.why_buf),
			 "hwloc_topology_load: %s", strerror(errno));
		tp.why = tp.why_buf;
		hwloc_topology_destroy(t);
		return;
	}
	tp.topo = t;
	if (build_orders()) {
		tp.topo = NULL;
		hwloc_topology_destroy(t);
	}
}

static void *load_topology_main(void *arg)
{
	(void)arg;
	load_topology_here();
	return NULL;
}

/* hwloc's x86 discovery binds the calling thread to each PU in turn to read
 * its CPUID, then restores the mask: the thread stays on the last PU. Done
 * on the main thread (the env probe, before any step), that put every
 * unpinned 1-thread run on the highest PU, on this kind of VM the one that
 * takes all block-device interrupts, whatever the scheduler would have
 * chosen. A throwaway thread takes the binding changes instead. */
static void load_topology(void)
{
	pthread_t th;
	if (pthread_create(&th, NULL, load_topology_main, NULL) == 0)
		pthread_join(th, NULL);
	else
		load_topology_here();
}

hwloc_topology_t vp_topology(const char **why)
{
	pthread_once(&topo_once, load_topology);
	if (!tp.topo && why)
		*why = tp.why;
	return tp.topo;
}

static int bind_pu(int tid, unsigned pu, char *err, size_t errlen)
{
	const char *why = NULL;
	hwloc_topology_t t = vp_topology(&why);
	if (!t) {
		snprintf(err, errlen, "hwloc topology: %s", why);
		return -ENODEV;
	}
	hwloc_bitmap_t set = hwloc_bitmap_alloc();
	if (!set) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	hwloc_bitmap_only(set, pu);
	int r = tid ? hwloc_set_proc_cpubind(t, tid, set, HWLOC_CPUBIND_THREAD)
		    : hwloc_set_cpubind(t, set, HWLOC_CPUBIND_THREAD);
	int ret = r ? -errno : 0;
	if (ret && tid)
		snprintf(err, errlen, "cannot bind thread %d to PU %u: %s", tid,
			 pu, strerror(-ret));
	else if (ret)
		snprintf(err, errlen, "cannot bind this thread to PU %u: %s",
			 pu, strerror(-ret));
	hwloc_bitmap_free(set);
	return ret;
}

int vp_pin_current_thread(enum vp_pin_mode mode, unsigned index, unsigned count,
			  int *where, char *err, size_t errlen)
{
	(void)count; /* the orders are fixed; index picks the slot */
	if (where)
		*where = -1;
	if (mode == VP_PIN_NONE)
		return 0;
	if (mode != VP_PIN_COMPACT && mode != VP_PIN_SCATTER) {
		snprintf(err, errlen, "unknown pin mode %d", (int)mode);
		return -EINVAL;
	}
	const char *why = NULL;
	if (!vp_topology(&why)) {
		snprintf(err, errlen, "hwloc topology: %s", why);
		return -ENODEV;
	}
	const int *order = mode == VP_PIN_COMPACT ? tp.compact : tp.scatter;
	int pu = order[index % tp.n];
	int ret = bind_pu(0, (unsigned)pu, err, errlen);
	if (!ret && where)
		*where = pu;
	return ret;
}

int vp_pin_tid(int tid, unsigned pu, char *err, size_t errlen)
{
	if (tid <= 0) {
		snprintf(err, errlen, "bad thread id %d", tid);
		return -EINVAL;
	}
	if (!pu_allowed(pu)) {
		snprintf(err, errlen,
			 "PU %u is not in this process's allowed CPU set", pu);
		return -EINVAL;
	}
	return bind_pu(tid, pu, err, errlen);
}

int vp_pin_order_of(const cpu_set_t *set, int *order, size_t max, char *err,
		    size_t errlen)
{
	const char *why = NULL;
	hwloc_topology_t t;
	hwloc_bitmap_t allowed;
	int npu, rc, *compact = NULL, *scatter = NULL;
	unsigned n = 0;

	rc = check_subset(set, err, errlen);
	if (rc)
		return rc;
	t = vp_topology(&why);
	if (!t) {
		snprintf(err, errlen, "hwloc topology: %s", why);
		return -ENODEV;
	}
	npu = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PU);
	allowed = hwloc_bitmap_alloc();
	compact = calloc((size_t)(npu > 0 ? npu : 1), sizeof(int));
	scatter = calloc((size_t)(npu > 0 ? npu : 1), sizeof(int));
	rc = -ENOMEM;
	if (allowed && compact && scatter) {
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, set))
				hwloc_bitmap_set(allowed, (unsigned)c);
		rc = vp_topo_pu_orders(t, allowed, compact, scatter, &n);
	}
	if (rc == 0) {
		if (n > max)
			n = (unsigned)max;
		memcpy(order, scatter, n * sizeof(int));
		rc = (int)n;
	} else {
		snprintf(err, errlen, "%s",
			 rc == -ENODEV
			     ? "no PU of the set in the hwloc topology"
			     : "out of memory");
	}
	hwloc_bitmap_free(allowed);
	free(compact);
	free(scatter);
	return rc;
}

#else /* !HAVE_HWLOC */

int vp_pin_order_of(const cpu_set_t *set, int *order, size_t max, char *err,
		    size_t errlen)
{
	size_t n = 0;
	int rc = check_subset(set, err, errlen);

	if (rc)
		return rc;
	for (int c = 0; c < CPU_SETSIZE && n < max; c++)
		if (CPU_ISSET(c, set))
			order[n++] = c;
	return (int)n;
}

int vp_pin_current_thread(enum vp_pin_mode mode, unsigned index, unsigned count,
			  int *where, char *err, size_t errlen)
{
	(void)index;
	(void)count;
	if (where)
		*where = -1;
	if (mode == VP_PIN_NONE)
		return 0;
	snprintf(err, errlen, "built without hwloc");
	return -ENOTSUP;
}

/* Pinning one known PU needs no topology: sched_setaffinity will do. */
int vp_pin_tid(int tid, unsigned pu, char *err, size_t errlen)
{
	if (tid <= 0) {
		snprintf(err, errlen, "bad thread id %d", tid);
		return -EINVAL;
	}
	if (!pu_allowed(pu)) {
		snprintf(err, errlen,
			 "PU %u is not in this process's allowed CPU set", pu);
		return -EINVAL;
	}
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(pu, &set);
	if (sched_setaffinity(tid, sizeof(set), &set)) {
		int e = errno;
		snprintf(err, errlen, "cannot bind thread %d to PU %u: %s", tid,
			 pu, strerror(e));
		return -e;
	}
	return 0;
}

#endif
