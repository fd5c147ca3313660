/* The libvirt target's storage on the libvirt host: a transient directory
 * pool named vpbench-<run id>-<n>, the kernel and the initramfs uploaded
 * into it as raw volumes (virStorageVolUpload, so a remote host needs
 * nothing but libvirt), an empty raw scratch volume for io.* workloads;
 * and their removal, directory included. */
#if HAVE_LIBVIRT
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner/targets/libvirt_internal.h"
#include "runner/targets/libvirt_xml.h"
#include "runner/util/child.h"

/* Where pools go on the libvirt host (it exists wherever libvirt's QEMU
 * driver is installed); VPBENCH_LIBVIRT_POOL_DIR chooses another. */
#define LV_POOL_PARENT "/var/lib/libvirt/images"

static int pool_create(struct lv_state *s, char *err, size_t errlen)
{
	const char *parent = getenv("VPBENCH_LIBVIRT_POOL_DIR");
	char path[PATH_MAX], *xml = NULL;
	int rc;

	snprintf(s->pool_name, sizeof(s->pool_name), "%s", s->base);
	snprintf(path, sizeof(path), "%s/%s",
		 parent && *parent ? parent : LV_POOL_PARENT, s->pool_name);
	rc = vp_libvirt_pool_xml(s->pool_name, path, &xml, err, errlen);
	if (rc)
		return rc;
	snprintf(s->pool_xml, sizeof(s->pool_xml), "%s", xml);
	s->pool = LV(virStoragePoolCreateXML)(
	    s->conn, xml, VIR_STORAGE_POOL_CREATE_WITH_BUILD);
	free(xml);
	if (!s->pool) {
		snprintf(err, errlen,
			 "cannot create storage pool %s at %s on %s: %s",
			 s->pool_name, path, s->uri, lv_error());
		return -EIO;
	}
	return 0;
}

static virStorageVolPtr vol_create(struct lv_state *s, const char *name,
				   unsigned long long bytes, char *path,
				   size_t pathlen, char *err, size_t errlen)
{
	virStorageVolPtr v;
	char *xml = NULL, *p;

	if (vp_libvirt_volume_xml(name, bytes, &xml, err, errlen))
		return NULL;
	v = LV(virStorageVolCreateXML)(s->pool, xml, 0);
	free(xml);
	if (!v) {
		snprintf(err, errlen, "cannot create volume %s in pool %s: %s",
			 name, s->pool_name, lv_error());
		return NULL;
	}
	s->vols[s->nvols++] = v;
	p = LV(virStorageVolGetPath)(v);
	if (!p) {
		snprintf(err, errlen, "volume %s has no path: %s", name,
			 lv_error());
		return NULL;
	}
	snprintf(path, pathlen, "%s", p);
	free(p);
	return v;
}

static int send_file(virStreamPtr st, char *data, size_t n, void *opaque)
{
	int *fd = opaque;
	ssize_t got;

	(void)st;
	do
		got = read(*fd, data, n);
	while (got < 0 && errno == EINTR);
	return (int)got;
}

/* Uploads a local file into a new volume of the same size. */
static int upload(struct lv_state *s, const char *file, const char *name,
		  char *path, size_t pathlen, char *err, size_t errlen)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	virStreamPtr st = NULL;
	virStorageVolPtr v;
	struct stat sb;
	int rc = -EIO;

	if (fd < 0 || fstat(fd, &sb) != 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot read %s: %s", file,
			 strerror(errno));
		goto out;
	}
	v = vol_create(s, name, (unsigned long long)sb.st_size, path, pathlen,
		       err, errlen);
	if (!v)
		goto out;
	st = LV(virStreamNew)(s->conn, 0);
	if (!st || LV(virStorageVolUpload)(v, st, 0, 0, 0) < 0 ||
	    LV(virStreamSendAll)(st, send_file, &fd) < 0 ||
	    LV(virStreamFinish)(st) < 0) {
		snprintf(err, errlen, "cannot upload %s into volume %s: %s",
			 file, name, lv_error());
		if (st)
			LV(virStreamAbort)(st);
		goto out;
	}
	rc = 0;
out:
	if (st)
		LV(virStreamFree)(st);
	if (fd >= 0)
		close(fd);
	return rc;
}

int lv_storage_create(struct vp_target *t, struct lv_state *s, char *err,
		      size_t errlen)
{
	double t0 = vp_child_now();
	int rc = pool_create(s, err, errlen);

	if (!rc)
		rc = upload(s, s->k.kernel, "kernel", s->kernel_path,
			    sizeof(s->kernel_path), err, errlen);
	if (!rc)
		rc = upload(s, s->initrd, "initramfs", s->initrd_path,
			    sizeof(s->initrd_path), err, errlen);
	if (!rc && t->scratch_image &&
	    !vol_create(s, "scratch.img", t->plan->disk_size, s->disk_path,
			sizeof(s->disk_path), err, errlen))
		rc = -EIO;
	s->upload_s = vp_child_now() - t0;
	return rc;
}

/* After a lost connection the handles are dead: find the pool and its
 * volumes again by name on the new connection. */
static void relookup(struct lv_state *s)
{
	virStorageVolPtr *vols = NULL;
	int n;

	for (size_t i = 0; i < s->nvols; i++)
		LV(virStorageVolFree)(s->vols[i]);
	s->nvols = 0;
	if (s->pool)
		LV(virStoragePoolFree)(s->pool);
	s->pool = LV(virStoragePoolLookupByName)(s->conn, s->pool_name);
	if (!s->pool)
		return;
	n = LV(virStoragePoolListAllVolumes)(s->pool, &vols, 0);
	for (int i = 0; i < n; i++) {
		if (s->nvols < sizeof(s->vols) / sizeof(s->vols[0]))
			s->vols[s->nvols++] = vols[i];
		else
			LV(virStorageVolFree)(vols[i]);
	}
	free(vols);
}

void lv_storage_delete(struct lv_state *s, bool reconnected)
{
	if (reconnected && s->pool_name[0])
		relookup(s);
	for (size_t i = 0; i < s->nvols; i++) {
		LV(virStorageVolDelete)(s->vols[i], 0);
		LV(virStorageVolFree)(s->vols[i]);
	}
	s->nvols = 0;
	if (!s->pool)
		return;
	LV(virStoragePoolDestroy)(s->pool);
	LV(virStoragePoolFree)(s->pool);
	s->pool = NULL;
	/* A transient pool vanishes when destroyed and leaves its (now
	 * empty) directory; libvirt removes a pool directory only for a
	 * defined, inactive pool: define it for a moment to delete it. */
	virStoragePoolPtr p =
	    LV(virStoragePoolDefineXML)(s->conn, s->pool_xml, 0);
	if (p) {
		LV(virStoragePoolDelete)(p, 0);
		LV(virStoragePoolUndefine)(p);
		LV(virStoragePoolFree)(p);
	}
	LV(virResetLastError)();
}
#endif
