/* wls.c: weighted least squares for a design y = X b + e at a given tau2,
 * weights w = 1/(v + tau2): the coefficients, (X'WX)^-1, the residual
 * quadratic forms and the traces of P = W - WX(X'WX)^-1X'W that the tau2
 * estimators need, in O(k p^2) with no k-by-k matrix. GSL's Cholesky does
 * the p-by-p algebra; the tau2 estimators (tau2.c) and the model fit
 * (model.c) are built on it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>

#include "fit/internal.h"

int
mk_wls_init(mk_wls *s, size_t p)
{
	size_t pp = p * p, tri = p * (p + 1) / 2;

	memset(s, 0, sizeof(*s));
	s->p = p;
	s->ainv = calloc(pp, sizeof(double));
	s->b2 = calloc(pp, sizeof(double));
	s->b3 = calloc(pp, sizeof(double));
	s->b = calloc(p, sizeof(double));
	s->tmp = calloc(2 * pp + 3 * tri + 2 * p, sizeof(double));
	s->acc = calloc(3 * tri + p, sizeof(long double));
	if (!s->ainv || !s->b2 || !s->b3 || !s->b || !s->tmp || !s->acc) {
		mk_wls_free(s);
		return -1;
	}
	return 0;
}

void
mk_wls_free(mk_wls *s)
{
	if (s == NULL)
		return;
	free(s->ainv);
	free(s->b2);
	free(s->b3);
	free(s->b);
	free(s->tmp);
	free(s->acc);
	memset(s, 0, sizeof(*s));
}

/* Index of (j, l), l <= j, in a packed lower triangle. */
#define TRI(j, l) ((j) * ((j) + 1) / 2 + (l))

/* Unpacks a lower triangle of long doubles into a full p x p matrix. */
static void
unpack(const long double *t, double *m, size_t p)
{
	for (size_t j = 0; j < p; j++)
		for (size_t l = 0; l <= j; l++)
			m[j * p + l] = m[l * p + j] = (double)t[TRI(j, l)];
}

/* Inverts the symmetric positive definite a (p x p) into s->ainv, equilibrated
 * by its diagonal first (D^-1 A D^-1 has a unit diagonal), and sets
 * s->logdet = log det A. -1 when A is not positive definite. */
static int
spd_inverse(mk_wls *s, double *a)
{
	size_t p = s->p;
	double *dsc = s->tmp + 2 * p * p;
	double logdet = 0;

	for (size_t j = 0; j < p; j++) {
		if (!(a[j * p + j] > 0) || !isfinite(a[j * p + j]))
			return -1;
		dsc[j] = 1 / sqrt(a[j * p + j]);
		logdet += log(a[j * p + j]);
	}
	for (size_t j = 0; j < p; j++)
		for (size_t l = 0; l < p; l++)
			a[j * p + l] *= dsc[j] * dsc[l];
	gsl_matrix_view m = gsl_matrix_view_array(a, p, p);
	if (gsl_linalg_cholesky_decomp1(&m.matrix) != GSL_SUCCESS)
		return -1;
	for (size_t j = 0; j < p; j++) {	/* log det of the scaled matrix */
		double d = gsl_matrix_get(&m.matrix, j, j);
		if (!(d > 1e-10))	/* collinear columns */
			return -1;
		logdet += 2 * log(d);
	}
	if (gsl_linalg_cholesky_invert(&m.matrix) != GSL_SUCCESS)
		return -1;
	for (size_t j = 0; j < p; j++)
		for (size_t l = 0; l < p; l++)
			s->ainv[j * p + l] = a[j * p + l] * dsc[j] * dsc[l];
	s->logdet = logdet;
	return 0;
}

/* tr(M N) of two symmetric p x p matrices. */
static double
tr_prod(const double *m, const double *n, size_t p)
{
	long double t = 0;

	for (size_t i = 0; i < p * p; i++)
		t += (long double)m[i] * n[i];
	return (double)t;
}

#define BLOCK 128	/* rows summed in double before a long double add */

/* Accumulates X'WX, X'Wy and, with traces, X'W^2X, X'W^3X over the rows,
 * for weights w_i = 1/(v_i + tau2) or, for the unit-weight fit, w_i = 1
 * and z_i = v_i in place of w_i^2. Blocks of rows are summed in double (so
 * the inner loops vectorise) and the blocks in long double. */
static void
accumulate(const mk_design *d, double tau2, int unit, unsigned what,
    mk_wls *s)
{
	size_t p = d->p, tri = p * (p + 1) / 2, n = 3 * tri + p;
	long double *tot = s->acc, sw = 0, sw2 = 0;
	double *blk = s->tmp + 2 * p * p + p;	/* n doubles of scratch */
	int traces = (what & MK_WLS_TRACES) != 0;

	memset(tot, 0, n * sizeof(long double));
	for (size_t i0 = 0; i0 < d->k; i0 += BLOCK) {
		size_t i1 = i0 + BLOCK < d->k ? i0 + BLOCK : d->k;
		double *A = blk, *B2 = A + tri, *B3 = B2 + tri, *c = B3 + tri;
		double bw = 0, bw2 = 0;
		memset(blk, 0, n * sizeof(double));
		for (size_t i = i0; i < i1; i++) {	/* X'WX, X'Wy, X'ZX, X'W^3X */
			const double *x = d->x + i * p;
			double w = unit ? 1 : 1 / (d->v[i] + tau2);
			double z = unit ? d->v[i] : w * w, wy = w * d->y[i];
			bw += w;
			bw2 += z;
			for (size_t j = 0, t = 0; j < p; j++) {
				double wx = w * x[j];
				c[j] += x[j] * wy;
				for (size_t l = 0; l <= j; l++, t++)
					A[t] += wx * x[l];
			}
			if (!traces)
				continue;
			double w3 = z * w;
			for (size_t j = 0, t = 0; j < p; j++) {
				double zx = z * x[j], w3x = w3 * x[j];
				for (size_t l = 0; l <= j; l++, t++) {
					B2[t] += zx * x[l];
					B3[t] += w3x * x[l];
				}
			}
		}
		for (size_t j = 0; j < n; j++)
			tot[j] += blk[j];
		sw += bw;
		sw2 += bw2;
	}
	s->sw = (double)sw;
	s->sw2 = (double)sw2;
}

/* b = (X'WX)^-1 X'Wy, then the residual sums over the rows. */
static void
residuals(const mk_design *d, double tau2, int unit, mk_wls *s)
{
	size_t p = d->p, tri = p * (p + 1) / 2;
	const long double *c = s->acc + 3 * tri;
	long double rss = 0, ypp = 0;

	for (size_t j = 0; j < p; j++) {
		long double t = 0;
		for (size_t l = 0; l < p; l++)
			t += s->ainv[j * p + l] * c[l];
		s->b[j] = (double)t;
	}
	for (size_t i = 0; i < d->k; i++) {	/* sum w r^2, sum w^2 r^2 */
		const double *x = d->x + i * p;
		double fit = 0, w = unit ? 1 : 1 / (d->v[i] + tau2);
		for (size_t j = 0; j < p; j++)
			fit += x[j] * s->b[j];
		double r = d->y[i] - fit, wr2 = w * r * r;
		rss += wr2;
		ypp += w * wr2;
	}
	s->rss = (double)rss;
	s->ypp = (double)ypp;
}

/* The same for one column x, or for one mean (x NULL: all ones): scalar
 * sums in one pass, residuals in a second, no matrix algebra. */
static int
wls_one(const mk_design *d, double tau2, mk_wls *s)
{
	long double S = 0, Sy = 0, S2 = 0, S3 = 0, rss = 0, ypp = 0;
	long double sw = 0, sw2 = 0;
	const double *x = d->x, *y = d->y, *v = d->v;

	if (x == NULL) {
		for (size_t i = 0; i < d->k; i++) {	/* sum w, w y, w^2, w^3 */
			double w = 1.0 / (v[i] + tau2), w2 = w * w;
			S += w;
			Sy += w * y[i];
			S2 += w2;
			S3 += w2 * w;
		}
		sw = S;
		sw2 = S2;
	} else {
		for (size_t i = 0; i < d->k; i++) {	/* the same with x */
			double w = 1.0 / (v[i] + tau2), wx = w * x[i];
			double w2x2 = wx * wx;
			S += wx * x[i];
			Sy += wx * y[i];
			S2 += w2x2;
			S3 += w2x2 * w;
			sw += w;
			sw2 += w * w;
		}
	}
	if (!(S > 0) || !isfinite((double)S))
		return -1;
	double b = (double)(Sy / S);
	for (size_t i = 0; i < d->k; i++) {	/* sum w r^2, w^2 r^2 */
		double w = 1.0 / (v[i] + tau2);
		double r = y[i] - (x ? x[i] * b : b), wr2 = w * r * r;
		rss += wr2;
		ypp += w * wr2;
	}
	s->b[0] = b;
	s->ainv[0] = (double)(1 / S);
	s->b2[0] = (double)S2;
	s->b3[0] = (double)S3;
	s->rss = (double)rss;
	s->ypp = (double)ypp;
	s->sw = (double)sw;
	s->sw2 = (double)sw2;
	s->trp = (double)(sw - S2 / S);
	s->trpp = (double)(sw2 - 2 * S3 / S + S2 * S2 / (S * S));
	s->logdet = log((double)S);
	return 0;
}

int
mk_wls_at(const mk_design *d, double tau2, mk_wls *s, unsigned what)
{
	size_t p = d->p;
	double *a = s->tmp;

	if (d->sums != NULL)
		return mk_sums_wls(d->sums, tau2, s);
	if (p == 1)
		return wls_one(d, tau2, s);

	accumulate(d, tau2, 0, what, s);
	unpack(s->acc, a, p);
	if (spd_inverse(s, a) != 0)
		return -1;
	residuals(d, tau2, 0, s);
	if (!(what & MK_WLS_TRACES))
		return 0;
	size_t tri = p * (p + 1) / 2;
	unpack(s->acc + tri, s->b2, p);
	unpack(s->acc + 2 * tri, s->b3, p);
	/* tr P = sum w - tr(A^-1 X'W^2X) */
	s->trp = s->sw - tr_prod(s->ainv, s->b2, p);
	/* tr PP = sum w^2 - 2 tr(A^-1 X'W^3X) + tr((A^-1 X'W^2X)^2) */
	double *m = s->tmp;	/* M = A^-1 X'W^2X (not symmetric) */
	for (size_t j = 0; j < p; j++)
		for (size_t l = 0; l < p; l++) {
			long double t = 0;
			for (size_t q = 0; q < p; q++)
				t += s->ainv[j * p + q] * s->b2[q * p + l];
			m[j * p + l] = (double)t;
		}
	long double mm = 0;
	for (size_t j = 0; j < p; j++)
		for (size_t l = 0; l < p; l++)
			mm += (long double)m[j * p + l] * m[l * p + j];
	s->trpp = s->sw2 - 2 * tr_prod(s->ainv, s->b3, p) + (double)mm;
	return 0;
}

/* The unit-weight fit of one mean: mean, sum of squares, sum v (k-1)/k. */
static int
ols_mean(const mk_design *d, mk_wls *s)
{
	long double sy = 0, sv = 0, ss = 0;
	double kk = (double)d->k;

	for (size_t i = 0; i < d->k; i++) {	/* sum y, sum v */
		sy += d->y[i];
		sv += d->v[i];
	}
	double m = (double)(sy / kk);
	for (size_t i = 0; i < d->k; i++)	/* sum (y - mean)^2 */
		ss += (d->y[i] - m) * (d->y[i] - m);
	s->b[0] = m;
	s->ainv[0] = 1 / kk;
	s->rss = (double)ss;
	s->sw = kk;
	s->sw2 = (double)sv;
	s->trp = (double)(sv - sv / kk);
	s->logdet = log(kk);
	return 0;
}

int
mk_wls_ols(const mk_design *d, mk_wls *s)
{
	size_t p = d->p, tri = p * (p + 1) / 2;
	double *a = s->tmp;

	if (d->sums != NULL)
		return mk_sums_ols(d->sums, s);
	if (d->x == NULL)
		return ols_mean(d, s);

	accumulate(d, 0, 1, MK_WLS_TRACES, s);
	unpack(s->acc, a, p);
	if (spd_inverse(s, a) != 0)
		return -1;
	residuals(d, 0, 1, s);
	unpack(s->acc + tri, s->b2, p);
	/* tr(P V) with P = I - X(X'X)^-1X': sum v - tr((X'X)^-1 X'VX) */
	s->trp = s->sw2 - tr_prod(s->ainv, s->b2, p);
	return 0;
}
