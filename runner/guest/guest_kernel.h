/* Which kernel the embedded guest boots. Order: --kernel FILE (with
 * --modules DIR, or the module tree matching the image's version), then the
 * host's own /boot/vmlinuz-$(uname -r) with /lib/modules/$(uname -r) when
 * readable, then the cache that fetch-guest-kernel.sh fills
 * (${VPBENCH_CACHE:-$HOME/.cache/vpbench}/kernel; the script is ci/ in the
 * sources and <libexecdir>/vpbench/ when installed). Nothing is downloaded
 * at run time: when no kernel is found the error names the command that
 * provides one, at the path where this binary's copy of the script is. */
#ifndef VP_GUEST_KERNEL_H
#define VP_GUEST_KERNEL_H

#include <limits.h>
#include <stddef.h>

struct vp_guest_kernel {
	char kernel[PATH_MAX];
	char modules[PATH_MAX]; /* "" when no module tree was found */
	char version[256];	/* release from the bzImage header */
	char source[16];	/* "option", "host" or "cache" */
};

/* Where to look; every field may be NULL (not used). */
struct vp_kernel_search {
	const char *kernel_opt;	  /* --kernel */
	const char *modules_opt;  /* --modules */
	const char *boot_dir;	  /* normally /boot */
	const char *modules_root; /* normally /lib/modules */
	const char *release;	  /* normally uname -r */
	const char *cache_dir;	  /* normally vp_guest_cache_dir() */
	/* fetch-guest-kernel.sh as found by vp_install_helper(); NULL: name
	 * the source tree's ci/ copy. */
	const char *fetch_script;
};

/* The discovery itself, on explicit folders (unit-testable). */
int vp_guest_kernel_find_in(const struct vp_kernel_search *s,
			    struct vp_guest_kernel *k, char *err,
			    size_t errlen);
/* Discovery on this machine's real folders. */
int vp_guest_kernel_find(const char *kernel_opt, const char *modules_opt,
			 struct vp_guest_kernel *k, char *err, size_t errlen);

/* Checks that path is an x86 bzImage (boot flag 0xAA55 and "HdrS") and
 * extracts the release (first word of the header's version string).
 * -ENOEXEC with "not a bzImage" otherwise. */
int vp_bzimage_version(const char *path, char *ver, size_t len, char *err,
		       size_t errlen);

/* ${VPBENCH_CACHE:-$HOME/.cache/vpbench} */
void vp_guest_cache_dir(char *buf, size_t len);

#endif
