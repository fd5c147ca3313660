/* Target names -> target kinds: host, vmN, ssh:[user@]host[:port]. */
#include "runner/targets/target.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/targets/ssh_args.h"

#define TARGET_FORMS                                                           \
	"host, vmN (N = 1 .. 64, e.g. vm2) or ssh:[user@]host[:port]"

static int parse_vm(const char *name, unsigned *n)
{
	if (strncmp(name, "vm", 2) != 0 || !isdigit((unsigned char)name[2]))
		return -EINVAL;
	char *end;
	unsigned long v = strtoul(name + 2, &end, 10);
	if (*end || v < 1 || v > 64 || name[2] == '0')
		return -EINVAL;
	*n = (unsigned)v;
	return 0;
}

int vp_target_name_valid(const char *name, char *err, size_t errlen)
{
	unsigned n;
	if (strcmp(name, "host") == 0 || parse_vm(name, &n) == 0)
		return 0;
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
	else {
		parse_vm(name, &t->vcpus);
		t->ops = &vp_target_vm_ops;
	}
	snprintf(t->ti.target_kind, sizeof(t->ti.target_kind), "%s",
		 t->ops->kind);
	return 0;
}
