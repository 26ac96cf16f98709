/* run.c: the first steps every command takes: read the file, keep the
 * rows --where selects, compute the effect sizes and fit the model; and
 * the last: print the warnings and the error, free what was built. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "base/internal.h"

int
apply_where(mk_table *t, const struct cli *c, mk_err *err)
{
	unsigned char *keep;
	size_t kept = 0;

	if (c->where.n == 0)
		return 0;
	keep = malloc(t->nrow ? t->nrow : 1);
	if (keep == NULL) {
		mk_err_set(err, t->file, 0, "", "out of memory");
		return -1;
	}
	memset(keep, 1, t->nrow);
	for (size_t w = 0; w < c->where.n; w++) {
		const mk_map *m = &c->where.v[w];
		int col = mk_table_col(t, m->name, c->o.maps, c->o.nmaps);
		if (col < 0) {
			const char *near = mk_table_suggest_col(t, m->name);
			mk_err_set(err, t->file, t->header_line, m->name,
			    "no such column for --where%s%s%s", near ? "; did "
			    "you mean \"" : "", near ? near : "", near ? "\"?" :
			    "");
			free(keep);
			return -1;
		}
		char v[256];	/* the value as the cells were kept */
		snprintf(v, sizeof(v), "%s", m->column);
		if (t->decimal == ',' && strlen(m->column) < sizeof(v))
			(void)mk_decimal_comma(v);
		const char *want = strlen(m->column) < sizeof(v) ? v :
		    m->column;
		size_t any = 0;
		for (size_t r = 0; r < t->nrow; r++) {
			int is = mk_where_match(mk_table_cell(t, r, col), want) != 0;
			keep[r] = (unsigned char)(keep[r] & is);
			any += is;
		}
		if (any == 0 && t->nrow > 0) {	/* no row has it: a typo? */
			const char *near = mk_table_suggest_value(t, col, want);
			mk_err_set(err, t->file, 0, "", "--where %s=%s: no row "
			    "has that value%s%s%s%s%s", m->name, m->column,
			    near ? "; did you mean --where " : "", near ? m->name
			    : "", near ? "=" : "", near ? near : "", near ? "?" :
			    "");
			free(keep);
			return -1;
		}
	}
	for (size_t r = 0; r < t->nrow; r++)
		kept += keep[r];
	mk_table_filter(t, keep);
	free(keep);
	if (kept == 0) {
		mk_err_set(err, t->file, 0, "", "--where selected no rows");
		return -1;
	}
	return 0;
}

const char *
sort_column(const struct cli *c)
{
	if (c->plot.sort == MK_SORT_YEAR)
		return "year";
	return c->plot.sort == MK_SORT_COLUMN ? c->plot.sort_col : NULL;
}

/* metafor reports a Q-profile bound beyond its search limit as the limit
 * (printed with ">"); metak does the same and says so. */
void
warn_capped(mk_warn *w, const mk_fit *f, const char *where)
{
	if (f->tau2_capped)
		mk_warn_add(w, "tau2 confidence interval%s: a bound lies beyond "
		    "the search limit max(100, 10 tau2) = %g and is reported "
		    "as that limit", where, fmax(100, 10 * f->tau2));
}

/* The forest plot's extra columns: --columns and risk of bias. */
static int
forest_columns(const struct cli *c, struct run *r)
{
	const char *names[MK_MAXCOLS + 1];
	size_t n = 0;
	char *list = strdup(c->columns ? c->columns : "");
	int rc;

	if (list == NULL) {
		mk_err_set(&r->err, r->t->file, 0, "", "out of memory");
		return -1;
	}
	for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok != NULL
	    && n <= MK_MAXCOLS; tok = strtok_r(NULL, ",", &save))
		names[n++] = tok;
	if (c->columns != NULL && n == 0) {
		free(list);
		mk_err_set(&r->err, "", 0, "", "--columns: no column named");
		r->err.usage = 1;
		return -1;
	}
	rc = mk_rowcols_init(&r->rows.cols, r->t, &c->o, names, n, &r->err);
	free(list);
	return rc;
}

/* Every row was left out: say how many for a flag (and which option keeps
 * them) and how many for want of values. */
static void
no_usable(struct run *r)
{
	size_t rt = 0, cn = 0, n = r->t->nrow;
	char why[200] = "";

	for (size_t j = 0; j < r->s->nout; j++) {
		rt += strcmp(r->s->out[j].why, "retracted") == 0;
		cn += strncmp(r->s->out[j].why, "integrity concern", 17) == 0;
	}
	if (rt + cn == 0)
		snprintf(why, sizeof(why), ", none complete");
	else {
		size_t l = 0;
		if (rt > 0)
			l += (size_t)snprintf(why, sizeof(why), "; %zu retracted "
			    "(--include-retracted keeps them)", rt);
		if (cn > 0)
			l += (size_t)snprintf(why + l, sizeof(why) - l, "; %zu "
			    "with an integrity concern (--include-flagged keeps "
			    "them)", cn);
		if (n > rt + cn)
			snprintf(why + l, sizeof(why) - l, "; %zu left out for "
			    "the reasons above", n - rt - cn);
	}
	mk_err_set(&r->err, r->t->file, 0, "", "no usable study to pool "
	    "(%zu row%s read%s)", n, n == 1 ? "" : "s", why);
}

int
load_studies(struct cli *c, struct run *r)
{
	memset(r, 0, sizeof(*r));
	if ((r->t = mk_table_read_as(c->file, c->o.sep, c->o.decimal,
	    &r->err)) == NULL)
		return -1;
	if (mk_table_check_maps(r->t, c->o.maps, c->o.nmaps, &r->err) != 0 ||
	    apply_where(r->t, c, &r->err) != 0)
		return -1;
	if (c->by != NULL && mk_table_col(r->t, c->by, c->o.maps,
	    c->o.nmaps) < 0) {
		const char *near = mk_table_suggest_col(r->t, c->by);
		mk_err_set(&r->err, r->t->file, r->t->header_line, c->by, "no such column for "
		    "--by%s%s%s", near ? "; did you mean \"" : "", near ? near :
		    "", near ? "\"?" : "");
		return -1;
	}
	if ((r->s = mk_studies_from_table(r->t, &c->o, &r->w, &r->err)) == NULL ||
	    data_options_act(c, r->t, r->s, &r->w, &r->err) != 0 ||
	    mk_rows_init(&r->rows, r->t, &c->o, sort_column(c), &r->err) != 0 ||
	    (c->svg != NULL && forest_columns(c, r) != 0))
		return -1;
	if (r->s->k == 0) {
		if (r->t->nrow == 0)
			mk_err_set(&r->err, r->t->file, 0, "", "no data rows, "
			    "only a header");
		else
			no_usable(r);
		return -1;
	}
	return 0;
}

int
load_and_fit(struct cli *c, struct run *r)
{
	if (load_studies(c, r) != 0)
		return -1;
	if (mk_fit_run(r->s, &c->o, &r->f, &r->w, &r->err) != 0)
		return -1;
	if (r->s->k == 1 && c->o.method == MK_BAYES)
		mk_warn_add(&r->w, "%s: only one study: its data say nothing "
		    "about heterogeneity, so the posterior of tau is (nearly) "
		    "its prior", r->t->file);
	else if (r->s->k == 1)
		mk_warn_add(&r->w, "%s: only one study: the pooled result is "
		    "that study; heterogeneity cannot be assessed%s", r->t->file,
		    c->o.ci == MK_CI_HKSJ && r->f.ci == MK_CI_Z ? "; with no "
		    "Knapp-Hartung df (k - 1 = 0) its interval and p are from "
		    "z, as in metafor" : "");
	warn_capped(&r->w, &r->f, "");
	return 0;
}

int
run_end(struct run *r, const struct cli *c, int rc)
{
	print_warnings(&r->w);
	if (rc == EXIT_DATA && r->err.msg[0] != '\0') {
		print_err(&r->err, r->t ? r->t->file : c->file);
		if (r->err.usage) {	/* the fault is in the command line */
			fprintf(stderr, "Try 'metak --help'.\n");
			rc = EXIT_USAGE;
		}
	}
	mk_fit_free(&r->f);
	mk_studies_free(r->s);
	mk_rows_free(&r->rows);
	mk_table_free(r->t);
	mk_warn_clear(&r->w);
	return rc;
}
