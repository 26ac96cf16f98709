/* check.c: does a published pooled result reproduce? With trial data,
 * refit with every applicable method, interval and continuity correction
 * and compare each figure with the claim at the precision it was printed;
 * when none does, refit without each study and each pair (the leave-one-
 * out machinery of sens.c) to find the subset that gives it; without
 * data, check the claim's internal consistency (is the estimate the centre
 * of its interval on the analysis scale, and which SE, z and p it implies). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyses/internal.h"

/* Does x, rounded to dec decimals, equal the printed value v? Allows the
 * half-unit of the last printed digit and a hair for binary rounding. */
static int
same_printed(double x, double v, int dec)
{
	double half = 0.5 * pow(10, -dec);

	return isfinite(x) && fabs(x - v) <= half * (1 + 1e-9) + 1e-12;
}

/* An analysis-scale value on the scale the claim was printed on (n: the
 * sample size PFT's inverse needs). */
static double
as_printed(const mk_claim *c, double x, double n)
{
	if (c->scale == MK_SCALE_PERCENT)
		return 100 * x;
	if (c->scale == MK_SCALE_LOG)
		return x;
	return mk_natural(c->measure, x, n);
}

/* A printed natural-scale value nudged inside the measure's domain, so
 * that the bounds rounding allows can be taken to the analysis scale. */
static double
inside(mk_measure m, double x)
{
	switch (mk_measure_get(m)->tr) {
	case MK_TR_EXP:
		return fmax(x, 1e-300);
	case MK_TR_TANH:
		return fmin(fmax(x, -1 + 1e-16), 1 - 1e-16);
	case MK_TR_ILOGIT:
		return fmin(fmax(x, 1e-300), 1 - 1e-16);
	case MK_TR_IARCSIN:
		return fmin(fmax(x, 0), 1);
	case MK_TR_ISQRT:
		return fmax(x, 0);
	default:
		return x;
	}
}

static int
add_row(mk_check_row **rows, size_t *n, size_t *cap, const mk_check_row *r)
{
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 32;
		mk_check_row *g = realloc(*rows, c * sizeof(*g));
		if (g == NULL)
			return -1;
		*rows = g;
		*cap = c;
	}
	(*rows)[(*n)++] = *r;
	return 0;
}

/* A printed p reproduced: "p < x" by any p below x, else at the
 * decimals printed. */
static int
p_printed(const mk_claim *c, double p)
{
	if (!isfinite(p))
		return 0;
	return c->p_less ? p < c->p : same_printed(p, c->p, c->p_dec);
}

/* A refit's estimate, bounds (analysis scale; n: PFT's sample size) and p
 * into r as printed, and which of the claim's figures they do not give. */
static unsigned
judge(const mk_claim *c, double est, double lo, double hi, double p,
    double n, mk_check_row *r)
{
	unsigned fail = 0;

	r->est = as_printed(c, est, n);
	r->lo = as_printed(c, lo, n);
	r->hi = as_printed(c, hi, n);
	r->p = p;
	if (!same_printed(r->est, c->est, c->dec_est))
		fail |= MK_FIG_EST;
	if (!same_printed(r->lo, c->lo, c->dec_lo))
		fail |= MK_FIG_LO;
	if (!same_printed(r->hi, c->hi, c->dec_hi))
		fail |= MK_FIG_HI;
	if (isfinite(c->p) && !p_printed(c, p))
		fail |= MK_FIG_P;
	return fail;
}

/* One variant: effects with this correction, fit with this method and
 * interval, compare. A variant that cannot be fitted is listed as such. */
struct variant {
	mk_method m;
	mk_citype ci;
	mk_ccto to;
	int mhq;
};

#define MAX_VARIANTS 128

static void
variant_opts(const mk_opts *base, const mk_claim *c, const struct variant *va,
    mk_opts *o)
{
	*o = *base;
	o->method = va->m;
	o->ci = va->ci;
	o->cc_to = va->to;
	o->dl_mhq = va->mhq;
	o->measure = c->measure;
	o->no_tau2_ci = 1;
}

static void
variant_row(const struct variant *va, double cc, mk_check_row *r)
{
	memset(r, 0, sizeof(*r));
	r->method = va->m;
	r->ci = va->ci;
	r->cc = cc;
	r->cc_to = va->to;
	r->mhq = va->mhq;
	r->est = r->lo = r->hi = r->p = NAN;
}

static int
try_one(const mk_table *t, const mk_opts *base, const mk_claim *c,
    const struct variant *va, mk_check_row **rows, size_t *n, size_t *cap)
{
	mk_opts o;
	mk_check_row r;
	mk_warn w = { 0 };
	mk_err e = { 0 };
	mk_studies *s;
	mk_fit f;

	memset(&f, 0, sizeof(f));
	variant_opts(base, c, va, &o);
	variant_row(va, base->cc, &r);
	s = mk_studies_from_table(t, &o, &w, &e);
	if (s != NULL && s->k > 0 && mk_fit_run(s, &o, &f, &w, &e) == 0) {
		double nhm = mk_studies_nhm(s, NULL, s->k);
		r.k = s->k;
		if (s->ncc == 0)
			r.cc_to = MK_CC_NONE;	/* no study needed one */
		r.fail = judge(c, f.est, f.lo, f.hi, f.p, nhm, &r);
		r.fitted = 1;
		r.match = r.fail == 0;
	} else {
		snprintf(r.why, sizeof(r.why), "%.150s", e.msg[0] ? e.msg :
		    "no usable study");
	}
	mk_fit_free(&f);
	mk_studies_free(s);
	mk_warn_clear(&w);
	return add_row(rows, n, cap, &r);
}

/* Does any study of t need a continuity correction for c's measure? */
static int
has_zero_cells(const mk_table *t, const mk_opts *base, const mk_claim *c)
{
	mk_opts o = *base;
	mk_warn w = { 0 };
	mk_err e = { 0 };
	mk_studies *s;
	int zero;

	o.measure = c->measure;
	o.method = MK_DL;
	o.cc_to = MK_CC_ONLY0;
	s = mk_studies_from_table(t, &o, &w, &e);
	zero = s == NULL || s->ncc > 0;	/* unknown: try them all */
	mk_studies_free(s);
	mk_warn_clear(&w);
	return zero;
}

/* The variants to try (at most MAX_VARIANTS): every applicable method,
 * interval and correction, or base's alone when fixed. */
static size_t
variants(const mk_table *t, const mk_opts *base, const mk_claim *c, int fixed,
    struct variant *out)
{
	int binary = mk_table_col(t, "events_t", base->maps, base->nmaps) >= 0
	    && mk_table_col(t, "n_c", base->maps, base->nmaps) >= 0;
	int mh_measure = c->measure == MK_OR || c->measure == MK_RR ||
	    c->measure == MK_RD;
	/* the corrections people use for zero cells: metafor's 0.5 to
	 * tables with a zero cell, 0.5 to every table */
	static const mk_ccto tos[] = { MK_CC_ONLY0, MK_CC_ALL };
	int ntos = binary && !fixed && has_zero_cells(t, base, c) ? 2 : 1;
	size_t nv = 0;

	for (size_t i = 0; i < mk_nmethods; i++) {
		mk_method m = mk_methods[i].id;
		int iv = m != MK_MH && m != MK_PETO;
		if (m == MK_BAYES)
			continue;	/* a credible interval is not a CI */
		if (fixed && m != base->method)
			continue;
		if (!fixed && !binary && !iv)
			continue;	/* MH and Peto need 2x2 tables */
		if (!fixed && m == MK_PETO && c->measure != MK_OR)
			continue;
		/* DL: also with tau2 from the MH Q (RevMan 5) */
		int nq = fixed ? 1 : m == MK_DL && binary && mh_measure ? 2 : 1;
		for (int q = 0; q < nq; q++)
			for (int ci = 0; ci < 2; ci++) {
				if (fixed && (mk_citype)ci != base->ci)
					continue;
				if (!iv && ci == MK_CI_HKSJ)
					continue;
				for (int j = 0; j < (iv ? ntos : 1) &&
				    nv < MAX_VARIANTS; j++) {
					struct variant va = { m, (mk_citype)ci,
					    fixed ? base->cc_to : tos[j], fixed ?
					    base->dl_mhq : q };
					out[nv++] = va;
				}
			}
	}
	return nv;
}

int
mk_check_data(const mk_table *t, const mk_opts *base, const mk_claim *c,
    int fixed, mk_check_row **rows, size_t *n, mk_err *err)
{
	struct variant va[MAX_VARIANTS];
	size_t cap = 0, nv = variants(t, base, c, fixed, va);

	*rows = NULL;
	*n = 0;
	for (size_t i = 0; i < nv; i++)
		if (try_one(t, base, c, &va[i], rows, n, &cap) != 0) {
			mk_err_set(err, t->file, 0, "", "out of memory");
			return -1;
		}
	return 0;
}

/* ---- subsets: is the claim what the data give without a study or two? */

struct subsets {
	const mk_table *t;
	const mk_claim *c;
	const mk_studies *s;
	const struct variant *va;
	double cc;
	int col;		/* the study column, or -1 */
	size_t *idx;		/* the studies kept, for PFT's n */
	mk_check_row **rows;
	size_t *n, cap, found, tried;
};

static void
study_name(const struct subsets *z, size_t i, char *out, size_t n)
{
	const char *l = mk_table_cell(z->t, z->s->row[i], z->col);

	if (l[0] != '\0')
		snprintf(out, n, "%s", l);
	else
		snprintf(out, n, "line %ld", z->t->line[z->s->row[i]]);
}

/* A refit without studies drop[0..nd) (indices into z->s): kept when it
 * reproduces every figure; 0, or -1 out of memory. */
static int
consider(struct subsets *z, const mk_step *st, const size_t *drop, size_t nd)
{
	mk_check_row r;
	double nhm = NAN;

	if (!isfinite(st->est))
		return 0;	/* not fitted */
	z->tried++;
	if (z->s->kind == MK_KIND_PROP) {	/* PFT: n of the studies kept */
		size_t m = 0;
		for (size_t i = 0; i < z->s->k; i++)
			if (i != drop[0] && (nd < 2 || i != drop[1]))
				z->idx[m++] = i;
		nhm = mk_studies_nhm(z->s, z->idx, m);
	}
	variant_row(z->va, z->cc, &r);
	if (judge(z->c, st->est, st->lo, st->hi, st->p, nhm, &r) != 0)
		return 0;
	if (z->found++ >= MK_SUBSETS_MAX)
		return 0;
	r.k = st->k;
	r.fitted = 1;
	r.match = 1;
	r.ndrop = nd;
	if (z->s->ncc == 0)
		r.cc_to = MK_CC_NONE;
	for (size_t j = 0; j < nd; j++)
		study_name(z, drop[j], r.drop[j], sizeof(r.drop[j]));
	return add_row(z->rows, z->n, &z->cap, &r);
}

/* The subsets of one variant's studies s: each study left out, then each
 * pair (k <= 30) as each study's leave-one-out of the rest. */
static int
variant_subsets(struct subsets *z, const mk_opts *o, mk_err *err)
{
	const mk_studies *s = z->s;
	unsigned char *keep = malloc(s->k);
	mk_step *st = NULL;
	int rc = 0;

	if (keep == NULL || mk_leave1out(s, o, NULL, &st, err) != 0) {
		free(keep);
		return -1;
	}
	for (size_t j = 0; j < s->k && rc == 0; j++)
		rc = consider(z, &st[j], &st[j].study, 1);
	free(st);
	for (size_t i = 0; s->k >= 3 && s->k <= 30 && i < s->k && rc == 0;
	    i++) {
		memset(keep, 1, s->k);
		keep[i] = 0;
		mk_studies *sub = mk_studies_subset(s, keep);
		if (sub == NULL || mk_leave1out(sub, o, NULL, &st, err) != 0) {
			mk_studies_free(sub);
			rc = -1;
			break;
		}
		for (size_t j = 0; j < sub->k && rc == 0; j++) {
			size_t d[2] = { i, st[j].study < i ? st[j].study :
			    st[j].study + 1 };
			if (d[1] > i)	/* each pair once */
				rc = consider(z, &st[j], d, 2);
		}
		free(st);
		mk_studies_free(sub);
	}
	free(keep);
	return rc;
}

int
mk_check_subsets(const mk_table *t, const mk_opts *base, const mk_claim *c,
    int fixed, mk_check_row **rows, size_t *n, size_t *found,
    size_t *tried, mk_err *err)
{
	struct variant va[MAX_VARIANTS];
	size_t nv = variants(t, base, c, fixed, va);
	struct subsets z;

	memset(&z, 0, sizeof(z));
	z.t = t;
	z.c = c;
	z.cc = base->cc;
	z.col = mk_table_col(t, "study", base->maps, base->nmaps);
	z.rows = rows;
	z.n = n;
	z.cap = *n;
	for (size_t v = 0; v < nv; v++) {
		mk_opts o;
		mk_warn w = { 0 };
		mk_err e = { 0 };
		variant_opts(base, c, &va[v], &o);
		mk_studies *s = mk_studies_from_table(t, &o, &w, &e);
		mk_warn_clear(&w);
		if (s == NULL || s->k < 2) {
			mk_studies_free(s);
			continue;	/* listed as not fitted already */
		}
		z.s = s;
		z.va = &va[v];
		z.idx = malloc(s->k * sizeof(size_t));
		int rc = z.idx == NULL ? -1 : variant_subsets(&z, &o, &e);
		free(z.idx);
		mk_studies_free(s);
		if (rc != 0) {
			mk_err_set(err, t->file, 0, "", "out of memory");
			return -1;
		}
	}
	*found = z.found;
	*tried = z.tried;
	return 0;
}

/* p from z, two-sided. */
static double
p_of(double z)
{
	return mk_pvalue(z, NAN);
}

void
mk_check_consistency(const mk_claim *c, mk_consistency *k)
{
	/* printed on the natural scale of a transformed measure */
	int tr = mk_measure_get(c->measure)->tr != MK_TR_NONE &&
	    c->scale == MK_SCALE_NATURAL;
	double z = mk_crit(c->level, NAN);
	double de = 0.5 * pow(10, -c->dec_est), dl = 0.5 * pow(10, -c->dec_lo);
	double dh = 0.5 * pow(10, -c->dec_hi);
#define T(x) (tr ? mk_analysis(c->measure, inside(c->measure, x), NAN) : (x))
	memset(k, 0, sizeof(*k));
	k->est = T(c->est);
	k->centre = (T(c->lo) + T(c->hi)) / 2;
	k->se = (T(c->hi) - T(c->lo)) / (2 * z);
	k->z = k->centre / k->se;
	k->p = p_of(k->z);
	/* what rounding allows: the printed numbers stand for intervals */
	double lo_min = T(c->lo - dl), lo_max = T(c->lo + dl);
	double hi_min = T(c->hi - dh), hi_max = T(c->hi + dh);
	double e_min = T(c->est - de), e_max = T(c->est + de);
	k->centre_min = (lo_min + hi_min) / 2;
	k->centre_max = (lo_max + hi_max) / 2;
	k->centred = e_max >= k->centre_min - 1e-12 &&
	    e_min <= k->centre_max + 1e-12;
	/* the range of z, and so of p, the rounded numbers allow */
	double se_min = (hi_min - lo_max) / (2 * z);
	double se_max = (hi_max - lo_min) / (2 * z);
	double zc_min = fmin(fabs(k->centre_min), fabs(k->centre_max));
	double zc_max = fmax(fabs(k->centre_min), fabs(k->centre_max));
	if (k->centre_min <= 0 && k->centre_max >= 0)
		zc_min = 0;
	k->p_max = p_of(se_max > 0 ? zc_min / se_max : 0);
	k->p_min = p_of(se_min > 0 ? zc_max / se_min : INFINITY);
	k->p_checked = isfinite(c->p);
	if (k->p_checked) {
		double half = c->p_less ? 0 : 0.5 * pow(10, -c->p_dec);
		if (c->p_less)	/* "p < x": some allowed p must be below x */
			k->p_ok = k->p_min < c->p;
		else
			k->p_ok = k->p_max >= c->p - half - 1e-12 &&
			    k->p_min <= c->p + half + 1e-12;
	}
#undef T
}
