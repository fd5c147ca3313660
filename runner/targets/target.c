/* Target names -> target kinds: host, vmN[:conditions],
 * ssh:[user@]host[:port], libvirt:vmN@URI. */
#include "runner/targets/target.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/targets/libvirt_name.h"
#include "runner/targets/ssh_args.h"
#include "runner/targets/vm_cond.h"

#define TARGET_FORMS                                                           \
	"host, vmN (N = 1 .. 64, e.g. vm2), vmN:KEY=on|off[,KEY=on|off...] "   \
	"(KEY: pvspin, cpu-pm, invtsc, hugepages), ssh:[user@]host[:port] "    \
	"or libvirt:vmN@URI (e.g. libvirt:vm2@qemu:///system)"

/* vmN or vmN:conditions (the conditions are checked by the caller). */
static int parse_vm(const char *name, unsigned *n)
{
	if (strncmp(name, "vm", 2) != 0 || !isdigit((unsigned char)name[2]))
		return -EINVAL;
	char *end;
	unsigned long v = strtoul(name + 2, &end, 10);
	if ((*end && *end != ':') || v < 1 || v > 64 || name[2] == '0')
		return -EINVAL;
	*n = (unsigned)v;
	return 0;
}

int vp_target_name_valid(const char *name, char *err, size_t errlen)
{
	unsigned n;
	if (strcmp(name, "host") == 0)
		return 0;
	if (parse_vm(name, &n) == 0) {
		struct vp_vm_cond c;
		char e2[384];

		if (vp_vm_cond_of_target(name, &c, e2, sizeof(e2)) == 0)
			return 0;
		snprintf(err, errlen, "bad target '%s': %s", name, e2);
		return -EINVAL;
	}
	if (strncmp(name, "libvirt:", 8) == 0) {
		char uri[128];

		return vp_libvirt_name_parse(name, &n, uri, sizeof(uri), err,
					     errlen);
	}
	if (strncmp(name, "ssh:", 4) == 0) {
		/* The parser the ssh target runs with: what passes here is
		 * what ssh gets. */
		struct vp_ssh_dest d;
		return vp_ssh_parse_target(name, &d, err, errlen);
	}
	snprintf(err, errlen, "unknown target '%s'; valid: %s", name,
		 TARGET_FORMS);
	return -EINVAL;
}

int vp_target_init(struct vp_target *t, const char *name, char *err,
		   size_t errlen)
{
	int rc = vp_target_name_valid(name, err, errlen);
	if (rc)
		return rc;
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(t->ti.target, sizeof(t->ti.target), "%s", name);
	if (strcmp(name, "host") == 0)
		t->ops = &vp_target_host_ops;
	else if (strncmp(name, "ssh:", 4) == 0)
		t->ops = &vp_target_ssh_ops;
	else if (strncmp(name, "libvirt:", 8) == 0) {
		char uri[128];

		vp_libvirt_name_parse(name, &t->vcpus, uri, sizeof(uri), err,
				      errlen);
		t->ops = &vp_target_libvirt_ops;
	} else {
		parse_vm(name, &t->vcpus);
		t->ops = &vp_target_vm_ops;
	}
	snprintf(t->ti.target_kind, sizeof(t->ti.target_kind), "%s",
		 t->ops->kind);
	return 0;
}
