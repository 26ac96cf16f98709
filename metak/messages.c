/* messages.c: what metak says on stderr: usage errors, errors that point
 * at the data (file:line: column: what), and the library's warnings. */
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"

const char *const prog = "metak";

void
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'metak --help'.\n");
}

void
print_err(const mk_err *e, const char *file)
{
	const char *f = e->file[0] ? e->file : file;

	fprintf(stderr, "%s: ", prog);
	if (f && f[0]) {
		fprintf(stderr, "%s:", f);
		if (e->line > 0)
			fprintf(stderr, "%ld:", e->line);
		fprintf(stderr, " ");
	}
	if (e->column[0])
		fprintf(stderr, "%s: ", e->column);
	fprintf(stderr, "%s\n", e->msg);
}

void
print_warnings(const mk_warn *w)
{
	for (size_t i = 0; i < w->n; i++)
		fprintf(stderr, "%s: warning: %s\n", prog, w->msg[i]);
}
