/* The scratch disk's target conditions (vm_disk_cond.h): parsing, the
 * canonical text, the rules between them, and the disk mode they give on
 * this host. Pure: the caller probes O_DIRECT and io_uring. */
#include "runner/targets/vm_disk_cond.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const aio_names[] = {"threads", "native", "io_uring"};
static const char *const cache_names[] = {"none", "writeback"};

void vp_vm_disk_cond_clear(struct vp_vm_disk_cond *d)
{
	d->iothread = -1;
	d->aio = -1;
	d->cache = -1;
	d->queues = 0;
}

bool vp_vm_disk_cond_any(const struct vp_vm_disk_cond *d)
{
	return d->iothread >= 0 || d->aio >= 0 || d->cache >= 0 || d->queues;
}

static bool is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && strncmp(s, word, n) == 0;
}

/* The index of v among names, or -1. */
static int pick(const char *v, size_t vl, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (is(v, vl, names[i]))
			return i;
	return -1;
}

static int once(signed char *slot, int val, const char *key, char *err,
		size_t errlen)
{
	if (*slot >= 0) {
		snprintf(err, errlen, "target condition %s given twice", key);
		return -EINVAL;
	}
	*slot = (signed char)val;
	return 0;
}

static int parse_queues(const char *v, size_t vl, struct vp_vm_disk_cond *d,
			char *err, size_t errlen)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < vl && i < 3 && v[i] >= '0' && v[i] <= '9'; i++)
		n = n * 10 + (unsigned)(v[i] - '0');
	if (i != vl || vl == 0 || n < 1 || n > VP_DISK_QUEUES_MAX) {
		snprintf(err, errlen,
			 "target condition queues: '%.*s' is not valid; use a "
			 "number of virtio-blk queues from 1 to %d",
			 (int)vl, v, VP_DISK_QUEUES_MAX);
		return -EINVAL;
	}
	if (d->queues) {
		snprintf(err, errlen, "target condition queues given twice");
		return -EINVAL;
	}
	d->queues = (unsigned short)n;
	return 0;
}

int vp_vm_disk_cond_parse_item(const char *key, size_t kl, const char *v,
			       size_t vl, bool has_value,
			       struct vp_vm_disk_cond *d, char *err,
			       size_t errlen)
{
	static const struct {
		const char *key, *values;
	} keys[] = {{"iothread", "on or off"},
		    {"aio", "threads, native or io_uring"},
		    {"cache", "none or writeback"},
		    {"queues", "1 to 64"}};
	int k = -1, val;

	for (int i = 0; i < 4; i++)
		if (is(key, kl, keys[i].key))
			k = i;
	if (k < 0)
		return 1;
	if (!has_value) {
		snprintf(err, errlen,
			 "target condition '%.*s' needs a value: %s=%s",
			 (int)kl, key, keys[k].key, keys[k].values);
		return -EINVAL;
	}
	switch (k) {
	case 0:
		val = is(v, vl, "on") ? 1 : is(v, vl, "off") ? 0 : -1;
		if (val >= 0)
			return once(&d->iothread, val, "iothread", err, errlen);
		break;
	case 1:
		val = pick(v, vl, aio_names, 3);
		if (val >= 0)
			return once(&d->aio, val, "aio", err, errlen);
		break;
	case 2:
		val = pick(v, vl, cache_names, 2);
		if (val >= 0)
			return once(&d->cache, val, "cache", err, errlen);
		break;
	default:
		return parse_queues(v, vl, d, err, errlen);
	}
	snprintf(err, errlen,
		 "target condition %s: '%.*s' is not valid; use %s",
		 keys[k].key, (int)vl, v, keys[k].values);
	return -EINVAL;
}

int vp_vm_disk_cond_check(const struct vp_vm_disk_cond *d, char *err,
			  size_t errlen)
{
	/* QEMU refuses the pair at start ("aio=native was specified, but it
	 * requires cache.direct=on"): say it at plan time instead. */
	if (d->aio == VP_AIO_NATIVE && d->cache == VP_CACHE_WRITEBACK) {
		snprintf(
		    err, errlen,
		    "target conditions aio=native and cache=writeback "
		    "do not go together: Linux AIO needs the image opened "
		    "O_DIRECT (cache=none); use aio=threads or aio=io_uring "
		    "with cache=writeback");
		return -EINVAL;
	}
	return 0;
}

size_t vp_vm_disk_cond_format(const struct vp_vm_disk_cond *d, char *buf,
			      size_t len, size_t o)
{
#define ITEM(...)                                                              \
	do {                                                                   \
		if (o < len)                                                   \
			o += (size_t)snprintf(buf + o, len - o, "%s",          \
					      o ? "," : "");                   \
		if (o < len)                                                   \
			o += (size_t)snprintf(buf + o, len - o, __VA_ARGS__);  \
	} while (0)
	if (d->iothread >= 0)
		ITEM("iothread=%s", d->iothread ? "on" : "off");
	if (d->aio >= 0)
		ITEM("aio=%s", aio_names[d->aio]);
	if (d->cache >= 0)
		ITEM("cache=%s", cache_names[d->cache]);
	if (d->queues)
		ITEM("queues=%u", d->queues);
#undef ITEM
	return o;
}

int vp_vm_disk_mode_resolve(const struct vp_vm_disk_cond *d, bool odirect_ok,
			    const char *odirect_why, const char *uring_why,
			    struct vp_disk_mode *m, char *err, size_t errlen)
{
	int cache = d->cache, aio = d->aio;

	if (!odirect_ok && (cache == VP_CACHE_NONE || aio == VP_AIO_NATIVE)) {
		snprintf(
		    err, errlen,
		    "condition %s needs the scratch image opened O_DIRECT, "
		    "which its file system refuses (%s): put the run "
		    "folder (-o) on a disk-backed file system such as "
		    "ext4 or xfs, or use cache=writeback with aio=threads "
		    "or aio=io_uring",
		    cache == VP_CACHE_NONE ? "cache=none" : "aio=native",
		    odirect_why ? odirect_why : "O_DIRECT refused");
		return -ENOTSUP;
	}
	if (aio == VP_AIO_IO_URING && uring_why) {
		snprintf(err, errlen,
			 "condition aio=io_uring: this host denies io_uring to "
			 "QEMU (%s); use aio=native or aio=threads",
			 uring_why);
		return -ENOTSUP;
	}
	/* Unset: the direct path where the file system has it, as the host
	 * target's io.* does; Linux AIO only with O_DIRECT. */
	if (cache < 0)
		cache = odirect_ok ? VP_CACHE_NONE : VP_CACHE_WRITEBACK;
	if (aio < 0)
		aio = cache == VP_CACHE_NONE ? VP_AIO_NATIVE : VP_AIO_THREADS;
	m->cache = cache_names[cache];
	m->aio = aio_names[aio];
	m->iothread = d->iothread == 1;
	m->queues = d->queues;
	return 0;
}
