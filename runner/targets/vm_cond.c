/* Conditions of a vmN target (see vm_cond.h): parsing, the canonical name,
 * the TCG refusal, and target lists whose vmN items carry conditions. */
#include "runner/targets/vm_cond.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *key;
	/* Value that needs KVM (-1: every value, 1: on, 0: none). */
	int kvm_only;
	const char *tcg_why;
	const char *val[2]; /* names of 0 and 1; NULL: off and on */
} conds[VP_COND_KEYS] = {
    [VP_COND_PVSPIN] = {"pvspin", -1,
			"TCG offers no paravirtual spinlocks (the guest sees "
			"no KVM feature leaf), so pvspin on vs off compares "
			"nothing"},
    [VP_COND_CPU_PM] = {"cpu-pm", 1,
			"-overcommit cpu-pm=on lets a KVM guest keep HLT, "
			"PAUSE and MWAIT without exits; TCG has no exits to "
			"drop"},
    [VP_COND_INVTSC] = {"invtsc", 1,
			"the invariant TSC flag passes the host's TSC through "
			"KVM; TCG emulates no invariant TSC"},
    [VP_COND_HUGEPAGES] = {"hugepages", 0, NULL},
    [VP_COND_NET] = {"net", 0, NULL, {"user", "tap"}},
    [VP_COND_VHOST] = {"vhost", 0, NULL},
};

#define COND_KEYS_TEXT                                                         \
	"pvspin, cpu-pm, invtsc, hugepages, net, vhost, iothread, aio, cache, "  \
	"queues"
#define COND_VALUE_TEXT "on or off; net=user or tap"

/* The name of condition k's value v (0 or 1). */
static const char *val_name(int k, int v)
{
	if (conds[k].val[0])
		return conds[k].val[v ? 1 : 0];
	return v ? "on" : "off";
}

const char *vp_vm_cond_key_name(enum vp_vm_cond_key k)
{
	return (unsigned)k < VP_COND_KEYS ? conds[k].key : "?";
}

static int parse_one(const char *item, size_t n, struct vp_vm_cond *c,
		     char *err, size_t errlen)
{
	const char *eq = memchr(item, '=', n);
	size_t kl = eq ? (size_t)(eq - item) : n;
	const char *v = eq ? eq + 1 : "";
	size_t vl = eq ? n - kl - 1 : 0;
	int val, rc;

	rc = vp_vm_disk_cond_parse_item(item, kl, v, vl, eq != NULL, &c->disk,
					err, errlen);
	if (rc <= 0)
		return rc;
	for (int k = 0; k < VP_COND_KEYS; k++) {
		if (strlen(conds[k].key) != kl ||
		    strncmp(conds[k].key, item, kl) != 0)
			continue;
		if (!eq) {
			snprintf(err, errlen,
				 "target condition '%.*s' needs a value: "
				 "%s=%s or %s=%s",
				 (int)n, item, conds[k].key, val_name(k, 1),
				 conds[k].key, val_name(k, 0));
			return -EINVAL;
		}
		if (vl == strlen(val_name(k, 1)) &&
		    strncmp(v, val_name(k, 1), vl) == 0)
			val = 1;
		else if (vl == strlen(val_name(k, 0)) &&
			 strncmp(v, val_name(k, 0), vl) == 0)
			val = 0;
		else {
			snprintf(err, errlen,
				 "target condition %s: '%.*s' is not valid; "
				 "use %s or %s",
				 conds[k].key, (int)vl, v, val_name(k, 1),
				 val_name(k, 0));
			return -EINVAL;
		}
		if (c->v[k] >= 0) {
			snprintf(err, errlen, "target condition %s given twice",
				 conds[k].key);
			return -EINVAL;
		}
		c->v[k] = (signed char)val;
		return 0;
	}
	snprintf(err, errlen,
		 "unknown target condition '%.*s'; valid keys: " COND_KEYS_TEXT
		 " (the switches =" COND_VALUE_TEXT
		 "; aio=threads|native|io_uring, cache=none|writeback, "
		 "queues=N; e.g. vm4:pvspin=off)",
		 (int)kl, item);
	return -EINVAL;
}

/* Nothing given. */
static void cond_clear(struct vp_vm_cond *c)
{
	memset(c->v, -1, sizeof(c->v));
	vp_vm_disk_cond_clear(&c->disk);
}

int vp_vm_cond_parse(const char *spec, struct vp_vm_cond *c, char *err,
		     size_t errlen)
{
	const char *p = spec;

	cond_clear(c);
	if (!spec || !*spec) {
		snprintf(err, errlen,
			 "empty condition list after ':'; valid "
			 "keys: " COND_KEYS_TEXT);
		return -EINVAL;
	}
	for (;;) {
		size_t n = strcspn(p, ",");
		int rc;

		if (n == 0) {
			snprintf(err, errlen, "empty condition in '%s'", spec);
			return -EINVAL;
		}
		rc = parse_one(p, n, c, err, errlen);
		if (rc)
			return rc;
		if (!p[n])
			return vp_vm_disk_cond_check(&c->disk, err, errlen);
		p += n + 1;
	}
}

int vp_vm_cond_of_target(const char *name, struct vp_vm_cond *c, char *err,
			 size_t errlen)
{
	const char *colon = strchr(name, ':');

	cond_clear(c);
	return colon ? vp_vm_cond_parse(colon + 1, c, err, errlen) : 0;
}

void vp_vm_cond_format(const struct vp_vm_cond *c, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int k = 0; k < VP_COND_KEYS && o < len; k++)
		if (c->v[k] >= 0)
			o += (size_t)snprintf(buf + o, len - o, "%s%s=%s",
					      o ? "," : "", conds[k].key,
					      val_name(k, c->v[k]));
	vp_vm_disk_cond_format(&c->disk, buf, len, o);
}

bool vp_vm_cond_any(const struct vp_vm_cond *c)
{
	for (int k = 0; k < VP_COND_KEYS; k++)
		if (c->v[k] >= 0)
			return true;
	return vp_vm_disk_cond_any(&c->disk);
}

const char *vp_vm_cond_tcg_refusal(const struct vp_vm_cond *c, char *buf,
				   size_t len)
{
	for (int k = 0; k < VP_COND_KEYS; k++) {
		int need = conds[k].kvm_only;

		if (c->v[k] < 0 || need == 0 || (need == 1 && c->v[k] != 1))
			continue;
		snprintf(buf, len, "condition %s=%s needs KVM: %s",
			 conds[k].key, val_name(k, c->v[k]),
			 conds[k].tcg_why);
		return buf;
	}
	return NULL;
}

int vp_vm_cond_accel_check(const char *target, const char *accel, char *err,
			   size_t errlen)
{
	struct vp_vm_cond c;
	char why[384];

	if (!accel || strcmp(accel, "tcg") != 0 ||
	    strncmp(target, "vm", 2) != 0 ||
	    vp_vm_cond_of_target(target, &c, why, sizeof(why)) != 0 ||
	    !vp_vm_cond_tcg_refusal(&c, why, sizeof(why)))
		return 0;
	snprintf(err, errlen, "target %s with --accel tcg: %s", target, why);
	return -EINVAL;
}

/* A list item that continues the previous target's conditions: key=value
 * with no ':' or '@' before the '=' (target names never look like that). */
static bool is_condition_item(const char *s)
{
	size_t k = strcspn(s, "=:@");

	return s[k] == '=' && k > 0;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Canonical form of one target (vmN:conditions reordered); others as is. */
static int canonical(const char *name, char *out, size_t len, char *err,
		     size_t errlen)
{
	const char *colon = strchr(name, ':');
	struct vp_vm_cond c;
	char list[256];
	int rc;

	if (!colon || strncmp(name, "vm", 2) != 0 ||
	    !isdigit((unsigned char)name[2])) {
		snprintf(out, len, "%s", name);
		return 0;
	}
	rc = vp_vm_cond_parse(colon + 1, &c, err, errlen);
	if (rc)
		return rc;
	vp_vm_cond_format(&c, list, sizeof(list));
	if ((size_t)snprintf(out, len, "%.*s:%s", (int)(colon - name), name,
			     list) >= len) {
		snprintf(err, errlen, "target name too long: %s", name);
		return -EINVAL;
	}
	return 0;
}

/* Hands the target gathered so far (if any) to fn, in canonical form. */
static int flush(const char *cur, char *name, size_t len,
		 int (*fn)(void *ctx, const char *name, char *err,
			   size_t errlen),
		 void *ctx, char *err, size_t errlen)
{
	int rc;

	if (!cur[0])
		return 0;
	rc = canonical(cur, name, len, err, errlen);
	return rc ? rc : fn(ctx, name, err, errlen);
}

int vp_target_list_each(const char *list,
			int (*fn)(void *ctx, const char *name, char *err,
				  size_t errlen),
			void *ctx, char *err, size_t errlen)
{
	char *copy = strdup(list ? list : ""), *rest, *tok;
	char cur[512] = "", name[512];
	int rc = 0;

	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	/* strsep, not strtok: "a,,b" and "a," must show their empty item. */
	rest = copy;
	while (!rc && (tok = strsep(&rest, ",")) != NULL) {
		char *t = trim(tok);

		if (!*t) {
			snprintf(err, errlen,
				 "targets: empty item in '%s' (a stray comma?)",
				 list);
			rc = -EINVAL;
		} else if (is_condition_item(t)) {
			size_t o = strlen(cur);

			if (!cur[0] || !strchr(cur, ':') ||
			    strncmp(cur, "vm", 2) != 0) {
				snprintf(err, errlen,
					 "target condition '%s' follows no "
					 "vmN: target (write vm4:%s)",
					 t, t);
				rc = -EINVAL;
			} else
				snprintf(cur + o, sizeof(cur) - o, ",%s", t);
		} else {
			rc = flush(cur, name, sizeof(name), fn, ctx, err,
				   errlen);
			snprintf(cur, sizeof(cur), "%s", t);
		}
	}
	if (!rc)
		rc = flush(cur, name, sizeof(name), fn, ctx, err, errlen);
	free(copy);
	return rc;
}
