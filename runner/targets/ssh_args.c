/* ssh target helpers (see ssh_args.h). */
#include "runner/targets/ssh_args.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool all_in(const char *s, const char *set)
{
	for (; *s; s++)
		if (!strchr(set, *s))
			return false;
	return true;
}

#define ALNUM "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

/* The host part: [v6] or [v6%zone] with an optional :port, or a name or
 * IPv4 address with an optional :port. */
static int parse_host(const char *host, struct vp_ssh_dest *d)
{
	const char *port = NULL;
	size_t hl;
	bool bracketed = *host == '[';
	if (bracketed) {
		const char *close = strchr(host, ']');
		if (!close || close == host + 1)
			return -EINVAL;
		hl = (size_t)(close - host - 1);
		host++;
		if (close[1] == ':')
			port = close + 2;
		else if (close[1])
			return -EINVAL;
	} else {
		const char *colon = strchr(host, ':');
		if (colon && strchr(colon + 1, ':'))
			return -EINVAL; /* bare IPv6: needs brackets */
		hl = colon ? (size_t)(colon - host) : strlen(host);
		if (colon)
			port = colon + 1;
	}
	if (hl == 0 || hl >= sizeof(d->host) || *host == '-')
		return -EINVAL;
	snprintf(d->host, sizeof(d->host), "%.*s", (int)hl, host);
	/* ':' and a %zone belong to bracketed IPv6 addresses only. */
	if (!all_in(d->host, bracketed ? ALNUM ".-_:%" : ALNUM ".-_"))
		return -EINVAL;
	if (port) {
		char *end;
		unsigned long v = strtoul(port, &end, 10);
		if (!*port || !all_in(port, "0123456789") || *end || v < 1 ||
		    v > 65535)
			return -EINVAL;
		d->port = (unsigned)v;
	}
	return 0;
}

int vp_ssh_parse_target(const char *spec, struct vp_ssh_dest *d, char *err,
			size_t errlen)
{
	memset(d, 0, sizeof(*d));
	if (strncmp(spec, "ssh:", 4) == 0)
		spec += 4;
	const char *at = strchr(spec, '@');
	const char *host = at ? at + 1 : spec;
	if (at) {
		if (at == spec || (size_t)(at - spec) >= sizeof(d->user))
			goto bad;
		snprintf(d->user, sizeof(d->user), "%.*s", (int)(at - spec),
			 spec);
		if (d->user[0] == '-' || !all_in(d->user, ALNUM ".-_"))
			goto bad;
	}
	if (parse_host(host, d) == 0)
		return 0;
bad:
	memset(d, 0, sizeof(*d));
	snprintf(err, errlen,
		 "bad ssh target 'ssh:%s': expected ssh:[user@]host[:port] "
		 "(IPv6 as [addr] or [addr]:port, port 1 .. 65535)",
		 spec);
	return -EINVAL;
}

int vp_shell_quote(const char *in, char *out, size_t len)
{
	size_t o = 0;

	if (len < 3)
		return -ENOSPC;
	out[o++] = '\'';
	for (; *in; in++) {
		if (*in == '\'') {
			if (o + 4 >= len)
				return -ENOSPC;
			memcpy(out + o, "'\\''", 4);
			o += 4;
		} else {
			if (o + 1 >= len)
				return -ENOSPC;
			out[o++] = *in;
		}
	}
	if (o + 2 > len)
		return -ENOSPC;
	out[o++] = '\'';
	out[o] = '\0';
	return 0;
}

int vp_shell_join(const char *const *words, size_t n, char *out, size_t len)
{
	size_t o = 0;

	if (len == 0)
		return -ENOSPC;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i) {
			if (o + 2 >= len)
				return -ENOSPC;
			out[o++] = ' ';
		}
		if (vp_shell_quote(words[i], out + o, len - o) != 0)
			return -ENOSPC;
		o += strlen(out + o);
	}
	return 0;
}

void vp_ssh_dest_string(const struct vp_ssh_dest *d, char *out, size_t len)
{
	/* ssh takes an IPv6 address bare ("ssh ::1"); brackets would be
	 * looked up as a host name. */
	snprintf(out, len, "%s%s%s", d->user, d->user[0] ? "@" : "", d->host);
}

void vp_scp_dest_string(const struct vp_ssh_dest *d, const char *path,
			char *out, size_t len)
{
	/* scp splits host from path at ':', so IPv6 goes in brackets. */
	bool v6 = strchr(d->host, ':') != NULL;
	snprintf(out, len, "%s%s%s%s%s:%s", d->user, d->user[0] ? "@" : "",
		 v6 ? "[" : "", d->host, v6 ? "]" : "", path);
}

int vp_ssh_base_argv(const char *prog, const struct vp_ssh_dest *d,
		     const char *extra_opts, struct vp_strlist *argv)
{
	char port[16];
	int rc = 0;

	rc |= vp_strlist_add(argv, prog);
	if (strcmp(prog, "scp") == 0)
		rc |= vp_strlist_add(argv, "-q");
	rc |= vp_strlist_add(argv, "-o");
	rc |= vp_strlist_add(argv, "BatchMode=yes");
	rc |= vp_strlist_add(argv, "-o");
	rc |= vp_strlist_add(argv, "ConnectTimeout=15");
	if (d->port) {
		snprintf(port, sizeof(port), "%u", d->port);
		rc |= vp_strlist_add(argv,
				     strcmp(prog, "scp") == 0 ? "-P" : "-p");
		rc |= vp_strlist_add(argv, port);
	}
	if (extra_opts && *extra_opts) {
		char *copy = strdup(extra_opts), *save = NULL;

		if (!copy)
			return -ENOMEM;
		for (char *w = strtok_r(copy, " \t\n", &save); w;
		     w = strtok_r(NULL, " \t\n", &save))
			rc |= vp_strlist_add(argv, w);
		free(copy);
	}
	return rc ? -ENOMEM : 0;
}
