/* messages.c: what metak says on stderr: usage errors, errors that point
 * at the data (file:line: column: what), and the library's warnings. */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "base/internal.h"

const char *const prog = "metak";

/* One line on stderr, control characters and bytes that are not UTF-8
 * escaped, so that what a file or argument holds cannot reach the
 * terminal as a command. */
static void
say(const char *s)
{
	static char out[4 * 2048 + 8];

	mk_escape(s, out, sizeof(out));
	fprintf(stderr, "%s\n", out);
}

void
usage_error(const char *fmt, ...)
{
	va_list ap;
	char msg[2048];
	int n = snprintf(msg, sizeof(msg), "%s: ", prog);

	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	say(msg);
	fprintf(stderr, "Try 'metak --help'.\n");
}

void
print_err(const mk_err *e, const char *file)
{
	const char *f = e->file[0] ? e->file : file;
	char msg[2048];
	size_t n = (size_t)snprintf(msg, sizeof(msg), "%s: ", prog);

	if (f && f[0]) {
		n += (size_t)snprintf(msg + n, sizeof(msg) - n, "%s:", f);
		if (e->line > 0 && n < sizeof(msg))
			n += (size_t)snprintf(msg + n, sizeof(msg) - n, "%ld:",
			    e->line);
		if (n < sizeof(msg))
			n += (size_t)snprintf(msg + n, sizeof(msg) - n, " ");
	}
	if (e->column[0] && n < sizeof(msg))
		n += (size_t)snprintf(msg + n, sizeof(msg) - n, "%s: ",
		    e->column);
	if (n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - n, "%s", e->msg);
	say(msg);
}

void
print_warnings(const mk_warn *w)
{
	char msg[2048];

	for (size_t i = 0; i < w->n; i++) {
		snprintf(msg, sizeof(msg), "%s: warning: %s", prog, w->msg[i]);
		say(msg);
	}
	if (w->dropped > 0) {
		snprintf(msg, sizeof(msg), "%s: warning: %zu more warnings not "
		    "shown", prog, w->dropped);
		say(msg);
	}
}

int
progress_start(struct progress *p, const char *what, const char *unit)
{
	p->what = what;
	p->unit = unit;
	p->shown = 0;
	if (!isatty(STDERR_FILENO))
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &p->t0);
	return 1;
}

void
progress_show(void *ud, size_t done, size_t total)
{
	struct progress *p = ud;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	double el = (double)(now.tv_sec - p->t0.tv_sec) +
	    (double)(now.tv_nsec - p->t0.tv_nsec) / 1e9;
	if (!p->shown && (el < 1 || done == total))
		return;
	fprintf(stderr, "\r%s: %s: %zu of %zu %s", prog, p->what, done,
	    total, p->unit);
	p->shown = 1;
	if (done == total)
		fputc('\n', stderr);
}
