/* Pure helpers of the ssh target: parsing ssh:[user@]host[:port], quoting
 * words for the remote shell (OpenSSH sends the command as one string that
 * the remote login shell parses, so every word is single-quoted), and the
 * ssh/scp argv prefixes. */
#ifndef VP_SSH_ARGS_H
#define VP_SSH_ARGS_H

#include <stddef.h>

#include "runner/guest/guest.h"

struct vp_ssh_dest {
	char user[64];	/* "" = ssh's default (config or local user) */
	char host[256]; /* without IPv6 brackets */
	unsigned port;	/* 0 = ssh's default (config or 22) */
};

/* Parses "ssh:[user@]host[:port]" (the "ssh:" prefix is optional; IPv6 as
 * [addr] or [addr]:port, a zone as [fe80::1%eth0]). The one parser for
 * both the plan-time check (target.c) and the ssh target itself.
 * -EINVAL with the expected form otherwise. */
int vp_ssh_parse_target(const char *spec, struct vp_ssh_dest *d, char *err,
			size_t errlen);

/* 'word' with each ' written as '\'' ; -ENOSPC when out is too small. */
int vp_shell_quote(const char *in, char *out, size_t len);

/* Joins words into one remote command line, each quoted. */
int vp_shell_join(const char *const *words, size_t n, char *out, size_t len);

/* The destination argument of ssh: "user@host", IPv6 bare ("user@::1"). */
void vp_ssh_dest_string(const struct vp_ssh_dest *d, char *out, size_t len);
/* The remote argument of scp: "user@host:path", IPv6 in brackets
 * ("user@[::1]:path"). */
void vp_scp_dest_string(const struct vp_ssh_dest *d, const char *path,
			char *out, size_t len);

/* Appends the common prefix: ssh|scp, BatchMode=yes, ConnectTimeout,
 * the port (-p / -P) and the words of $VPBENCH_SSH_OPTS (split on blanks:
 * e.g. "-F /path/config" or "-i key -o UserKnownHostsFile=kh"). */
int vp_ssh_base_argv(const char *prog, const struct vp_ssh_dest *d,
		     const char *extra_opts, struct vp_strlist *argv);

#endif
