/* diag.c: the error struct and the warning list the library fills.
 * Deciding how (and whether) to print them is main.c's job. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"

/* Safe when an argument is the error's own text (rewording an error with
 * its own message, "%s", e->msg): everything is formatted into a copy
 * first (writing into a buffer being read once left the message empty). */
void
mk_err_set(mk_err *e, const char *file, long line, const char *column,
    const char *fmt, ...)
{
	va_list ap;
	mk_err n;

	if (e == NULL)
		return;
	snprintf(n.file, sizeof(n.file), "%s", file ? file : "");
	snprintf(n.column, sizeof(n.column), "%s", column ? column : "");
	va_start(ap, fmt);
	vsnprintf(n.msg, sizeof(n.msg), fmt, ap);
	va_end(ap);
	memcpy(e->file, n.file, sizeof(e->file));
	memcpy(e->column, n.column, sizeof(e->column));
	memcpy(e->msg, n.msg, sizeof(e->msg));
	e->line = line;
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
