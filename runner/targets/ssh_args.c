/* ssh target helpers (see ssh_args.h). */
#include "runner/targets/ssh_args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int vp_ssh_parse_target(const char *spec, struct vp_ssh_dest *d, char *err,
			size_t errlen)
{
	const char *at, *host, *port = NULL;
	size_t hl;
	char *end;

	memset(d, 0, sizeof(*d));
	if (strncmp(spec, "ssh:", 4) == 0)
		spec += 4;
	at = strchr(spec, '@');
	host = at ? at + 1 : spec;
	if (at) {
		if (at == spec || (size_t)(at - spec) >= sizeof(d->user))
			goto bad;
		snprintf(d->user, sizeof(d->user), "%.*s", (int)(at - spec),
			 spec);
	}
	if (*host == '[') {
		const char *close = strchr(host, ']');

		if (!close || close == host + 1)
			goto bad;
		hl = (size_t)(close - host - 1);
		host++;
		if (close[1] == ':')
			port = close + 2;
		else if (close[1])
			goto bad;
	} else {
		const char *colon = strchr(host, ':');

		if (colon && strchr(colon + 1, ':'))
			goto bad; /* bare IPv6: needs brackets */
		hl = colon ? (size_t)(colon - host) : strlen(host);
		if (colon)
			port = colon + 1;
	}
	if (hl == 0 || hl >= sizeof(d->host) || *host == '-')
		goto bad;
	snprintf(d->host, sizeof(d->host), "%.*s", (int)hl, host);
	for (const char *p = d->host; *p; p++)
		if (!strchr(
			"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			"0123456789.-_:%",
			*p))
			goto bad;
	for (const char *p = d->user; *p; p++)
		if (!strchr(
			"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			"0123456789.-_",
			*p) ||
		    d->user[0] == '-')
			goto bad;
	if (port) {
		unsigned long v = strtoul(port, &end, 10);

		if (!*port || *end || v < 1 || v > 65535)
			goto bad;
		d->port = (unsigned)v;
	}
	return 0;
bad:
	snprintf(err, errlen,
		 "bad ssh target '%s': expected ssh:[user@]host[:port] "
		 "(IPv6 as [addr]:port, port 1 .. 65535)",
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
	bool v6 = strchr(d->host, ':') != NULL;

	snprintf(out, len, "%s%s%s%s%s", d->user, d->user[0] ? "@" : "",
		 v6 ? "[" : "", d->host, v6 ? "]" : "");
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
