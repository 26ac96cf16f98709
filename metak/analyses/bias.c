/* bias.c: small-study effects, as metafor computes them. Egger's
 * regression test (weighted least squares of yi on sei, or the meta-
 * regression with the fit's tau2 estimator), Begg and Mazumdar's rank
 * correlation (Kendall's tau-b, exact or normal p) and Duval and
 * Tweedie's trim-and-fill (L0 or R0), re-fitted with the same method. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "analyses/internal.h"

void
mk_bias_free(mk_bias *b)
{
	if (b == NULL)
		return;
	free(b->fill_y);
	free(b->fill_v);
	mk_fit_free(&b->tf_fit);
	b->fill_y = b->fill_v = NULL;
}

/* Whether x holds at least two different values. */
static int
distinct(const double *x, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (x[i] != x[0])
			return 1;
	return 0;
}

/* The line yi = b0 + b1 sei as a model (model.c) with o's method and
 * interval. */
static int
sei_line(const mk_studies *s, const mk_opts *o, mk_model *m, mk_err *err)
{
	double *x = malloc(2 * s->k * sizeof(double));
	mk_opts lo = *o;
	int rc;

	memset(m, 0, sizeof(*m));
	if (x == NULL) {
		mk_err_set(err, "", 0, "", "out of memory");
		return -1;
	}
	for (size_t i = 0; i < s->k; i++) {
		x[2 * i] = 1;
		x[2 * i + 1] = sqrt(s->vi[i]);
	}
	mk_design d = { s->k, 2, s->yi, s->vi, x, NULL };
	lo.no_tau2_ci = 1;
	rc = mk_model_fit(&d, &lo, 1, m, err);
	free(x);
	return rc;
}

/* Egger et al. (1997, BMJ 315:629), metafor's regtest(): yi = b0 + b1 sei.
 * model "lm": weighted least squares, weights 1/vi, t = b1/se(b1) with
 * se^2 = RSS/(k-2) [(X'WX)^-1]_22, k-2 df (the fixed-effect line with the
 * Knapp-Hartung factor). model "rma": the same line as a meta-regression
 * with tau2 from the fit's estimator; z (or t under Knapp-Hartung) on b1. */
static int
egger(const mk_studies *s, const mk_opts *o, int rma, mk_bias *b,
    mk_err *err)
{
	double *sei = malloc(s->k * sizeof(double));
	mk_opts lo = *o;
	mk_model m;
	int rc = -1;

	memset(&m, 0, sizeof(m));
	if (sei == NULL) {
		mk_err_set(err, "", 0, "", "out of memory");
		return -1;
	}
	for (size_t i = 0; i < s->k; i++)
		sei[i] = sqrt(s->vi[i]);
	if (!distinct(sei, s->k)) {
		mk_err_set(err, "", 0, "", "Egger's test needs studies of "
		    "differing precision: every standard error is the same");
		goto out;
	}
	if (!rma) {
		lo.method = MK_FE;
		lo.ci = MK_CI_HKSJ;
	}
	if (sei_line(s, &lo, &m, err) != 0) {
		if (m.singular)
			mk_err_set(err, "", 0, "", "Egger's regression cannot "
			    "be fitted (the standard errors barely differ)");
		goto out;
	}
	b->egger_b0 = m.b[0];
	b->egger_b1 = m.b[1];
	b->egger_rma = rma;
	b->egger_se = m.se[1];
	b->egger_df = m.df;
	b->egger_stat = m.stat[1];
	b->egger_p = m.pval[1];
	rc = 0;
out:
	mk_model_free(&m);
	free(sei);
	return rc;
}

/* ---- Kendall's tau-b in O(k log k) (Knight 1966) ---- */

struct pt {
	double x, y;
};

static int
by_x_then_y(const void *a, const void *b)
{
	const struct pt *p = a, *q = b;

	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	return (p->y > q->y) - (p->y < q->y);
}

/* Merge sort on y counting the inversions (discordant pairs). */
static double
sort_y_count(struct pt *a, struct pt *tmp, size_t n)
{
	double inv;
	size_t h = n / 2, i = 0, j = h, o = 0;

	if (n < 2)
		return 0;
	inv = sort_y_count(a, tmp, h) + sort_y_count(a + h, tmp, n - h);
	while (i < h && j < n) {
		if (a[j].y < a[i].y) {
			inv += (double)(h - i);
			tmp[o++] = a[j++];
		} else {
			tmp[o++] = a[i++];
		}
	}
	while (i < h)
		tmp[o++] = a[i++];
	while (j < n)
		tmp[o++] = a[j++];
	memcpy(a, tmp, n * sizeof(*a));
	return inv;
}

/* Sums over runs of equal values (keyed by x, by y, or by both) of
 * t(t-1)/2, t(t-1)(2t+5), t(t-1) and t(t-1)(t-2). */
struct ties {
	double pairs, v, t1, t2;
};

static void
run_ties(const struct pt *a, size_t n, int key, struct ties *t)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && (key == 0 ? a[j].x == a[i].x : key == 1 ?
		    a[j].y == a[i].y : a[j].x == a[i].x && a[j].y == a[i].y))
			j++;
		double r = (double)(j - i);
		t->pairs += r * (r - 1) / 2;
		t->v += r * (r - 1) * (2 * r + 5);
		t->t1 += r * (r - 1);
		t->t2 += r * (r - 1) * (r - 2);
		i = j;
	}
}

/* P(C <= q) for the number C of concordant pairs among n untied ranks
 * (the Mahonian distribution), as R's pkendall. */
static double
pkendall(double q, size_t n)
{
	size_t max = n * (n - 1) / 2;
	double *f, *g, cum = 0;

	if (q < 0)
		return 0;
	if (q >= (double)max)
		return 1;
	f = calloc(max + 1, sizeof(double));
	g = calloc(max + 1, sizeof(double));
	if (f == NULL || g == NULL) {
		free(f);
		free(g);
		return NAN;
	}
	f[0] = 1;
	for (size_t m = 2; m <= n; m++) {	/* add the m-th element */
		size_t top = m * (m - 1) / 2;
		long double win = 0;
		for (size_t j = 0; j <= top; j++) {	/* window of m terms */
			win += f[j];
			if (j >= m)
				win -= f[j - m];
			g[j] = (double)(win / m);
		}
		double *t = f;
		f = g;
		g = t;
	}
	for (size_t j = 0; j <= (size_t)q; j++)
		cum += f[j];
	free(f);
	free(g);
	return cum > 1 ? 1 : cum;
}

#define BEGG_EXACT_MAX 300	/* exact p up to this k (no ties) */

/* Begg & Mazumdar (1994, Biometrics 50:1088), metafor's ranktest():
 * Kendall's tau between (yi - mu_FE)/sqrt(vi - 1/sum w) and vi; the p
 * value as R's cor.test(method = "kendall", exact = TRUE): exact without
 * ties, else normal with the ties-corrected variance of S. */
static int
begg(const mk_studies *s, mk_bias *b, mk_err *err)
{
	size_t n = s->k;
	struct pt *a = malloc(n * sizeof(*a)), *tmp = malloc(n * sizeof(*a));
	long double sw = 0, swy = 0;
	struct ties tx, ty, txy;

	if (a == NULL || tmp == NULL) {
		free(a);
		free(tmp);
		mk_err_set(err, "", 0, "", "out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		sw += 1 / s->vi[i];
		swy += s->yi[i] / s->vi[i];
	}
	for (size_t i = 0; i < n; i++) {
		a[i].x = (s->yi[i] - (double)(swy / sw)) /
		    sqrt(s->vi[i] - (double)(1 / sw));
		a[i].y = s->vi[i];
	}
	qsort(a, n, sizeof(*a), by_x_then_y);
	run_ties(a, n, 0, &tx);
	run_ties(a, n, 2, &txy);
	double swaps = sort_y_count(a, tmp, n);
	run_ties(a, n, 1, &ty);
	double dn = (double)n, n0 = dn * (dn - 1) / 2;
	double S = n0 - tx.pairs - ty.pairs + txy.pairs - 2 * swaps;
	b->begg_tau = S / sqrt((n0 - tx.pairs) * (n0 - ty.pairs));
	if (n0 - tx.pairs <= 0 || n0 - ty.pairs <= 0) {	/* tau-b: 0/0 */
		b->begg_tau = b->begg_p = NAN;
		b->begg_exact = 0;
		b->begg_why = n0 - tx.pairs <= 0 ? "every study's "
		    "standardised deviate is the same (the effects do not "
		    "vary about the pooled one)" : "every study has the same "
		    "variance";
		free(a);
		free(tmp);
		return 0;
	}
	b->begg_exact = tx.pairs == 0 && ty.pairs == 0 && n <= BEGG_EXACT_MAX;
	if (b->begg_exact) {
		double q = nearbyint((b->begg_tau + 1) * dn * (dn - 1) / 4);
		double p = q > dn * (dn - 1) / 4 ? 1 - pkendall(q - 1, n) :
		    pkendall(q, n);
		b->begg_p = fmin(1, 2 * p);
	} else {
		double var = (dn * (dn - 1) * (2 * dn + 5) - tx.v - ty.v) / 18 +
		    tx.t1 * ty.t1 / (2 * dn * (dn - 1)) +
		    tx.t2 * ty.t2 / (9 * dn * (dn - 1) * (dn - 2));
		b->begg_p = mk_pvalue(S / sqrt(var), NAN);
	}
	free(a);
	free(tmp);
	return 0;
}

/* ---- trim and fill ---- */

static int
fit_yv(const double *y, const double *v, size_t k, const mk_studies *like,
    const mk_opts *o, mk_fit *f, mk_err *err)
{
	mk_studies t;
	mk_warn w = { 0 };
	int rc;

	memset(&t, 0, sizeof(t));
	t.kind = MK_KIND_GENERIC;
	t.measure = like->measure;
	t.k = k;
	t.yi = (double *)(uintptr_t)y;	/* read only: mk_fit_run copies */
	t.vi = (double *)(uintptr_t)v;
	rc = mk_fit_run(&t, o, f, &w, err);
	mk_warn_clear(&w);
	return rc;
}

struct ix {
	double y;
	size_t i;
};

static int
by_y_stable(const void *a, const void *b)
{
	const struct ix *p = a, *q = b;

	if (p->y != q->y)
		return p->y < q->y ? -1 : 1;
	return (p->i > q->i) - (p->i < q->i);
}

/* Duval & Tweedie (2000, Biometrics 56:455), metafor's trimfill(): the
 * side is where the slope of yi on sei (meta-regression, same estimator)
 * says studies are missing; on the data flipped so that side is left,
 * iterate: fit the k - k0 smallest, rank |yi - est| (ties by order), L0 =
 * (4 Sr - k(k+1))/(2k-1) or R0 = k - (largest rank of a negative) - 1,
 * rounded half to even; until k0 repeats. Then mirror the k0 largest
 * around the last estimate and fit all. */
static int
trimfill(const mk_studies *s, const mk_opts *o, int r0, mk_bias *b,
    mk_err *err)
{
	size_t k = s->k, k0 = 0, prev = (size_t)-1;
	double *y = malloc(k * sizeof(double)), *v = malloc(k * sizeof(double));
	double est = 0, b1 = 0;
	struct ix *ord = malloc(k * sizeof(*ord)), *rk = malloc(k * sizeof(*rk));
	int rc = -1, flip;
	mk_model m;

	memset(&m, 0, sizeof(m));
	if (!y || !v || !ord || !rk) {
		mk_err_set(err, "", 0, "", "out of memory");
		goto out;
	}
	if (k > 2 && sei_line(s, o, &m, err) == 0) {
		b1 = m.b[1];
	} else if (k > 2 && !m.singular) {
		mk_model_free(&m);
		goto out;
	}
	mk_model_free(&m);	/* equal precision: no side to prefer, left */
	flip = k > 2 && b1 < 0;	/* missing on the right */
	b->side_right = flip;
	for (size_t i = 0; i < k; i++) {
		ord[i].y = flip ? -s->yi[i] : s->yi[i];
		ord[i].i = i;
	}
	qsort(ord, k, sizeof(*ord), by_y_stable);
	for (size_t i = 0; i < k; i++) {
		y[i] = ord[i].y;
		v[i] = s->vi[ord[i].i];
	}
	for (int it = 0; k0 != prev; it++) {
		mk_fit f;
		if (it > o->maxiter || k0 >= k) {
			mk_err_set(err, "", 0, "", "trim-and-fill did not "
			    "converge");
			goto out;
		}
		prev = k0;
		if (fit_yv(y, v, k - k0, s, o, &f, err) != 0) {
			mk_fit_free(&f);
			goto out;
		}
		est = f.est;
		mk_fit_free(&f);
		for (size_t i = 0; i < k; i++) {	/* rank |y - est| */
			rk[i].y = fabs(y[i] - est);
			rk[i].i = i;
		}
		qsort(rk, k, sizeof(*rk), by_y_stable);
		double sr = 0, kk = (double)k, maxneg = 0, k0d;
		for (size_t r = 0; r < k; r++) {
			double dv = y[rk[r].i] - est;
			if (dv > 0)
				sr += (double)(r + 1);
			if (dv < 0)
				maxneg = (double)(r + 1);
		}
		if (r0)
			k0d = kk - maxneg - 1;
		else
			k0d = (4 * sr - kk * (kk + 1)) / (2 * kk - 1);
		k0d = nearbyint(k0d);
		k0 = k0d > 0 ? (size_t)k0d : 0;
	}
	b->k0 = k0;
	b->fill_y = malloc((k0 ? k0 : 1) * sizeof(double));
	b->fill_v = malloc((k0 ? k0 : 1) * sizeof(double));
	double *ay = malloc((k + k0) * sizeof(double));
	double *av = malloc((k + k0) * sizeof(double));
	if (!b->fill_y || !b->fill_v || !ay || !av) {
		free(ay);
		free(av);
		mk_err_set(err, "", 0, "", "out of memory");
		goto out;
	}
	memcpy(ay, s->yi, k * sizeof(double));
	memcpy(av, s->vi, k * sizeof(double));
	for (size_t j = 0; j < k0; j++) {	/* mirror the k0 largest */
		double yy = 2 * est - y[k - k0 + j];
		b->fill_y[j] = flip ? -yy : yy;
		b->fill_v[j] = v[k - k0 + j];
		ay[k + j] = b->fill_y[j];
		av[k + j] = b->fill_v[j];
	}
	rc = fit_yv(ay, av, k + k0, s, o, &b->tf_fit, err);
	free(ay);
	free(av);
out:
	free(y);
	free(v);
	free(ord);
	free(rk);
	return rc;
}

int
mk_bias_run(const mk_studies *s, const mk_opts *o_in, int egger_rma, int r0,
    mk_bias *b, mk_err *err)
{
	/* metafor's regtest() and trimfill() refit with rma()'s default
	 * convergence threshold, 1e-5, not the caller's: do the same so that
	 * the results agree with metafor's to all digits */
	mk_opts tuned = *o_in;
	const mk_opts *o = &tuned;

	tuned.tol = 1e-5;
	tuned.tol_abs = 1;
	memset(b, 0, sizeof(*b));
	if (o->method == MK_MH || o->method == MK_PETO) {
		mk_err_set(err, "", 0, "", "small-study tests use inverse-"
		    "variance fits: use --method FE or a random-effects "
		    "method, not %s", mk_method_get(o->method)->name);
		return -1;
	}
	if (s->k < 3) {
		mk_err_set(err, "", 0, "", "small-study tests need at least "
		    "3 studies, got %zu", s->k);
		return -1;
	}
	if (egger(s, o, egger_rma, b, err) != 0 || begg(s, b, err) != 0)
		return -1;
	int counts = s->ai != NULL;
	for (size_t i = 0; counts && i < s->k; i++)
		counts = s->from[i] == MK_FROM_COUNTS;
	if (counts && mk_bias_binary(s, b, err) != 0)
		return -1;
	return trimfill(s, o, r0, b, err);
}
