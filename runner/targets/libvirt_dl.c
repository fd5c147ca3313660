/* dlopen of libvirt and libxml2 for the libvirt target (libvirt_dl.h). */
#include "runner/targets/libvirt_dl.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

/* Resolves every name of a table; the first missing one is the error. */
#define DL_RESOLVE(f)                                                          \
	if (!rc && !(api->f = (__typeof__(api->f))dlsym(h, #f))) {             \
		snprintf(why, sizeof(why), "%s has no %s", lib, #f);           \
		rc = -ENOENT;                                                  \
	}

#if HAVE_LIBVIRT
struct lv_api lv_api;
static pthread_once_t lv_once = PTHREAD_ONCE_INIT;
static int lv_rc;
static char lv_why[512];

static void lv_load(void)
{
	static const char lib[] = "libvirt.so.0";
	struct lv_api *api = &lv_api;
	void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
	char why[512] = "";
	int rc = 0;

	if (!h) {
		snprintf(lv_why, sizeof(lv_why),
			 "cannot load %s: %s (apt-get install libvirt0)", lib,
			 dlerror());
		lv_rc = -ENOENT;
		return;
	}
	LV_FUNCS(DL_RESOLVE)
	snprintf(lv_why, sizeof(lv_why), "%s (libvirt 9.0 or later needed)",
		 why);
	lv_rc = rc;
}

int lv_dl_load(char *err, size_t errlen)
{
	pthread_once(&lv_once, lv_load);
	if (lv_rc)
		snprintf(err, errlen, "%s", lv_why);
	return lv_rc;
}

struct lvq_api lvq_api;
static pthread_once_t lvq_once = PTHREAD_ONCE_INIT;
static int lvq_rc;
static char lvq_why[512];

static void lvq_load(void)
{
	static const char lib[] = "libvirt-qemu.so.0";
	struct lvq_api *api = &lvq_api;
	void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
	char why[512] = "";
	int rc = 0;

	if (!h) {
		snprintf(lvq_why, sizeof(lvq_why),
			 "cannot load %s: %s (apt-get install libvirt0)", lib,
			 dlerror());
		lvq_rc = -ENOENT;
		return;
	}
	LVQ_FUNCS(DL_RESOLVE)
	snprintf(lvq_why, sizeof(lvq_why), "%s", why);
	lvq_rc = rc;
}

int lvq_dl_load(char *err, size_t errlen)
{
	pthread_once(&lvq_once, lvq_load);
	if (lvq_rc)
		snprintf(err, errlen, "%s", lvq_why);
	return lvq_rc;
}
#endif

#if HAVE_LIBXML2
struct lx_api lx_api;
static pthread_once_t lx_once = PTHREAD_ONCE_INIT;
static int lx_rc;
static char lx_why[512];

static void lx_load(void)
{
	static const char lib[] = "libxml2.so.2";
	struct lx_api *api = &lx_api;
	void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
	char why[512] = "";
	int rc = 0;

	if (!h) {
		snprintf(lx_why, sizeof(lx_why),
			 "cannot load %s: %s (apt-get install libxml2)", lib,
			 dlerror());
		lx_rc = -ENOENT;
		return;
	}
	LX_FUNCS(DL_RESOLVE)
	snprintf(lx_why, sizeof(lx_why), "%s", why);
	lx_rc = rc;
}

int lx_dl_load(char *err, size_t errlen)
{
	pthread_once(&lx_once, lx_load);
	if (lx_rc)
		snprintf(err, errlen, "%s", lx_why);
	return lx_rc;
}
#endif
