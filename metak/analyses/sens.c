/* sens.c: sensitivity analyses by refitting: leave-one-out (each study
 * left out in turn) and cumulative meta-analysis (studies added one at a
 * time in a given order), the refits shared out over threads. Refits of
 * one inverse-variance mean read their sums from sums.c (O(1) each, not
 * O(k)); the others refit the subset's rows. Memory is O(k). */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyses/internal.h"

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

/* A refit that failed (too few studies for MH, say): NaN with a k. */
static void
keep_failed(mk_step *at, size_t study, size_t k)
{
	memset(at, 0, sizeof(*at));
	at->study = study;
	at->k = k;
	at->est = at->se = at->lo = at->hi = at->stat = at->p = NAN;
	at->tdf = at->pi_lo = at->pi_hi = at->q = at->qdf = NAN;
	at->qp = at->tau2 = at->i2 = at->h2 = NAN;
}

/* Fits the studies marked in sel into step `at` from their rows. */
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
		keep_failed(at, study, sub->k);
		if (sub->k > 0 && strstr(err->msg, "out of memory") != NULL)
			rc = -1;
	}
	mk_fit_free(&f);
	mk_warn_clear(&w);
	mk_studies_free(sub);
	return rc;
}

/* Fits the subset that sums describes into step `at`. */
static int
refit_sums(const mk_sums *sums, const mk_opts *o, mk_step *at, size_t study,
    mk_err *err)
{
	size_t k = mk_sums_k(sums);
	mk_design d = { k, 1, NULL, NULL, NULL, sums };
	mk_model m;
	mk_fit f;

	memset(&f, 0, sizeof(f));
	if (mk_model_fit(&d, o, 1, &m, err) == 0) {
		f.k = k;
		f.method = o->method;
		mk_fit_from_model(&f, &m, o, k);
		keep(at, study, &f);
	} else {
		keep_failed(at, study, k);
	}
	mk_model_free(&m);
	return strstr(err->msg, "out of memory") != NULL ? -1 : 0;
}

/* The refits, shared by the threads: blocks of steps handed out in order. */
struct sens {
	const mk_studies *s;
	const mk_opts *o;
	const size_t *order;	/* step -> study; NULL: LOO, or file order */
	int cumulative;
	int sums;		/* refits from sums.c */
	double *y, *v;		/* with sums: the studies in step order */
	mk_sums full;		/* with sums, LOO: every study */
	double shift, t0, t1;	/* the sums' centre and bases */
	mk_step *st;
	size_t k, block;
	pthread_mutex_t mu;
	size_t next, done;
	int failed;
	mk_err err;
};

/* One thread's state: the studies selected (rows), or running sums. */
struct lane {
	unsigned char *sel;
	mk_sums run;
	size_t at;		/* cumulative: studies added so far */
	double prev;		/* cumulative: the last step's tau2, or NaN */
	mk_err err;
};

static size_t
study_of(const struct sens *z, size_t j)
{
	return z->order ? z->order[j] : j;
}

static int
run_step(struct sens *z, struct lane *l, size_t j)
{
	size_t i = study_of(z, j);

	if (!z->cumulative && z->sums) {
		mk_sums one = z->full;
		mk_sums_add(&one, j, -1);
		one.skip = j;
		return refit_sums(&one, z->o, &z->st[j], i, &l->err);
	}
	if (!z->cumulative) {
		l->sel[i] = 0;
		int rc = refit(z->s, l->sel, z->o, &z->st[j], i, &l->err);
		l->sel[i] = 1;
		return rc;
	}
	while (l->at <= j) {	/* the first j + 1 studies, added in order */
		if (z->sums)
			mk_sums_add(&l->run, l->at, 1);
		else
			l->sel[study_of(z, l->at)] = 1;
		l->at++;
	}
	if (z->sums) {
		/* the last step's tau2 is near this one's: the estimators
		 * that iterate start there, and the movable base goes there
		 * when it is far from every base (a pass now and then, not one
		 * per step: PM's search from 0 once took one per step); the
		 * others evaluate at 0 or at SJ's start, the fixed bases */
		mk_opts o = *z->o;
		int iterates = o.method == MK_PM || o.method == MK_ML ||
		    o.method == MK_REML || o.method == MK_EB;
		l->run.n = j + 1;
		if (iterates && isfinite(l->prev) && j + 1 >= 64) {
			if (!mk_sums_near(&l->run, l->prev))
				mk_sums_rebase(&l->run, l->prev);
			o.tau2_init = l->prev;
		}
		int rc = refit_sums(&l->run, &o, &z->st[j], i, &l->err);
		l->prev = z->st[j].tau2;
		return rc;
	}
	return refit(z->s, l->sel, z->o, &z->st[j], i, &l->err);
}

/* Takes blocks until none is left; the calling thread (report set) also
 * reports progress between them. */
static void
work(struct sens *z, const mk_sens_ctl *report)
{
	struct lane l;

	memset(&l, 0, sizeof(l));
	l.prev = NAN;
	l.sel = calloc(z->k ? z->k : 1, 1);
	if (l.sel != NULL && !z->cumulative)
		memset(l.sel, 1, z->k);
	if (z->sums)
		mk_sums_init(&l.run, z->y, z->v, z->shift, z->t0, z->t1);
	for (;;) {
		pthread_mutex_lock(&z->mu);
		size_t a = z->next, b;
		int stop = z->failed || a >= z->k || l.sel == NULL;
		if (l.sel == NULL && !z->failed) {
			z->failed = 1;
			mk_err_set(&z->err, "", 0, "", "out of memory");
		}
		b = a + z->block < z->k ? a + z->block : z->k;
		if (!stop)
			z->next = b;
		size_t done = z->done;
		pthread_mutex_unlock(&z->mu);
		if (stop)
			break;
		if (report != NULL && report->progress != NULL)
			report->progress(report->ud, done, z->k);
		int rc = 0;
		for (size_t j = a; j < b && rc == 0; j++)
			rc = run_step(z, &l, j);
		pthread_mutex_lock(&z->mu);
		z->done += b - a;
		if (rc != 0 && !z->failed) {
			z->failed = 1;
			z->err = l.err;
		}
		pthread_mutex_unlock(&z->mu);
	}
	free(l.sel);
}

static void *
worker(void *ud)
{
	work(ud, NULL);
	return NULL;
}

/* Can the refits come from sums? One inverse-variance mean (not MH,
 * Peto, BAYES or DL from the MH Q; PM's root itself, not metafor's
 * search) over finite estimates with positive variances. */
static int
sums_apply(const mk_studies *s, const mk_opts *o)
{
	if (o->method == MK_MH || o->method == MK_PETO || o->method ==
	    MK_BAYES || (o->method == MK_DL && o->dl_mhq) ||
	    (o->method == MK_PM && o->pm_tol > 0) ||
	    s->k < 2)
		return 0;
	for (size_t i = 0; i < s->k; i++)
		if (!isfinite(s->yi[i]) || !(s->vi[i] > 0) ||
		    !isfinite(s->vi[i]))
			return 0;
	return 1;
}

/* The full fit: the refits' warm start (LOO) and the sums' centre and
 * base (its estimate and tau2). 0, or -1 when it cannot be fitted. */
static int
full_fit(const mk_studies *s, const mk_opts *o, double *est, double *tau2)
{
	mk_fit f;
	mk_warn w = { 0 };
	mk_err e;
	mk_opts oo = *o;
	int rc;

	memset(&f, 0, sizeof(f));
	oo.no_tau2_ci = 1;
	rc = s->k > 0 ? mk_fit_run(s, &oo, &f, &w, &e) : -1;
	*est = rc == 0 ? f.est : NAN;
	*tau2 = rc == 0 ? f.tau2 : NAN;
	mk_fit_free(&f);
	mk_warn_clear(&w);
	return rc == 0 && isfinite(*est) ? 0 : -1;
}

/* The rows in step order, and the sums over all of them. */
static void
sums_setup(struct sens *z, double *y, double *v, double est, double t)
{
	for (size_t j = 0; j < z->k; j++) {
		y[j] = z->s->yi[study_of(z, j)];
		v[j] = z->s->vi[study_of(z, j)];
	}
	z->y = y;
	z->v = v;
	z->shift = est;
	z->t0 = isfinite(t) ? t : 0;
	z->t1 = z->t0;
	if (z->o->method == MK_SJ) {	/* its start, var(y) (k-1)/k: the
					 * unweighted fit's RSS / k */
		mk_design d = { z->k, 1, y, v, NULL, NULL };
		mk_wls w;
		if (mk_wls_init(&w, 1) == 0 && mk_wls_ols(&d, &w) == 0)
			z->t1 = w.rss / (double)z->k;
		mk_wls_free(&w);
	}
	mk_sums_init(&z->full, y, v, z->shift, z->t0, z->t1);
	for (size_t j = 0; j < z->k; j++)
		mk_sums_add(&z->full, j, 1);
	z->full.n = z->k;
}

/* Shares the steps out: jobs - 1 threads beside this one. */
static void
run_threads(struct sens *z, const mk_sens_ctl *ctl)
{
	size_t nth = ctl->jobs > 1 ? ctl->jobs - 1 : 0, started = 0;
	pthread_t *th = nth ? calloc(nth, sizeof(*th)) : NULL;

	pthread_mutex_init(&z->mu, NULL);
	for (; th != NULL && started < nth; started++)
		if (pthread_create(&th[started], NULL, worker, z) != 0)
			break;
	work(z, ctl);
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);
	pthread_mutex_destroy(&z->mu);
}

static int
run_all(const mk_studies *s, const size_t *order, int cumulative,
    const mk_opts *o_in, const mk_sens_ctl *ctl, mk_step **out, mk_err *err)
{
	mk_sens_ctl none = { 0, NULL, NULL };
	struct sens z;
	mk_opts o = *o_in;
	double est, t, *y = NULL, *v = NULL;
	int full_ok;

	if (ctl == NULL)
		ctl = &none;
	memset(&z, 0, sizeof(z));
	o.no_tau2_ci = 1;	/* as metafor's leave1out and cumul */
	full_ok = full_fit(s, &o, &est, &t) == 0;
	if (!cumulative && full_ok && mk_method_get(o.method)->random &&
	    s->k > 2)
		o.tau2_init = t;	/* leaving one out moves tau2 little */
	z.s = s;
	z.o = &o;
	z.order = order;
	z.cumulative = cumulative;
	z.k = s->k;
	z.sums = full_ok && sums_apply(s, &o);
	z.block = z.sums ? 256 : 16;
	z.st = calloc(s->k ? s->k : 1, sizeof(*z.st));
	if (z.sums) {
		y = malloc(s->k * sizeof(double));
		v = malloc(s->k * sizeof(double));
	}
	if (z.st == NULL || (z.sums && (y == NULL || v == NULL))) {
		free(y);
		free(v);
		free(z.st);
		mk_err_set(err, "", 0, "", "out of memory");
		return -1;
	}
	if (z.sums)
		sums_setup(&z, y, v, est, t);
	run_threads(&z, ctl);
	free(y);
	free(v);
	if (z.failed) {
		*err = z.err;
		free(z.st);
		return -1;
	}
	if (ctl->progress != NULL)
		ctl->progress(ctl->ud, z.k, z.k);
	*out = z.st;
	return 0;
}

int
mk_leave1out(const mk_studies *s, const mk_opts *o, const mk_sens_ctl *ctl,
    mk_step **out, mk_err *err)
{
	return run_all(s, NULL, 0, o, ctl, out, err);
}

int
mk_cumulative(const mk_studies *s, const size_t *order, const mk_opts *o,
    const mk_sens_ctl *ctl, mk_step **out, mk_err *err)
{
	return run_all(s, order, 1, o, ctl, out, err);
}

/* A study's --order key: a number (s NULL) or text, or missing. */
struct key {
	const char *s;
	double x;
	int missing;		/* empty or a missing word (NA, ...) */
	size_t i;
};

static int
by_key(const void *a, const void *b)
{
	const struct key *p = a, *q = b;

	if (p->missing != q->missing)
		return p->missing - q->missing;	/* missing: last */
	if (!p->missing && p->s != NULL) {
		int c = strcmp(p->s, q->s);
		if (c != 0)
			return c;
	} else if (!p->missing && p->x != q->x) {
		return p->x < q->x ? -1 : 1;
	}
	return (p->i > q->i) - (p->i < q->i);	/* stable */
}

int
mk_order_by(const mk_table *t, const mk_studies *s, const char *column,
    const mk_opts *o, size_t **order, mk_err *err)
{
	int col = mk_table_col(t, column, o->maps, o->nmaps), text = 0;
	struct key *k;
	size_t *ord;
	const char *why;

	if (col < 0) {
		mk_err_set(err, t->file, t->header_line, column, "no such column for "
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
	for (size_t i = 0; i < s->k; i++) {	/* numbers, unless one is not */
		const char *c = mk_table_cell(t, s->row[i], col);
		int st = mk_parse_num(c, &k[i].x, &why);
		k[i].i = i;
		k[i].s = c;
		k[i].missing = st == MK_NUM_EMPTY;
		text |= st == MK_NUM_BAD;
	}
	for (size_t i = 0; i < s->k && !text; i++)
		k[i].s = NULL;	/* numeric keys */
	qsort(k, s->k, sizeof(*k), by_key);
	for (size_t i = 0; i < s->k; i++)
		ord[i] = k[i].i;
	free(k);
	*order = ord;
	return 0;
}
