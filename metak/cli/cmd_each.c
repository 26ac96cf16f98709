/* cmd_each.c: 'metak pool --each': many analyses streamed from one file;
 * rows go out as they come, to stdout or to a temporary file renamed at
 * the end; warnings and failures go to stderr. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

struct each_out {
	struct outfile *of;	/* NULL: standard output */
	mk_buf buf;
	const struct cli *c;
	size_t n, failed;
	int tty, io_error;
};

static void
each_flush(struct each_out *e)
{
	if (e->buf.oom)
		e->io_error = 1;
	if (e->io_error || e->buf.len == 0)
		return;
	if (e->of != NULL ? outfile_write(e->of, e->buf.data,
	    e->buf.len) != 0 : fwrite(e->buf.data, 1, e->buf.len, stdout) !=
	    e->buf.len)
		e->io_error = 1;
	e->buf.len = 0;
}

/* On a worker thread: the analysis's row (CSV) or line (JSON Lines). */
static void
each_render(const void *ud, mk_buf *out, const char *analysis,
    const mk_table *t, const mk_studies *s, const mk_fit *f, const mk_err *why)
{
	const struct cli *c = ((const struct each_out *)ud)->c;
	size_t k = s ? s->k : 0;

	if (f == NULL) {
		char msg[sizeof(why->column) + sizeof(why->msg) + 2];
		snprintf(msg, sizeof(msg), "%s%s%s", why->column,
		    why->column[0] ? ": " : "", why->msg);
		if (c->format == FMT_JSON)
			mk_render_each_json_error(out, analysis, k, msg);
		else
			mk_render_each_csv(out, analysis, NULL, k, 0);
	} else if (c->format == FMT_JSON) {
		mk_rows rows;
		mk_err err;
		mk_result r = { .rows = &rows, .studies = s, .opts = &c->o,
		    .fit = f, .no_studies = 1, .analysis = analysis };
		if (mk_rows_init(&rows, t, &c->o, NULL, &err) != 0) {
			out->oom = 1;
			return;
		}
		mk_render_json(out, &r);
		mk_rows_free(&rows);
	} else {
		mk_render_each_csv(out, analysis, f, k, c->plot.digits);
	}
}

/* On this thread, in file order: warnings and failures to stderr, the
 * rendered text to the output. */
static void
each_emit(void *ud, const char *analysis, const mk_buf *out,
    const mk_err *why, const mk_warn *w)
{
	struct each_out *e = ud;

	print_warnings(w);
	e->n++;
	if (why != NULL) {
		e->failed++;
		fprintf(stderr, "%s: ", prog);
		if (why->file[0])
			fprintf(stderr, "%s:%ld: ", why->file, why->line);
		fprintf(stderr, "analysis \"%s\": %s%s%s\n", analysis,
		    why->column[0] ? why->column : "", why->column[0] ? ": " :
		    "", why->msg);
	}
	if (out->oom)
		e->io_error = 1;
	mk_buf_put(&e->buf, out->data ? out->data : "", out->len);
	if (e->buf.len > 65536)
		each_flush(e);
	if (e->tty && e->n % 1000 == 0)
		fprintf(stderr, "\r%s: %zu analyses", prog, e->n);
}

/* Rows go out 64 kB at a time once the file's header and first
 * analysis have been read; if reading the file fails, what is still
 * buffered is dropped, and an output file is left as it was. */
int
cmd_each(struct cli *c)
{
	struct each_out e;
	struct outfile of;
	mk_err err = { 0 };
	int to_file = c->output != NULL && strcmp(c->output, "-") != 0, rc;

	memset(&e, 0, sizeof(e));
	e.c = c;
	e.tty = isatty(STDERR_FILENO);
	if (to_file) {
		if (outfile_open(&of, c->output) != 0)
			return EXIT_DATA;
		e.of = &of;
	}
	if (c->format == FMT_CSV) {
		mk_render_each_header(&e.buf);
		c->o.no_tau2_ci = 1;	/* not among the CSV's columns */
	}
	/* BAYES: no study rows, so no shrunken effects; the CSV has no
	 * predictive or tau interval either */
	c->o.bayes_brief = c->format == FMT_CSV ? 2 : 1;
	mk_each_spec sp = { .column = c->each, .where = c->where.v,
	    .nwhere = c->where.n, .shard_i = c->shard_i,
	    .shard_n = c->shard_n, .jobs = (size_t)c->jobs };
	mk_each_cb cb = { .render = each_render, .emit = each_emit, .ud = &e };
	rc = mk_each_run(c->file, &c->o, &sp, &cb, &err);
	if (rc == 0 && e.n == 0 && c->where.n > 0 && c->shard_n <= 1) {
		mk_err_set(&err, c->file, 0, "", "--where selected no rows "
		    "(no analysis to write)");	/* as a plain pool */
		rc = -1;
	}
	if (rc == 0)
		each_flush(&e);
	if (e.tty && e.n >= 1000)
		fprintf(stderr, "\r%s: %zu analyses\n", prog, e.n);
	if (rc != 0)
		print_err(&err, c->file);
	if (!to_file && (fflush(stdout) != 0 || ferror(stdout)))
		e.io_error = 1;
	if (rc == 0 && e.io_error)
		fprintf(stderr, "%s: %s: write error: %s\n", prog, to_file ?
		    c->output : "standard output", strerror(errno));
	if (to_file && outfile_close(&of, rc == 0 && !e.io_error) != 0)
		e.io_error = 1;
	if (rc == 0 && !e.io_error && e.failed > 0)
		fprintf(stderr, "%s: %zu of %zu analyses could not be fitted "
		    "(marked in their rows)\n", prog, e.failed, e.n);
	mk_buf_free(&e.buf);
	return rc != 0 || e.io_error ? EXIT_DATA : 0;
}
