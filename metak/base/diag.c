/* diag.c: the error struct and the warning list the library fills.
 * Deciding how (and whether) to print them is main.c's job. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"

void
mk_err_set(mk_err *e, const char *file, long line, const char *column,
    const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return;
	snprintf(e->file, sizeof(e->file), "%s", file ? file : "");
	e->line = line;
	snprintf(e->column, sizeof(e->column), "%s", column ? column : "");
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

void
mk_warn_add(mk_warn *w, const char *fmt, ...)
{
	va_list ap;
	char tmp[1024];
	char **grown;

	if (w == NULL)
		return;
	if (w->n >= MK_WARN_KEEP) {	/* memory stays bounded: count them */
		w->dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 8;
		grown = realloc(w->msg, cap * sizeof(*grown));
		if (grown == NULL)
			return;	/* a lost warning beats a crash */
		w->msg = grown;
		w->cap = cap;
	}
	w->msg[w->n] = strdup(tmp);
	if (w->msg[w->n] != NULL)
		w->n++;
}

void
mk_warn_prefix(mk_warn *w, size_t from, const char *fmt, ...)
{
	va_list ap;
	char pre[512], tmp[1024];

	if (w == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	for (size_t i = from; i < w->n; i++) {
		snprintf(tmp, sizeof(tmp), "%s%s", pre, w->msg[i]);
		char *m = strdup(tmp);
		if (m == NULL)
			continue;	/* keeps the warning unprefixed */
		free(w->msg[i]);
		w->msg[i] = m;
	}
}

void
mk_warn_clear(mk_warn *w)
{
	if (w == NULL)
		return;
	for (size_t i = 0; i < w->n; i++)
		free(w->msg[i]);
	free(w->msg);
	w->msg = NULL;
	w->n = w->cap = w->dropped = 0;
}
