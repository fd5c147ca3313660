/* The libvirt target's name, libvirt:vmN@URI: parsed and checked at plan
 * time (pure, built with or without libvirt), and the names the target
 * gives what it creates on a libvirt host. */
#ifndef VP_LIBVIRT_NAME_H
#define VP_LIBVIRT_NAME_H

#include <stddef.h>

#define VP_LIBVIRT_FORMS                                                       \
	"libvirt:vmN@URI (N = 1 .. 64, URI a libvirt connection URI such as "  \
	"qemu:///system or qemu+ssh://user@host/system)"

/* Parses "libvirt:vmN@URI": *vcpus = N and the URI copied into uri.
 * -EINVAL with the valid forms in err when malformed: N outside 1 .. 64, a
 * URI without "scheme://", or characters outside the URI set (no spaces,
 * quotes, commas or shell metacharacters; a leading '-' nowhere). */
int vp_libvirt_name_parse(const char *name, unsigned *vcpus, char *uri,
			  size_t urilen, char *err, size_t errlen);

/* A name safe for files and libvirt objects: every character outside
 * [A-Za-z0-9._-] becomes '_' (e.g. console-<this>.log). */
void vp_libvirt_safe_name(const char *in, char *out, size_t len);

#endif
