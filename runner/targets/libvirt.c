/* The libvirt:vmN@URI target: the same embedded guest as vmN (this binary
 * as /init in a per-run initramfs, direct kernel boot), booted as a
 * transient domain through the libvirt C API on a local or remote host.
 * Kernel and initramfs are uploaded into a transient storage pool that the
 * target creates on that host, so the host needs nothing but libvirt. The
 * domain type is kvm where the host's capabilities offer it (and --accel
 * allows), else qemu (TCG). Everything it creates is named
 * vpbench-<run id>-<n>... and removed on every exit path (teardown runs
 * after a failure, a timeout or Ctrl-C; should the process die, libvirt
 * destroys the domain with the connection). This file: prerequisites,
 * the retry of a boot that failed before its first record, teardown; the
 * boot and its collection are libvirt_collect.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/targets/libvirt_name.h"
#include "runner/targets/target.h"

#if HAVE_LIBVIRT
#include <unistd.h>

#include "runner/targets/guest_image.h"
#include "runner/targets/libvirt_internal.h"
#include "runner/targets/libvirt_xml.h"
#include "runner/targets/qemu.h"
#include "runner/util/child.h"

/* Numbers the libvirt targets of this process: object names stay unique
 * when one run has several targets on one host. */
static int lv_seq;

static int names(struct vp_target *t, struct lv_state *s, char *err,
		 size_t errlen)
{
	char run[64];
	int rc = vp_libvirt_name_parse(t->name, &t->vcpus, s->uri,
				       sizeof(s->uri), err, errlen);

	if (rc)
		return rc;
	vp_libvirt_safe_name(t->name, s->safe, sizeof(s->safe));
	vp_libvirt_safe_name(t->ti.run_id, run, sizeof(run));
	snprintf(s->base, sizeof(s->base), "vpbench-%s-%d", run,
		 __atomic_add_fetch(&lv_seq, 1, __ATOMIC_RELAXED));
	snprintf(s->console, sizeof(s->console), "%s/console-%s.log",
		 t->run_dir, s->safe);
	snprintf(s->initrd, sizeof(s->initrd), "%s/%s-initramfs.cpio",
		 t->run_dir, s->base);
	return 0;
}

/* Host CPUs and the accelerator, from the libvirt host itself. */
static int host_facts(struct vp_target *t, struct lv_state *s, char *err,
		      size_t errlen)
{
	virNodeInfo info;
	char *caps;
	int kvm, rc;

	if (LV(virNodeGetInfo)(s->conn, &info) == 0)
		t->ti.host_cpus = (int)info.cpus;
	caps = LV(virConnectGetCapabilities)(s->conn);
	if (!caps) {
		snprintf(err, errlen, "cannot read the capabilities of %s: %s",
			 s->uri, lv_error());
		return -EIO;
	}
	kvm = vp_libvirt_caps_kvm(caps, s->accel_why, sizeof(s->accel_why));
	free(caps);
	if (kvm < 0) {
		snprintf(err, errlen, "%s: %s", s->uri, s->accel_why);
		return kvm;
	}
	rc = vp_qemu_accel_choose(t->plan->accel, kvm == 1, s->accel_why,
				  &s->kvm, err, errlen);
	if (rc)
		return rc;
	snprintf(t->ti.accel, sizeof(t->ti.accel), "%s",
		 s->kvm ? "kvm" : "tcg");
	return 0;
}

static int lv_prepare(struct vp_target *t, char *err, size_t errlen)
{
	struct lv_state *s = calloc(1, sizeof(*s));
	int rc;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	t->priv = s;
	s->lifecycle_cb = -1;
	snprintf(t->ti.target_kind, sizeof(t->ti.target_kind), "libvirt");
	rc = names(t, s, err, errlen);
	if (rc)
		return rc;
	vp_guest_fault(t, s->fault, sizeof(s->fault));
	rc = vp_guest_kernel_for(t, &s->k, err, errlen);
	if (rc)
		return rc;
	rc = lv_connect(s, err, errlen);
	if (!rc)
		rc = host_facts(t, s, err, errlen);
	if (!rc)
		rc = vp_guest_image_build(t, &s->k, s->initrd, err, errlen);
	if (!rc)
		rc = lv_storage_create(t, s, err, errlen);
	/* Uploaded (or failed): the local copy has served. */
	unlink(s->initrd);
	return rc;
}

void lv_env_accel(struct vp_target *t, struct lv_state *s,
		  struct vp_emitter *out)
{
	char buf[1024];

	out->env(out, "accel", t->ti.accel);
	snprintf(buf, sizeof(buf), "%u", vp_qemu_cpu_slots(t->vcpus, s->kvm));
	out->env(out, "guest_cpu_slots", buf);
	if (s->kvm)
		return;
	vp_qemu_tcg_note(buf, sizeof(buf), s->accel_why, t->vcpus);
	out->env(out, "accel_note", buf);
}

static void env_facts(struct vp_target *t, struct lv_state *s,
		      struct vp_emitter *out)
{
	unsigned long lib = 0, hv = 0;
	char buf[512];
	const char *type = LV(virConnectGetType)(s->conn);
	char *host = LV(virConnectGetHostname)(s->conn);

	LV(virConnectGetLibVersion)(s->conn, &lib);
	LV(virConnectGetVersion)(s->conn, &hv);
	out->env(out, "libvirt_uri", s->uri);
	out->env(out, "libvirt_host", host ? host : "unknown");
	snprintf(buf, sizeof(buf), "%lu.%lu.%lu", lib / 1000000,
		 lib / 1000 % 1000, lib % 1000);
	out->env(out, "libvirt_version", buf);
	snprintf(buf, sizeof(buf), "%s %lu.%lu.%lu", type ? type : "unknown",
		 hv / 1000000, hv / 1000 % 1000, hv % 1000);
	out->env(out, "libvirt_hypervisor", buf);
	out->env(out, "libvirt_pool", s->pool_name);
	snprintf(buf, sizeof(buf), "%s (%s, from %s)",
		 s->k.version[0] ? s->k.version : "unknown", s->k.kernel,
		 s->k.source);
	out->env(out, "guest_kernel", buf);
	snprintf(buf, sizeof(buf), "%u", t->vcpus);
	out->env(out, "vcpus", buf);
	snprintf(buf, sizeof(buf), "%.2f",
		 (double)t->vcpus /
		     (t->ti.host_cpus > 0 ? t->ti.host_cpus : 1));
	out->env(out, "overcommit_ratio", buf);
	free(host);
	LV(virResetLastError)();
}

static int lv_run_agent(struct vp_target *t, struct vp_emitter *out, char *err,
			size_t errlen)
{
	struct lv_state *s = t->priv;
	bool booted = false;
	int rc;

	env_facts(t, s, out);
	rc = lv_run(t, s, out, 0, &booted, err, errlen);
	/* As with vmN: a guest that stalls before its agent said anything
	 * lost nothing, so it is booted once more; not after fault injection,
	 * a lost connection or a domain someone else destroyed. */
	if (rc && !booted && s->started && rc != -EINTR && !s->fault[0] &&
	    !s->conn_lost &&
	    !(s->stopped &&
	      s->stopped_detail == VIR_DOMAIN_EVENT_STOPPED_DESTROYED) &&
	    !(t->interrupted && *t->interrupted)) {
		char keep[PATH_MAX + 8];

		out->env(out, "boot_retry", err);
		lv_domain_stop(s);
		snprintf(keep, sizeof(keep), "%s.1", s->console);
		rename(s->console, keep);
		rc = lv_run(t, s, out, 1, &booted, err, errlen);
		if (rc) {
			size_t n = strlen(err);

			snprintf(err + n, errlen - n,
				 " (second boot; the first failed too)");
		}
	}
	return rc;
}

static void lv_teardown(struct vp_target *t)
{
	struct lv_state *s = t->priv;

	if (!s)
		return;
	if (s->conn && s->conn_lost) {
		/* The daemon ended the domain with the connection
		 * (AUTODESTROY); the pool is still there: connect again to
		 * remove it. */
		char err[512];
		bool pool = s->pool != NULL;

		lv_domain_stop(s);
		lv_disconnect(s);
		s->conn_lost = 0;
		if (pool && lv_connect(s, err, sizeof(err)) == 0) {
			virDomainPtr d =
			    LV(virDomainLookupByName)(s->conn, s->dom_name);

			if (d) { /* keepalive has not ended it yet */
				LV(virDomainDestroy)(d);
				LV(virDomainFree)(d);
			}
			lv_storage_delete(s, true);
		} else if (pool)
			fprintf(stderr,
				"vpbench: storage pool %s left on %s (%s): "
				"remove it with virsh pool-destroy\n",
				s->pool_name, s->uri, err);
		lv_disconnect(s);
	} else if (s->conn) {
		lv_domain_stop(s);
		lv_storage_delete(s, false);
		lv_disconnect(s);
	}
	if (s->initrd[0])
		unlink(s->initrd);
	free(s);
	t->priv = NULL;
}

#else /* !HAVE_LIBVIRT */

static int lv_prepare(struct vp_target *t, char *err, size_t errlen)
{
	snprintf(t->ti.target_kind, sizeof(t->ti.target_kind), "libvirt");
	snprintf(err, errlen,
		 "built without libvirt (apt-get install libvirt-dev "
		 "libxml2-dev, then rebuild)");
	return -ENOSYS;
}

static int lv_run_agent(struct vp_target *t, struct vp_emitter *out, char *err,
			size_t errlen)
{
	(void)t;
	(void)out;
	snprintf(err, errlen, "built without libvirt");
	return -ENOSYS;
}

static void lv_teardown(struct vp_target *t)
{
	(void)t;
}

#endif

const struct vp_target_ops vp_target_libvirt_ops = {
    .kind = "libvirt",
    .prepare = lv_prepare,
    .run_agent = lv_run_agent,
    .teardown = lv_teardown,
};
