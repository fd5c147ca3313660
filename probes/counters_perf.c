/* perf_event back end of the counters probe: the short-name table (generic
 * hardware events and the software floor that needs no library), opening a
 * per-thread counter and turning open failures into exact reasons. */
#include "probes/counters.h"
#include "probes/counters_internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct short_event {
	const char *name; /* with dashes; underscores accepted too */
	const char *id;
	const char *unit;
	const char *papi;
	uint32_t type;
	uint64_t config;
};

#define HW_CACHE(c, op, res)                                                   \
	((uint64_t)(c) | ((uint64_t)(op) << 8) | ((uint64_t)(res) << 16))

static const struct short_event short_events[] = {
    {"cycles", "cycles", "count", "PAPI_TOT_CYC", PERF_TYPE_HARDWARE,
     PERF_COUNT_HW_CPU_CYCLES},
    {"instructions", "instructions", "count", "PAPI_TOT_INS",
     PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS},
    /* perf's generic cache-misses is the last-level cache on x86 */
    {"cache-misses", "cache_misses", "count", "PAPI_L3_TCM", PERF_TYPE_HARDWARE,
     PERF_COUNT_HW_CACHE_MISSES},
    {"dtlb-misses", "dtlb_misses", "count", "PAPI_TLB_DM", PERF_TYPE_HW_CACHE,
     HW_CACHE(PERF_COUNT_HW_CACHE_DTLB, PERF_COUNT_HW_CACHE_OP_READ,
	      PERF_COUNT_HW_CACHE_RESULT_MISS)},
    {"task-clock", "task_clock", "ns", NULL, PERF_TYPE_SOFTWARE,
     PERF_COUNT_SW_TASK_CLOCK},
    {"context-switches", "context_switches", "count", NULL, PERF_TYPE_SOFTWARE,
     PERF_COUNT_SW_CONTEXT_SWITCHES},
    {"cpu-migrations", "cpu_migrations", "count", NULL, PERF_TYPE_SOFTWARE,
     PERF_COUNT_SW_CPU_MIGRATIONS},
    {"page-faults", "page_faults", "count", NULL, PERF_TYPE_SOFTWARE,
     PERF_COUNT_SW_PAGE_FAULTS},
};

static int same_name(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a == '_' ? '-' : *a, y = *b == '_' ? '-' : *b;
		if (x != y)
			return 0;
	}
	return *a == *b;
}

int vp_cnt_short_name(const char *name, const char **id, const char **unit,
		      const char **papi, struct perf_event_attr *attr)
{
	for (size_t i = 0; i < sizeof(short_events) / sizeof(short_events[0]);
	     i++) {
		const struct short_event *s = &short_events[i];
		if (!same_name(name, s->name))
			continue;
		*id = s->id;
		*unit = s->unit;
		*papi = s->papi;
		memset(attr, 0, sizeof(*attr));
		attr->size = sizeof(*attr);
		attr->type = s->type;
		attr->config = s->config;
		attr->exclude_hv = 1;
		return 0;
	}
	return -ENOENT;
}

static enum vp_counter_scope scope = VP_SCOPE_AUTO;
static const char *const scope_names[] = {"auto", "user", "user+kernel"};

const char *vp_counter_scope_name(enum vp_counter_scope s)
{
	return (unsigned)s < 3 ? scope_names[s] : "?";
}

int vp_counter_scope_parse(const char *s, enum vp_counter_scope *out)
{
	for (unsigned i = 0; i < 3; i++)
		if (s && strcmp(s, scope_names[i]) == 0) {
			*out = (enum vp_counter_scope)i;
			return 0;
		}
	return -EINVAL;
}

void vp_counters_set_scope(enum vp_counter_scope s)
{
	scope = s;
}

enum vp_counter_scope vp_counters_scope(void)
{
	return scope;
}

int vp_cnt_scoped(const struct perf_event_attr *attr)
{
	if (attr->type != PERF_TYPE_SOFTWARE)
		return 1;
	return attr->config == PERF_COUNT_SW_PAGE_FAULTS ||
	       attr->config == PERF_COUNT_SW_PAGE_FAULTS_MIN ||
	       attr->config == PERF_COUNT_SW_PAGE_FAULTS_MAJ;
}

int vp_cnt_perf_open(struct perf_event_attr *attr)
{
	attr->size = sizeof(*attr);
	if (scope == VP_SCOPE_USER && vp_cnt_scoped(attr)) {
		attr->exclude_kernel = 1;
		attr->exclude_hv = 1;
	} else if (scope == VP_SCOPE_USER_KERNEL && vp_cnt_scoped(attr)) {
		/* One scope for the plan: no silent fallback to user. */
		attr->exclude_kernel = 0;
	}
	attr->disabled = 1;
	attr->inherit = 0;
	attr->read_format =
	    PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	long fd =
	    syscall(SYS_perf_event_open, attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0 && (errno == EACCES || errno == EPERM) &&
	    !attr->exclude_kernel &&
	    !(scope == VP_SCOPE_USER_KERNEL && vp_cnt_scoped(attr))) {
		/* perf_event_paranoid >= 2 for unprivileged users: count
		 * user space only rather than nothing; the caller notes it. */
		attr->exclude_kernel = 1;
		attr->exclude_hv = 1;
		fd = syscall(SYS_perf_event_open, attr, 0, -1, -1,
			     PERF_FLAG_FD_CLOEXEC);
		if (fd < 0)
			attr->exclude_kernel = 0;
	}
	return fd < 0 ? -errno : (int)fd;
}

const char *vp_cnt_errno_name(int e)
{
	const char *n = strerrorname_np(e);
	return n ? n : "unknown errno";
}

static int hw_type(uint32_t type)
{
	return type == PERF_TYPE_HARDWARE || type == PERF_TYPE_HW_CACHE ||
	       type == PERF_TYPE_RAW || type >= PERF_TYPE_MAX;
}

static int paranoid_level(void)
{
	int v = -99;
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -99;
		fclose(f);
	}
	return v;
}

void vp_cnt_perf_reason(const struct perf_event_attr *attr, int neg_errno,
			int no_pmu, char *buf, size_t len)
{
	int e = -neg_errno;
	const char *en = vp_cnt_errno_name(e);
	if (hw_type(attr->type) && no_pmu &&
	    (e == ENOENT || e == ENODEV || e == EOPNOTSUPP))
		snprintf(buf, len, "no hardware PMU: perf_event_open %s", en);
	else if (hw_type(attr->type) &&
		 (e == ENOENT || e == EOPNOTSUPP || e == EINVAL))
		snprintf(buf, len,
			 "event not supported by this PMU: perf_event_open %s",
			 en);
	else if ((e == EACCES || e == EPERM) && scope == VP_SCOPE_USER_KERNEL &&
		 vp_cnt_scoped(attr))
		snprintf(buf, len,
			 "counter scope user+kernel not permitted here: "
			 "perf_event_open %s (perf_event_paranoid=%d, not "
			 "privileged)",
			 en, paranoid_level());
	else if (e == EACCES || e == EPERM)
		snprintf(buf, len,
			 "perf_event_open %s (perf_event_paranoid=%d, not "
			 "privileged)",
			 en, paranoid_level());
	else if (e == ENOSYS)
		snprintf(buf, len,
			 "perf_event_open ENOSYS: kernel without perf events");
	else
		snprintf(buf, len, "perf_event_open %s: %s", en, strerror(e));
}

int vp_cnt_user_only(const struct perf_event_attr *attr, char *buf, size_t len)
{
	int lvl = paranoid_level();
	buf[0] = '\0';
	if (attr->type != PERF_TYPE_SOFTWARE) {
		snprintf(buf, len, "user space only (perf_event_paranoid=%d)",
			 lvl);
		return 0;
	}
	switch (attr->config) {
	case PERF_COUNT_SW_TASK_CLOCK:
	case PERF_COUNT_SW_CPU_CLOCK:
		return 0; /* time counts ignore the privilege-level filter */
	case PERF_COUNT_SW_PAGE_FAULTS:
	case PERF_COUNT_SW_PAGE_FAULTS_MIN:
	case PERF_COUNT_SW_PAGE_FAULTS_MAJ:
		snprintf(buf, len,
			 "faults from user mode only (perf_event_paranoid=%d)",
			 lvl);
		return 0;
	default:
		/* switches and migrations happen in kernel mode: filtered to
		 * user space they would read 0 */
		snprintf(
		    buf, len,
		    "needs kernel-side counting, but perf_event_paranoid=%d "
		    "allows user space only (not privileged)",
		    lvl);
		return -1;
	}
}

static int no_pmu;
static pthread_once_t no_pmu_once = PTHREAD_ONCE_INIT;

static void probe_pmu(void)
{
	struct perf_event_attr a;
	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_HARDWARE;
	a.config = PERF_COUNT_HW_CPU_CYCLES;
	a.exclude_hv = 1;
	int fd = vp_cnt_perf_open(&a);
	if (fd >= 0)
		close(fd);
	no_pmu = fd == -ENOENT || fd == -ENODEV || fd == -EOPNOTSUPP;
}

int vp_cnt_no_hw_pmu(void)
{
	pthread_once(&no_pmu_once, probe_pmu);
	return no_pmu;
}
