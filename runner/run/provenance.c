/* Provenance facts for env.csv (see provenance.h). */
#include "runner/run/provenance.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runner/build_info.h"

#ifndef VP_BUILD_TYPE
#define VP_BUILD_TYPE "unknown"
#endif
#ifndef VP_SANITIZERS
#define VP_SANITIZERS "none"
#endif

/* Built at once: getopt permutes argv later. */
static char saved_cmdline[4096];

/* Single quotes unless the word is made of safe characters only. */
static size_t quote_word(const char *w, char *buf, size_t len)
{
	size_t o = 0;
	bool plain = *w != '\0';

	for (const char *c = w; *c && plain; c++)
		plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
			       "VWXYZ0123456789-_./=:,@+%",
			       *c) != NULL;
	if (plain)
		return (size_t)snprintf(buf, len, "%s", w);
	o += (size_t)snprintf(buf, len, "'");
	for (const char *c = w; *c && o < len; c++) {
		if (*c == '\'')
			o += (size_t)snprintf(buf + o, len - o, "'\\''");
		else if ((unsigned char)*c < 0x20 || *c == 0x7f)
			/* Control bytes never reach env.csv raw. */
			o += (size_t)snprintf(buf + o, len - o, "?");
		else
			o += (size_t)snprintf(buf + o, len - o, "%c", *c);
	}
	if (o < len)
		o += (size_t)snprintf(buf + o, len - o, "'");
	return o;
}

void vp_provenance_set_argv(int argc, char *const *argv)
{
	size_t o = 0, len = sizeof(saved_cmdline);

	saved_cmdline[0] = '\0';
	for (int i = 0; i < argc && o + 1 < len; i++) {
		if (i)
			saved_cmdline[o++] = ' ';
		o += quote_word(argv[i], saved_cmdline + o, len - o);
	}
	if (o >= len)
		saved_cmdline[len - 1] = '\0';
}

void vp_provenance_command_line(char *buf, size_t len)
{
	snprintf(buf, len, "%s", saved_cmdline);
}

uint64_t vp_provenance_plan_hash(const struct vp_plan *p)
{
	char *text = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);
	uint64_t h = 0xcbf29ce484222325ull;

	if (!f)
		return 0;
	if (vp_plan_write(p, f) != 0) {
		fclose(f);
		free(text);
		return 0;
	}
	fclose(f);
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)text[i];
		h *= 0x100000001b3ull;
	}
	free(text);
	return h;
}

static const char *compiler(void)
{
#if defined(__clang__)
	return "clang " __clang_version__;
#elif defined(__GNUC__)
	return "gcc " __VERSION__;
#else
	return "unknown";
#endif
}

void vp_provenance_build(char *buf, size_t len)
{
	snprintf(buf, len, "%s (git %s, %s, %s%s%s)", VP_VERSION,
		 vp_git_describe, VP_BUILD_TYPE, compiler(),
		 strcmp(VP_SANITIZERS, "none") ? ", sanitizers " : "",
		 strcmp(VP_SANITIZERS, "none") ? VP_SANITIZERS : "");
}

static void emit_utc(struct vp_emitter *e, const char *key)
{
	char buf[40];
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	e->env(e, key, buf);
}

void vp_provenance_emit_start(struct vp_emitter *e, const struct vp_plan *p)
{
	char buf[4096];

	e->env(e, "vpbench_version", VP_VERSION);
	e->env(e, "build_git", vp_git_describe);
	e->env(e, "build_type", VP_BUILD_TYPE);
	e->env(e, "compiler", compiler());
	e->env(e, "sanitizers", VP_SANITIZERS);
	vp_provenance_command_line(buf, sizeof(buf));
	e->env(e, "command_line", buf);
	snprintf(buf, sizeof(buf), "%016llx",
		 (unsigned long long)vp_provenance_plan_hash(p));
	e->env(e, "plan_hash", buf);
	/* The machine that runs vpbench, whatever the target: the history's
	 * host label (a guest's own hostname names the guest). */
	if (gethostname(buf, sizeof(buf)) == 0) {
		buf[sizeof(buf) - 1] = '\0';
		e->env(e, "runner_host", buf);
	}
	emit_utc(e, "start_utc");
}

void vp_provenance_emit_end(struct vp_emitter *e)
{
	emit_utc(e, "end_utc");
}
