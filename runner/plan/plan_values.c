/* Values of the run keys by type (plan_keys.h): parsing with bounds and
 * choices named in the message, and formatting that reads back exactly. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "probes/metrics.h"
#include "runner/plan/plan.h"
#include "runner/plan/plan_internal.h"
#include "runner/plan/plan_keys.h"

void vp_format_double(double v, char *buf, size_t len)
{
	int prec = 1;
	for (; prec < 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	snprintf(buf, len, "%.*g", prec, v);
	/* %g writes 60 as 6e+01; like Python's repr, keep plain notation
	 * for magnitudes in 1e-4 .. 1e16. */
	const char *e = strchr(buf, 'e');
	if (e && fabs(v) >= 1e-4 && fabs(v) < 1e16) {
		int exp10 = atoi(e + 1), decimals = prec - 1 - exp10;
		snprintf(buf, len, "%.*f", decimals > 0 ? decimals : 0, v);
	}
}

void vp_choices_text(const char *choices, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = 0;
	for (const char *p = choices; p && *p && o < len;) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		const char *sep = o == 0 ? "" : bar ? ", " : " or ";
		o += (size_t)snprintf(buf + o, len - o, "%s%.*s", sep, (int)n,
				      p);
		p = bar ? bar + 1 : NULL;
	}
}

void vp_plan_key_bound(const struct vp_plan_key *k, double v, char *buf,
		       size_t len)
{
	if (k->type == VP_KEY_SIZE)
		vp_format_size((uint64_t)v, buf, len);
	else
		snprintf(buf, len, "%.15g", v);
}

/* The bounds in a message; `what` names the expected kind of value when
 * the text did not parse as one, NULL when it did but lies outside. */
static int out_of_range(const struct vp_plan_key *k, const char *value,
			const char *what, char *err, size_t errlen)
{
	char lo[32], hi[32];
	vp_plan_key_bound(k, k->min, lo, sizeof(lo));
	vp_plan_key_bound(k, k->max, hi, sizeof(hi));
	if (what)
		snprintf(err, errlen, "%s: '%s' is not %s in %s .. %s", k->name,
			 value, what, lo, hi);
	else
		snprintf(err, errlen,
			 "%s: '%s' is out of range: must be %s .. %s", k->name,
			 value, lo, hi);
	return -ERANGE;
}

int vp_plan_parse_uint(const struct vp_plan_key *k, const char *s,
		       unsigned *out, char *err, size_t errlen)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (!isdigit((unsigned char)*s) || errno || *end || v < k->min ||
	    v > k->max)
		return out_of_range(k, s, "a whole number", err, errlen);
	*out = (unsigned)v;
	return 0;
}

static int set_seconds(const struct vp_plan_key *k, const char *s, double *out,
		       char *err, size_t errlen)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (!vp_decimal_syntax(s, true) || errno || end == s || *end ||
	    !isfinite(v)) {
		snprintf(err, errlen,
			 "%s: '%s' is not a number of seconds (a decimal "
			 "number such as 2 or 0.5)",
			 k->name, s);
		return -EINVAL;
	}
	if (v < k->min || v > k->max)
		return out_of_range(k, s, NULL, err, errlen);
	*out = v + 0.0; /* -0 is 0 (plan.conf would say -0) */
	return 0;
}

static int set_bool(const struct vp_plan_key *k, const char *s, bool *out,
		    char *err, size_t errlen)
{
	if (!strcmp(s, "yes") || !strcmp(s, "1") || !strcmp(s, "true"))
		*out = true;
	else if (!strcmp(s, "no") || !strcmp(s, "0") || !strcmp(s, "false"))
		*out = false;
	else {
		snprintf(err, errlen, "%s: '%s' is not valid; use yes or no",
			 k->name, s);
		return -EINVAL;
	}
	return 0;
}

int vp_plan_set_string(const struct vp_plan_key *k, char *field, const char *s,
		       char *err, size_t errlen)
{
	if (strlen(s) >= k->size) {
		snprintf(err, errlen, "%s: value longer than %zu bytes",
			 k->name, k->size - 1);
		return -EINVAL;
	}
	memcpy(field, s, strlen(s) + 1);
	return 0;
}

int vp_plan_format_string(const struct vp_plan *p, const struct vp_plan_key *k,
			  size_t i, char *buf, size_t len)
{
	const char *field = (const char *)p + k->offset;
	if (i > 0 || !field[0])
		return 1;
	snprintf(buf, len, "%s", field);
	return 0;
}

int vp_plan_choice_error(const struct vp_plan_key *k, const char *s, char *err,
			 size_t errlen)
{
	char list[256];
	vp_choices_text(k->choices, list, sizeof(list));
	snprintf(err, errlen, "%s: '%s' is not valid; use %s", k->name, s,
		 list);
	return -EINVAL;
}

int vp_plan_key_set(struct vp_plan *p, const struct vp_plan_key *k,
		    const char *s, char *err, size_t errlen)
{
	char *field = (char *)p + k->offset;
	uint64_t size;
	switch (k->type) {
	case VP_KEY_UINT:
		return vp_plan_parse_uint(k, s, (unsigned *)(void *)field, err,
					  errlen);
	case VP_KEY_SECONDS:
		return set_seconds(k, s, (double *)(void *)field, err, errlen);
	case VP_KEY_SIZE:
		if (vp_parse_size(s, &size) || (double)size < k->min ||
		    (double)size > k->max) {
			out_of_range(k, s, "a size (e.g. 256M)", err, errlen);
			return -EINVAL;
		}
		*(uint64_t *)(void *)field = size;
		return 0;
	case VP_KEY_CHOICE:
		if (!vp_choice_valid(k->choices, s))
			return vp_plan_choice_error(k, s, err, errlen);
		/* fall through */
	case VP_KEY_STRING:
		return vp_plan_set_string(k, field, s, err, errlen);
	case VP_KEY_BOOL:
		return set_bool(k, s, (bool *)(void *)field, err, errlen);
	case VP_KEY_CUSTOM:
		return k->set(p, k, s, err, errlen);
	case VP_KEY_NONE:
		break;
	}
	snprintf(err, errlen, "%s: not a plan key", k->name);
	return -EINVAL;
}

int vp_plan_key_format(const struct vp_plan *p, const struct vp_plan_key *k,
		       size_t i, char *buf, size_t len)
{
	const char *field = (const char *)p + k->offset;
	if (k->type == VP_KEY_CUSTOM)
		return k->format(p, k, i, buf, len);
	if (i > 0)
		return 1;
	switch (k->type) {
	case VP_KEY_UINT:
		snprintf(buf, len, "%u",
			 *(const unsigned *)(const void *)field);
		return 0;
	case VP_KEY_SECONDS:
		vp_format_double(*(const double *)(const void *)field, buf,
				 len);
		return 0;
	case VP_KEY_SIZE:
		vp_format_size(*(const uint64_t *)(const void *)field, buf,
			       len);
		return 0;
	case VP_KEY_CHOICE:
	case VP_KEY_STRING:
		return vp_plan_format_string(p, k, i, buf, len);
	case VP_KEY_BOOL:
		snprintf(buf, len, "%s",
			 *(const bool *)(const void *)field ? "yes" : "no");
		return 0;
	default:
		return 1;
	}
}
