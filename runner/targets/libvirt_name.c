/* libvirt:vmN@URI parsing and safe object names (libvirt_name.h). */
#include "runner/targets/libvirt_name.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* RFC 3986 characters a libvirt URI uses; no comma (the target list
 * separator), no quotes, spaces or shell metacharacters. */
static int uri_char(int c)
{
	return isalnum(c) || strchr("+-._~:/@?=&[]%", c);
}

static int valid_uri(const char *uri)
{
	const char *sep = strstr(uri, "://");

	if (!sep || sep == uri || !isalpha((unsigned char)uri[0]))
		return 0;
	for (const char *p = uri; p < sep; p++)
		if (!isalnum((unsigned char)*p) && *p != '+')
			return 0;
	for (const char *p = uri; *p; p++)
		if (!uri_char((unsigned char)*p))
			return 0;
	/* A host name that ssh could read as an option. */
	return sep[3] != '-' && !strstr(uri, "@-");
}

int vp_libvirt_name_parse(const char *name, unsigned *vcpus, char *uri,
			  size_t urilen, char *err, size_t errlen)
{
	const char *p = name + 8, *at;
	char *end;
	unsigned long n;

	if (strncmp(name, "libvirt:", 8) != 0)
		goto bad;
	at = strchr(p, '@');
	if (!at || strncmp(p, "vm", 2) != 0 || !isdigit((unsigned char)p[2]) ||
	    p[2] == '0')
		goto bad;
	n = strtoul(p + 2, &end, 10);
	if (end != at || n < 1 || n > 64)
		goto bad;
	if (!valid_uri(at + 1) || strlen(at + 1) >= urilen)
		goto bad;
	*vcpus = (unsigned)n;
	snprintf(uri, urilen, "%s", at + 1);
	return 0;
bad:
	snprintf(err, errlen, "bad libvirt target '%s': expected %s", name,
		 VP_LIBVIRT_FORMS);
	return -EINVAL;
}

void vp_libvirt_safe_name(const char *in, char *out, size_t len)
{
	size_t i = 0;

	if (!len)
		return;
	for (; in[i] && i + 1 < len; i++)
		out[i] = isalnum((unsigned char)in[i]) || strchr("._-", in[i])
			     ? in[i]
			     : '_';
	out[i] = '\0';
}
