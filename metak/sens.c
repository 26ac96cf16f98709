/* sens.c: sensitivity analyses by refitting: leave-one-out (each study
 * left out in turn) and cumulative meta-analysis (studies added one at a
 * time in a given order). Each refit is O(k) per iteration of its
 * estimator; only the summary of each is kept, so memory is O(k). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metak.h"

static void
keep(mk_step *st, size_t study, const mk_fit *f)
{
	st->study = study;
	st->k = f->k;
	st->est = f->est;
	st->se = f->se;
	st->lo = f->lo;
	st->hi = f->hi;
	st->stat = f->stat;
	st->p = f->p;
	st->tdf = f->tdf;
	st->pi_lo = f->pi_lo;
	st->pi_hi = f->pi_hi;
	st->q = f->q;
	st->qdf = f->qdf;
	st->qp = f->qp;
	st->tau2 = f->tau2;
	st->i2 = f->i2;
	st->h2 = f->h2;
}

/* Fits the studies marked in sel into step `at`; a fit that fails (too
 * few studies for MH, say) is kept as NaN with a k. */
static int
refit(const mk_studies *s, const unsigned char *sel, const mk_opts *o,
    mk_step *at, size_t study, mk_err *err)
{
	mk_studies *sub = mk_studies_subset(s, sel);
	mk_warn w = { 0 };
	mk_fit f;
	int rc = 0;

	memset(&f, 0, sizeof(f));
	if (sub == NULL) {
		mk_err_set(err, "", 0, "", "out of memory");
		return -1;
	}
	if (sub->k > 0 && mk_fit_run(sub, o, &f, &w, err) == 0) {
		keep(at, study, &f);
	} else {
		memset(at, 0, sizeof(*at));
		at->study = study;
		at->k = sub->k;
		at->est = at->se = at->lo = at->hi = at->stat = at->p = NAN;
		at->tdf = at->pi_lo = at->pi_hi = at->q = at->qdf = NAN;
		at->qp = at->tau2 = at->i2 = at->h2 = NAN;
		if (sub->k > 0 && strstr(err->msg, "out of memory") != NULL)
			rc = -1;
	}
	mk_fit_free(&f);
	mk_warn_clear(&w);
	mk_studies_free(sub);
	return rc;
}

/* Leaving one study out moves tau2 little: starting each refit's Fisher
 * scoring at the full-data estimate saves most of its iterations (the
 * root is the same to the convergence threshold). */
static double
warm_start(const mk_studies *s, const mk_opts *o)
{
	mk_fit f;
	mk_warn w = { 0 };
	mk_err e;
	double t = NAN;

	memset(&f, 0, sizeof(f));
	if (mk_method_get(o->method)->random && s->k > 2 &&
	    mk_fit_run(s, o, &f, &w, &e) == 0)
		t = f.tau2;
	mk_fit_free(&f);
	mk_warn_clear(&w);
	return t;
}

int
mk_leave1out(const mk_studies *s, const mk_opts *o_in, mk_step **out,
    mk_err *err)
{
	mk_opts o = *o_in;
	unsigned char *sel = malloc(s->k ? s->k : 1);
	mk_step *st = calloc(s->k ? s->k : 1, sizeof(*st));

	o.no_tau2_ci = 1;	/* as metafor's leave1out: not needed */
	o.tau2_init = warm_start(s, &o);
	if (sel == NULL || st == NULL) {
		free(sel);
		free(st);
		mk_err_set(err, "", 0, "", "out of memory");
		return -1;
	}
	memset(sel, 1, s->k);
	for (size_t i = 0; i < s->k; i++) {
		sel[i] = 0;
		if (refit(s, sel, &o, &st[i], i, err) != 0) {
			free(sel);
			free(st);
			return -1;
		}
		sel[i] = 1;
	}
	free(sel);
	*out = st;
	return 0;
}

int
mk_cumulative(const mk_studies *s, const size_t *order, const mk_opts *o_in,
    mk_step **out, mk_err *err)
{
	mk_opts o = *o_in;
	unsigned char *sel = calloc(s->k ? s->k : 1, 1);
	mk_step *st = calloc(s->k ? s->k : 1, sizeof(*st));

	o.no_tau2_ci = 1;
	if (sel == NULL || st == NULL) {
		free(sel);
		free(st);
		mk_err_set(err, "", 0, "", "out of memory");
		return -1;
	}
	for (size_t j = 0; j < s->k; j++) {
		size_t i = order ? order[j] : j;
		sel[i] = 1;
		if (refit(s, sel, &o, &st[j], i, err) != 0) {
			free(sel);
			free(st);
			return -1;
		}
	}
	free(sel);
	*out = st;
	return 0;
}

struct key {
	const char *s;
	double x;
	size_t i;
};

static int numeric_keys;	/* set by mk_order_by before sorting */

static int
by_key(const void *a, const void *b)
{
	const struct key *p = a, *q = b;

	if (numeric_keys && p->x != q->x)
		return p->x < q->x ? -1 : 1;
	if (!numeric_keys) {
		int c = strcmp(p->s, q->s);
		if (c != 0)
			return c;
	}
	return (p->i > q->i) - (p->i < q->i);	/* stable */
}

int
mk_order_by(const mk_table *t, const mk_studies *s, const char *column,
    const mk_opts *o, size_t **order, mk_err *err)
{
	int col = mk_table_col(t, column, o->maps, o->nmaps);
	struct key *k;
	size_t *ord;

	if (col < 0) {
		mk_err_set(err, t->file, 1, column, "no such column for "
		    "--order");
		return -1;
	}
	k = malloc((s->k ? s->k : 1) * sizeof(*k));
	ord = malloc((s->k ? s->k : 1) * sizeof(*ord));
	if (k == NULL || ord == NULL) {
		free(k);
		free(ord);
		mk_err_set(err, t->file, 0, "", "out of memory");
		return -1;
	}
	numeric_keys = 1;
	for (size_t i = 0; i < s->k; i++) {
		char *end;
		k[i].s = mk_table_cell(t, s->row[i], col);
		k[i].i = i;
		k[i].x = strtod(k[i].s, &end);
		if (k[i].s[0] == '\0' || *end != '\0' || !isfinite(k[i].x))
			numeric_keys = 0;	/* order as text */
	}
	qsort(k, s->k, sizeof(*k), by_key);
	for (size_t i = 0; i < s->k; i++)
		ord[i] = k[i].i;
	free(k);
	*order = ord;
	return 0;
}
