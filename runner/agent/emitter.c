/* The emitter's one helper: a printf-style env fact (emitter.h). */
#include "runner/agent/emitter.h"

#include <stdarg.h>
#include <stdio.h>

int vp_emit_envf(struct vp_emitter *out, const char *key, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return out->env(out, key, buf);
}
