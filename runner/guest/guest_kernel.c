/* Guest kernel discovery (see guest_kernel.h). */
#include "runner/guest/guest_kernel.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "runner/util/install_paths.h"

void vp_guest_cache_dir(char *buf, size_t len)
{
	const char *c = getenv("VPBENCH_CACHE");
	const char *home = getenv("HOME");

	if (c && *c)
		snprintf(buf, len, "%s", c);
	else
		snprintf(buf, len, "%s/.cache/vpbench",
			 home && *home ? home : "/tmp");
}

int vp_bzimage_version(const char *path, char *ver, size_t len, char *err,
		       size_t errlen)
{
	unsigned char hdr[0x240];
	char vs[256];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc = 0;
	uint16_t voff;
	ssize_t n;

	ver[0] = '\0';
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot read kernel %s: %s", path,
			 strerror(errno));
		return rc;
	}
	n = pread(fd, hdr, sizeof(hdr), 0);
	if (n != (ssize_t)sizeof(hdr) || hdr[0x1fe] != 0x55 ||
	    hdr[0x1ff] != 0xaa || memcmp(hdr + 0x202, "HdrS", 4) != 0) {
		rc = -ENOEXEC;
		snprintf(err, errlen,
			 "kernel %s is not an x86 bzImage (no boot sector "
			 "signature / HdrS header); pass a vmlinuz file",
			 path);
		goto out;
	}
	voff = (uint16_t)(hdr[0x20e] | hdr[0x20f] << 8);
	if (voff) {
		n = pread(fd, vs, sizeof(vs) - 1, (off_t)voff + 0x200);
		if (n > 0) {
			vs[n] = '\0';
			vs[strcspn(vs, " \t\n")] = '\0';
			snprintf(ver, len, "%s", vs);
		}
	}
out:
	close(fd);
	return rc;
}

static int is_dir(const char *p)
{
	struct stat st;

	return p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int readable(const char *p)
{
	return p && access(p, R_OK) == 0;
}

/* Module tree for a kernel release: --modules, then <root>/<ver>, then
 * <dir of kernel>/../lib/modules/<ver> (the layout dpkg -x produces). */
static void pick_modules(const struct vp_kernel_search *s,
			 struct vp_guest_kernel *k)
{
	char buf[PATH_MAX], kdir[PATH_MAX];
	char *slash;

	k->modules[0] = '\0';
	if (s->modules_opt && *s->modules_opt) {
		snprintf(k->modules, sizeof(k->modules), "%s", s->modules_opt);
		return;
	}
	if (!k->version[0])
		return;
	if (s->modules_root) {
		snprintf(buf, sizeof(buf), "%s/%s", s->modules_root,
			 k->version);
		if (is_dir(buf)) {
			snprintf(k->modules, sizeof(k->modules), "%s", buf);
			return;
		}
	}
	snprintf(kdir, sizeof(kdir), "%s", k->kernel);
	slash = strrchr(kdir, '/');
	if (slash) {
		*slash = '\0';
		snprintf(buf, sizeof(buf), "%s/../lib/modules/%s", kdir,
			 k->version);
		if (is_dir(buf) && realpath(buf, k->modules))
			return;
		k->modules[0] = '\0';
	}
}

static int use_kernel(const struct vp_kernel_search *s,
		      struct vp_guest_kernel *k, const char *path,
		      const char *source, char *err, size_t errlen)
{
	int rc;

	snprintf(k->kernel, sizeof(k->kernel), "%s", path);
	snprintf(k->source, sizeof(k->source), "%s", source);
	rc = vp_bzimage_version(path, k->version, sizeof(k->version), err,
				errlen);
	if (rc)
		return rc;
	pick_modules(s, k);
	if (s->modules_opt && *s->modules_opt && !is_dir(s->modules_opt)) {
		snprintf(err, errlen, "--modules %s is not a folder",
			 s->modules_opt);
		return -ENOTDIR;
	}
	return 0;
}

/* Highest vmlinuz-* in dir by version order; 0 when found. */
static int newest_vmlinuz(const char *dir, char *out, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char best[256] = "";

	if (!d)
		return -ENOENT;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "vmlinuz-", 8) != 0 ||
		    strstr(e->d_name, ".tmp"))
			continue;
		if (!best[0] || strverscmp(e->d_name, best) > 0)
			snprintf(best, sizeof(best), "%s", e->d_name);
	}
	closedir(d);
	if (!best[0])
		return -ENOENT;
	snprintf(out, len, "%s/%s", dir, best);
	return 0;
}

int vp_guest_kernel_find_in(const struct vp_kernel_search *s,
			    struct vp_guest_kernel *k, char *err, size_t errlen)
{
	char path[PATH_MAX], host[PATH_MAX] = "", cache[PATH_MAX] = "";

	memset(k, 0, sizeof(*k));
	if (s->kernel_opt && *s->kernel_opt)
		return use_kernel(s, k, s->kernel_opt, "option", err, errlen);
	if (s->boot_dir && s->release) {
		snprintf(host, sizeof(host), "%s/vmlinuz-%s", s->boot_dir,
			 s->release);
		if (readable(host))
			return use_kernel(s, k, host, "host", err, errlen);
	}
	if (s->cache_dir) {
		snprintf(cache, sizeof(cache), "%s/kernel/boot", s->cache_dir);
		if (newest_vmlinuz(cache, path, sizeof(path)) == 0)
			return use_kernel(s, k, path, "cache", err, errlen);
	}
	snprintf(err, errlen,
		 "no guest kernel found (%s%s%s%s%s); run `bash %s`%s "
		 "(downloads the distribution's guest kernel package into the "
		 "cache, installs nothing) or pass --kernel FILE --modules DIR",
		 host[0] ? host : "", host[0] ? " is not readable" : "",
		 host[0] && cache[0] ? ", " : "", cache[0] ? cache : "",
		 cache[0] ? " has no vmlinuz-*" : "",
		 s->fetch_script ? s->fetch_script : "ci/fetch-guest-kernel.sh",
		 s->fetch_script ? "" : " from the vpbench sources");
	return -ENOENT;
}

int vp_guest_kernel_find(const char *kernel_opt, const char *modules_opt,
			 struct vp_guest_kernel *k, char *err, size_t errlen)
{
	struct utsname u;
	char cache[PATH_MAX], script[PATH_MAX];
	struct vp_kernel_search s = {.kernel_opt = kernel_opt,
				     .modules_opt = modules_opt,
				     .boot_dir = "/boot",
				     .modules_root = "/lib/modules",
				     .cache_dir = cache};

	vp_guest_cache_dir(cache, sizeof(cache));
	if (vp_install_helper("fetch-guest-kernel.sh", script,
			      sizeof(script)) == 0)
		s.fetch_script = script;
	if (uname(&u) == 0)
		s.release = u.release;
	return vp_guest_kernel_find_in(&s, k, err, errlen);
}
