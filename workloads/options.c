/* Parsing, bounds checking and formatting of workload option tables. */
#include "workloads/options.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/metrics.h"

int vp_parse_size(const char *s, uint64_t *out)
{
	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	char *end = NULL;
	if (*s == '-')
		return -EINVAL;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	unsigned shift = 0;
	if (*end) {
		switch (*end) {
		case 'k':
		case 'K':
			shift = 10;
			break;
		case 'm':
		case 'M':
			shift = 20;
			break;
		case 'g':
		case 'G':
			shift = 30;
			break;
		case 't':
		case 'T':
			shift = 40;
			break;
		default:
			return -EINVAL;
		}
		end++;
		if (*end == 'i' && end[1] == 'B')
			end += 2;
		else if (*end == 'B' || *end == 'b')
			end++;
		if (*end)
			return -EINVAL;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return -EINVAL;
	*out = (uint64_t)v << shift;
	return 0;
}

void vp_format_size(uint64_t v, char *buf, size_t len)
{
	static const char suffix[] = "kMGT";
	int i = -1;
	while (v && (v % 1024) == 0 && i < 3) {
		v /= 1024;
		i++;
	}
	if (i < 0)
		snprintf(buf, len, "%" PRIu64, v);
	else
		snprintf(buf, len, "%" PRIu64 "%c", v, suffix[i]);
}

const struct vp_option *vp_options_find(const struct vp_option *table,
					const char *name)
{
	for (const struct vp_option *o = table; o && o->name; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

static void format_bound(const struct vp_option *o, double v, char *buf,
			 size_t len)
{
	if (o->type == VP_OPT_SIZE)
		vp_format_size((uint64_t)v, buf, len);
	else
		snprintf(buf, len, "%.15g", v);
}

static int out_of_range(const struct vp_option *o, const char *value, char *err,
			size_t errlen)
{
	char lo[32], hi[32];
	format_bound(o, o->min, lo, sizeof(lo));
	format_bound(o, o->max, hi, sizeof(hi));
	snprintf(err, errlen, "%s=%s is out of range: must be %s .. %s",
		 o->name, value, lo, hi);
	return -ERANGE;
}

int vp_choice_valid(const char *choices, const char *value)
{
	size_t n = strlen(value);
	const char *p = choices;
	while (p && *p) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && strncmp(p, value, n) == 0)
			return 1;
		p = bar ? bar + 1 : NULL;
	}
	return 0;
}

int vp_option_set(const struct vp_option *o, void *opts, const char *value,
		  char *err, size_t errlen)
{
	char *field = (char *)opts + o->offset;
	char *end = NULL;
	switch (o->type) {
	case VP_OPT_INT: {
		errno = 0;
		long long v = strtoll(value, &end, 10);
		if (errno || end == value || *end) {
			snprintf(err, errlen, "%s=%s: expected an integer",
				 o->name, value);
			return -EINVAL;
		}
		if ((double)v < o->min || (double)v > o->max)
			return out_of_range(o, value, err, errlen);
		*(int64_t *)(void *)field = v;
		return 0;
	}
	case VP_OPT_SIZE: {
		uint64_t v;
		if (vp_parse_size(value, &v)) {
			snprintf(err, errlen,
				 "%s=%s: expected a size such as 4096, 4k, "
				 "256M or 1G",
				 o->name, value);
			return -EINVAL;
		}
		if ((double)v < o->min || (double)v > o->max)
			return out_of_range(o, value, err, errlen);
		*(uint64_t *)(void *)field = v;
		return 0;
	}
	case VP_OPT_DOUBLE: {
		errno = 0;
		double v = strtod(value, &end);
		if (!vp_decimal_syntax(value, true) || errno || end == value ||
		    *end || !isfinite(v)) {
			snprintf(err, errlen, "%s=%s: expected a number",
				 o->name, value);
			return -EINVAL;
		}
		if (v < o->min || v > o->max)
			return out_of_range(o, value, err, errlen);
		*(double *)(void *)field = v;
		return 0;
	}
	case VP_OPT_CHOICE:
		if (!vp_choice_valid(o->choices, value)) {
			snprintf(err, errlen, "%s=%s: must be one of %s",
				 o->name, value, o->choices);
			return -EINVAL;
		}
		/* fall through */
	case VP_OPT_STRING:
		if (strlen(value) >= VP_OPT_STRING_MAX) {
			snprintf(err, errlen,
				 "%s: value longer than %d characters", o->name,
				 VP_OPT_STRING_MAX - 1);
			return -EINVAL;
		}
		snprintf(field, VP_OPT_STRING_MAX, "%s", value);
		return 0;
	}
	snprintf(err, errlen, "%s: unknown option type", o->name);
	return -EINVAL;
}

void vp_option_format(const struct vp_option *o, const void *opts, char *buf,
		      size_t len)
{
	const char *field = (const char *)opts + o->offset;
	switch (o->type) {
	case VP_OPT_INT:
		snprintf(buf, len, "%" PRId64,
			 *(const int64_t *)(const void *)field);
		break;
	case VP_OPT_SIZE:
		vp_format_size(*(const uint64_t *)(const void *)field, buf,
			       len);
		break;
	case VP_OPT_DOUBLE:
		snprintf(buf, len, "%.15g",
			 *(const double *)(const void *)field);
		break;
	case VP_OPT_STRING:
	case VP_OPT_CHOICE:
		snprintf(buf, len, "%s", field);
		break;
	}
}

int vp_options_defaults(const struct vp_option *table, void *opts,
			size_t opts_size, char *err, size_t errlen)
{
	memset(opts, 0, opts_size);
	for (const struct vp_option *o = table; o && o->name; o++) {
		int rc =
		    vp_option_set(o, opts, o->def ? o->def : "", err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}
