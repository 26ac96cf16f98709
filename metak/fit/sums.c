/* sums.c: the sums a one-mean fit needs (sum w^a y^r with w = 1/(v + tau2),
 * sum log(v + tau2), the unweighted sums) over a subset of the studies
 * without a pass over it, for the refits of sens.c: power sums at three
 * base values of tau2 (0, the full fit's, and one more the estimator starts
 * from, Sidik-Jonkman's), one study taken out or added in
 * O(1), and a series in the distance from the nearer base. Where the
 * series would need too many terms, one pass over the subset instead; the
 * cumulative refits move the third base along with their tau2
 * (mk_sums_rebase), so that they need such passes only now and then. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "fit/internal.h"

/* The series w^a = u^a (1 + d u)^-a = sum_n C(a+n-1, n) (-d)^n u^(a+n),
 * u = 1/(v + base), d = tau2 - base, is used when rho = |d| max u <= this:
 * the terms then shrink at least tenfold each (after the first few) and
 * MK_SUMS_Q - 4 of them leave a relative error below 1e-21. */
#define RHO_MAX 0.1
#define TERM_TOL 1e-22L
#define MIN_ROWS 64	/* below this, a pass costs less than the series */

void
mk_sums_init(mk_sums *s, const double *y, const double *v, double shift,
    double t0, double t1)
{
	memset(s, 0, sizeof(*s));
	s->y = y;
	s->v = v;
	s->skip = SIZE_MAX;
	s->shift = shift;
	s->base[0] = 0;
	s->base[1] = t0 > 0 && isfinite(t0) ? t0 : 0;
	s->base[2] = t1 > 0 && isfinite(t1) ? t1 : s->base[1];
}

/* Adds (sign 1) or removes (sign -1) study i's terms; adding also widens
 * the bound on u. */
void
mk_sums_add(mk_sums *s, size_t i, int sign)
{
	double y = s->y[i] - s->shift, v = s->v[i];
	long double yy = (long double)y * y;

	for (int b = 0; b < MK_SUMS_BASES; b++) {
		long double u = 1.0L / ((long double)v + s->base[b]), uq = 1;
		long double (*p)[3] = s->p[b];
		for (int q = 0; q < MK_SUMS_Q; q++) {	/* u^q y^r */
			p[q][0] += sign * uq;
			p[q][1] += sign * uq * y;
			p[q][2] += sign * uq * yy;
			uq *= u;
		}
		s->logs[b] += sign * logl((long double)v + s->base[b]);
		if (sign > 0 && isinf(uq))
			s->umax[b] = INFINITY;	/* overflowed: no series */
		else if (sign > 0 && (double)u > s->umax[b])
			s->umax[b] = (double)u;
	}
	s->sv += sign * (long double)v;
}

void
mk_sums_rebase(mk_sums *s, double base)
{
	const int b = MK_SUMS_BASES - 1;	/* the movable one */

	s->base[b] = base > 0 && isfinite(base) ? base : 0;
	memset(s->p[b], 0, sizeof(s->p[b]));
	s->logs[b] = 0;
	s->umax[b] = 0;
	for (size_t i = 0; i < s->n; i++) {	/* the rows in the sums */
		if (i == s->skip)
			continue;
		double y = s->y[i] - s->shift, v = s->v[i];
		long double yy = (long double)y * y, uq = 1;
		long double u = 1.0L / ((long double)v + s->base[b]);
		for (int q = 0; q < MK_SUMS_Q; q++) {
			s->p[b][q][0] += uq;
			s->p[b][q][1] += uq * y;
			s->p[b][q][2] += uq * yy;
			uq *= u;
		}
		s->logs[b] += logl((long double)v + s->base[b]);
		if (isinf(uq))
			s->umax[b] = INFINITY;
		else if ((double)u > s->umax[b])
			s->umax[b] = (double)u;
	}
}

int
mk_sums_near(const mk_sums *s, double tau2)
{
	for (int b = 0; b < MK_SUMS_BASES; b++)
		if (fabs(tau2 - s->base[b]) * s->umax[b] <= RHO_MAX / 2)
			return 1;
	return 0;
}

/* The base nearest to tau2 in units of the series' convergence, and rho. */
static int
nearer(const mk_sums *s, double tau2, double *rho)
{
	int best = 0;

	*rho = INFINITY;
	for (int b = 0; b < MK_SUMS_BASES; b++) {
		double r = fabs(tau2 - s->base[b]) * s->umax[b];
		if (r < *rho) {
			*rho = r;
			best = b;
		}
	}
	return best;
}

/* m[a][r] = sum w^a y^r, a = 1..3, r = 0..2, at tau2. */
static void
moments(const mk_sums *s, double tau2, long double m[4][3])
{
	double rho;
	int b = nearer(s, tau2, &rho);

	memset(m, 0, 4 * sizeof(m[0]));
	if (rho <= RHO_MAX && s->n >= MIN_ROWS) {
		long double d = -(long double)(tau2 - s->base[b]);
		for (int a = 1; a <= 3; a++) {
			long double c = 1, dn = 1, rn = 1;	/* C(a+n-1, n),
								 * d^n, rho^n */
			for (int n = 0; a + n < MK_SUMS_Q; n++) {
				for (int r = 0; r < 3; r++)
					m[a][r] += c * dn * s->p[b][a + n][r];
				c = c * (a + n) / (n + 1);
				dn *= d;
				rn *= rho;
				if (c * rn < TERM_TOL)
					break;
			}
		}
		return;
	}
	for (size_t i = 0; i < s->n; i++) {	/* sum w^a y^r, one pass
						 * (terms in double, as wls.c) */
		if (i == s->skip)
			continue;
		double w = 1.0 / (s->v[i] + tau2), y = s->y[i] - s->shift;
		double wy = w * y, wyy = wy * y, w2 = w * w;
		m[1][0] += w;
		m[1][1] += wy;
		m[1][2] += wyy;
		m[2][0] += w2;
		m[2][1] += w * wy;
		m[2][2] += w * wyy;
		m[3][0] += w2 * w;
		m[3][1] += w2 * wy;
		m[3][2] += w2 * wyy;
	}
}

long double
mk_sums_log(const mk_sums *s, double tau2)
{
	double rho;
	int b = nearer(s, tau2, &rho);
	long double t = 0;

	if (rho <= RHO_MAX && s->n >= MIN_ROWS) {	/* log(v + b + d) =
						 * log(v + b) + log1p(d u) */
		long double d = (long double)(tau2 - s->base[b]), dn = d;
		long double rn = rho;
		t = s->logs[b];
		for (int n = 1; n < MK_SUMS_Q; n++) {
			t += (n % 2 ? 1 : -1) * dn * s->p[b][n][0] / n;
			dn *= d;
			rn *= rho;
			if (rn < TERM_TOL)
				break;
		}
		return t;
	}
	for (size_t i = 0; i < s->n; i++)	/* sum log(v + tau2), one pass */
		if (i != s->skip)
			t += logl((long double)s->v[i] + tau2);
	return t;
}

size_t
mk_sums_k(const mk_sums *s)
{
	return s->n - (s->skip < s->n ? 1 : 0);
}

/* What wls.c's one-mean fit computes, from the moments: with y taken
 * about the shift, b = Sy/S, RSS = Syy - b Sy, yPPy = S2yy - 2b S2y +
 * b^2 S2 (the shift keeps b small, so nothing cancels badly). */
int
mk_sums_wls(const mk_sums *s, double tau2, mk_wls *out)
{
	long double m[4][3];

	moments(s, tau2, m);
	long double S = m[1][0], S2 = m[2][0], S3 = m[3][0];
	if (!(S > 0) || !isfinite((double)S))
		return -1;
	long double b = m[1][1] / S;
	long double rss = m[1][2] - b * m[1][1];
	long double ypp = m[2][2] - 2 * b * m[2][1] + b * b * S2;
	out->b[0] = (double)(b + s->shift);
	out->ainv[0] = (double)(1 / S);
	out->b2[0] = (double)S2;
	out->b3[0] = (double)S3;
	out->rss = rss > 0 ? (double)rss : 0;
	out->ypp = ypp > 0 ? (double)ypp : 0;
	out->sw = (double)S;
	out->sw2 = (double)S2;
	out->trp = (double)(S - S2 / S);
	out->trpp = (double)(S2 - 2 * S3 / S + S2 * S2 / (S * S));
	out->logdet = log((double)S);
	return 0;
}

/* The unit-weight fit of one mean (wls.c's ols_mean) from the counts. */
int
mk_sums_ols(const mk_sums *s, mk_wls *out)
{
	long double n = s->p[0][0][0], sy = s->p[0][0][1];
	long double mean = sy / n, ss = s->p[0][0][2] - mean * sy;

	out->b[0] = (double)(mean + s->shift);
	out->ainv[0] = (double)(1 / n);
	out->rss = ss > 0 ? (double)ss : 0;
	out->sw = (double)n;
	out->sw2 = (double)s->sv;
	out->trp = (double)(s->sv - s->sv / n);
	out->logdet = log((double)n);
	return 0;
}

double
mk_sums_vscale(const mk_sums *s)
{
	long double r = s->p[0][1][0];	/* sum 1/v */

	return r > 0 ? (double)(s->p[0][0][0] / r) : 1;
}
