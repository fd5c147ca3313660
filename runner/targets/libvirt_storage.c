/* The libvirt target's storage on the libvirt host: a transient directory
 * pool named vpbench-<run id>-<n>, the kernel and the initramfs uploaded
 * into it as raw volumes (virStorageVolUpload, so a remote host needs
 * nothing but libvirt), a raw scratch volume for io.* workloads that
 * carries the vpbench signature in its first block (io.* write only to
 * devices that do); and their removal, directory included. */
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
#include "workloads/io_scratch.h"

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

/* Sends `length` bytes (0: to the end) of fd into volume v from its
 * start. */
static int upload_fd(struct lv_state *s, virStorageVolPtr v, int fd,
		     unsigned long long length, const char *what,
		     const char *name, char *err, size_t errlen)
{
	virStreamPtr st = LV(virStreamNew)(s->conn, 0);
	int rc = 0;

	if (!st || LV(virStorageVolUpload)(v, st, 0, length, 0) < 0 ||
	    LV(virStreamSendAll)(st, send_file, &fd) < 0 ||
	    LV(virStreamFinish)(st) < 0) {
		snprintf(err, errlen, "cannot upload %s into volume %s: %s",
			 what, name, lv_error());
		if (st)
			LV(virStreamAbort)(st);
		rc = -EIO;
	}
	if (st)
		LV(virStreamFree)(st);
	return rc;
}

/* Uploads a local file into a new volume of the same size. */
static int upload(struct lv_state *s, const char *file, const char *name,
		  char *path, size_t pathlen, char *err, size_t errlen)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
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
	if (v)
		rc = upload_fd(s, v, fd, 0, file, name, err, errlen);
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

/* The scratch volume: --disk-size bytes, signed in its first block. The
 * signature says nothing is filled, so the guest's io.* fill their own
 * working set (the local image's data is not copied over the network). */
static int scratch_create(struct lv_state *s, unsigned long long bytes,
			  char *err, size_t errlen)
{
	char tmp[] = "/tmp/vpbench-scratch-sig.XXXXXX";
	virStorageVolPtr v = vol_create(s, "scratch.img", bytes, s->disk_path,
					sizeof(s->disk_path), err, errlen);
	int fd, rc;

	if (!v)
		return -EIO;
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "mkstemp %s: %s", tmp, strerror(errno));
		return rc;
	}
	unlink(tmp);
	/* pwrite at 0: the descriptor's offset stays at the start. */
	rc = vp_io_write_signature(fd);
	if (rc)
		snprintf(err, errlen, "writing the scratch signature: %s",
			 strerror(-rc));
	else
		rc = upload_fd(s, v, fd, VP_IO_SIG_BYTES,
			       "the scratch signature", "scratch.img", err,
			       errlen);
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
	if (!rc && t->scratch_image)
		rc = scratch_create(s, t->plan->disk_size, err, errlen);
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
