/* dlopen of libvirt, libvirt-qemu and libxml2 for the libvirt target
 * (libvirt_dl.h): each library loaded once, its table of functions
 * resolved, the first failure kept with its reason. */
#include "runner/targets/libvirt_dl.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

/* One library's load: run once, its result and reason kept. */
struct dl_lib {
	pthread_once_t once;
	int rc;
	char why[512];
};

/* dlopen; NULL with the reason (and the package to install) in l. */
static void *dl_open(struct dl_lib *l, const char *lib, const char *pkg)
{
	void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		snprintf(l->why, sizeof(l->why),
			 "cannot load %s: %s (apt-get install %s)", lib,
			 dlerror(), pkg);
		l->rc = -ENOENT;
	}
	return h;
}

static int dl_result(struct dl_lib *l, void (*load)(void), char *err,
		     size_t errlen)
{
	pthread_once(&l->once, load);
	if (l->rc)
		snprintf(err, errlen, "%s", l->why);
	return l->rc;
}

/* Resolves every name of a table into api; the first missing one is the
 * error in l. */
#define DL_RESOLVE(f)                                                          \
	if (!l->rc && !(api->f = (__typeof__(api->f))dlsym(h, #f))) {          \
		snprintf(l->why, sizeof(l->why), "%s has no %s%s", lib, #f,    \
			 hint);                                                \
		l->rc = -ENOENT;                                               \
	}

/* The load function of one table. */
#define DL_LOADER(name, table, funcs, libname, pkg, missing_hint)              \
	static struct dl_lib name##_lib = {.once = PTHREAD_ONCE_INIT};         \
	static void name##_load(void)                                          \
	{                                                                      \
		static const char lib[] = libname, hint[] = missing_hint;      \
		struct dl_lib *l = &name##_lib;                                \
		struct table *api = &name##_api;                               \
		void *h = dl_open(l, lib, pkg);                                \
                                                                               \
		if (!h)                                                        \
			return;                                                \
		funcs(DL_RESOLVE)                                              \
	}                                                                      \
	int name##_dl_load(char *err, size_t errlen)                           \
	{                                                                      \
		return dl_result(&name##_lib, name##_load, err, errlen);       \
	}

#if HAVE_LIBVIRT
struct lv_api lv_api;
DL_LOADER(lv, lv_api, LV_FUNCS, "libvirt.so.0", "libvirt0",
	  " (libvirt 9.0 or later needed)")

struct lvq_api lvq_api;
DL_LOADER(lvq, lvq_api, LVQ_FUNCS, "libvirt-qemu.so.0", "libvirt0", "")
#endif

#if HAVE_LIBXML2
struct lx_api lx_api;
DL_LOADER(lx, lx_api, LX_FUNCS, "libxml2.so.2", "libxml2", "")
#endif
