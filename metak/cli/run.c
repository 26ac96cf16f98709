/* run.c: the first steps every command takes: read the file, keep the
 * rows --where selects, compute the effect sizes and fit the model; and
 * the last: print the warnings and the error, free what was built. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

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
			mk_err_set(err, t->file, 1, m->name,
			    "no such column for --where");
			free(keep);
			return -1;
		}
		for (size_t r = 0; r < t->nrow; r++)
			keep[r] &= strcmp(mk_table_cell(t, r, col),
			    m->column) == 0;
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

int
load_studies(struct cli *c, struct run *r)
{
	memset(r, 0, sizeof(*r));
	if ((r->t = mk_table_read(c->file, &r->err)) == NULL)
		return -1;
	if (mk_table_check_maps(r->t, c->o.maps, c->o.nmaps, &r->err) != 0 ||
	    apply_where(r->t, c, &r->err) != 0)
		return -1;
	if (c->by != NULL && mk_table_col(r->t, c->by, c->o.maps,
	    c->o.nmaps) < 0) {
		mk_err_set(&r->err, r->t->file, 1, c->by, "no such column for "
		    "--by");
		return -1;
	}
	if ((r->s = mk_studies_from_table(r->t, &c->o, &r->w, &r->err)) == NULL ||
	    mk_rows_init(&r->rows, r->t, &c->o, sort_column(c), &r->err) != 0)
		return -1;
	if (r->s->k == 0) {
		if (r->t->nrow == 0)
			mk_err_set(&r->err, r->t->file, 0, "", "no data rows, "
			    "only a header");
		else
			mk_err_set(&r->err, r->t->file, 0, "", "no usable study "
			    "to pool (%zu row%s read, none complete)",
			    r->t->nrow, r->t->nrow == 1 ? "" : "s");
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
		    "that study; heterogeneity cannot be assessed", r->t->file);
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
