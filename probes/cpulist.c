/* Linux CPU lists ("0-3,8,10-11", the format of Cpus_allowed_list and
 * taskset -c) to and from cpu_set_t (see pin.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/pin.h"

static int parse_cpu(const char *s, char **end, unsigned long *v)
{
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	*v = strtoul(s, end, 10);
	return errno || *v >= CPU_SETSIZE ? -ERANGE : 0;
}

int vp_cpulist_parse(const char *s, cpu_set_t *set, char *err, size_t errlen)
{
	const char *p = s;

	CPU_ZERO(set);
	if (!s || !*s) {
		snprintf(err, errlen, "empty CPU list (expected e.g. 0-3,8)");
		return -EINVAL;
	}
	for (;;) {
		unsigned long a, b;
		char *end;

		if (parse_cpu(p, &end, &a))
			goto bad;
		b = a;
		if (*end == '-' && parse_cpu(end + 1, &end, &b))
			goto bad;
		if (b < a)
			goto bad;
		for (unsigned long c = a; c <= b; c++)
			CPU_SET(c, set);
		if (!*end)
			return 0;
		if (*end != ',')
			goto bad;
		p = end + 1;
	}
bad:
	snprintf(err, errlen,
		 "bad CPU list '%s': expected CPU numbers and ranges below %d "
		 "separated by commas (e.g. 0-3,8)",
		 s, CPU_SETSIZE);
	return -EINVAL;
}

void vp_cpulist_format(const cpu_set_t *set, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int c = 0; c < CPU_SETSIZE && o < len; c++) {
		int e = c;

		if (!CPU_ISSET(c, set))
			continue;
		while (e + 1 < CPU_SETSIZE && CPU_ISSET(e + 1, set))
			e++;
		if (e == c)
			o += (size_t)snprintf(buf + o, len - o, "%s%d",
					      o ? "," : "", c);
		else
			o += (size_t)snprintf(buf + o, len - o, "%s%d-%d",
					      o ? "," : "", c, e);
		c = e;
	}
}
