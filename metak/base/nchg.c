/* nchg.c: Fisher's non-central hypergeometric distribution of a 2x2
 * table's first cell given its margins, the likelihood of the exact
 * conditional model (fit/glmm.c, CM.EL): the log-pmf at the observed cell
 * with the mean and variance of the cell, summed in log space. */
#include <math.h>
#include <stdlib.h>

#include "base/internal.h"

/* Terms further than this below the largest (in log) are left out of the
 * normalising sum: the terms are log-concave in j, so those left out add
 * less than 1e-20 of the sum (the slope past the cut is at least
 * MK_NCHG_CUT over the distance from the largest term). */
#define MK_NCHG_CUT 50.0

/* P(A = j) = c_j e^(theta j) / sum_i c_i e^(theta i), c_j = C(n1, j)
 * C(n2, m - j), j from lo = max(0, m - n2) to hi = min(n1, m) (Fisher
 * 1935; the conditional likelihood of Breslow 1981, Stat Med 29:3046's
 * CM.EL). The log-coefficients are kept relative to the observed a,
 * r_j = log c_j - log c_a, from the ratio c_(j+1)/c_j = (n1 - j)(m - j) /
 * ((j + 1)(n2 - m + j + 1)), so that log P(a) = -log sum_j e^(r_j +
 * theta (j - a)) needs no binomial coefficient and never overflows, and
 * d_j = r_(j+1) - r_j decreases in j. */
int
mk_nchg_init(mk_nchg *h, double n1, double n2, double m, double a)
{
	h->r = h->d = h->ed = NULL;
	if (!(n1 >= 0 && n2 >= 0 && m >= 0 && m <= n1 + n2 && n1 + n2 <
	    4e15))
		return -1;
	h->lo = m > n2 ? m - n2 : 0;
	h->hi = m < n1 ? m : n1;
	h->a = a;
	if (!(a >= h->lo && a <= h->hi))
		return -1;
	size_t n = (size_t)(h->hi - h->lo) + 1;
	h->n = n;
	h->r = malloc(n * sizeof(double));
	h->d = malloc(n * sizeof(double));
	h->ed = malloc(n * sizeof(double));
	if (h->r == NULL || h->d == NULL || h->ed == NULL) {
		mk_nchg_free(h);
		return -1;
	}
	for (size_t i = 0; i + 1 < n; i++) {	/* d_j = log c_(j+1)/c_j */
		double j = h->lo + (double)i;
		h->d[i] = log((n1 - j) / (j + 1)) + log((m - j) / (n2 - m + j +
		    1));
	}
	h->d[n - 1] = -INFINITY;
	for (size_t i = 0; i < n; i++)	/* the ratios c_(j+1)/c_j */
		h->ed[i] = exp(h->d[i]);
	size_t ia = (size_t)(a - h->lo);
	long double acc = 0;
	h->r[ia] = 0;
	for (size_t i = ia; i + 1 < n; i++) {	/* r_j upwards from a */
		acc += h->d[i];
		h->r[i + 1] = (double)acc;
	}
	acc = 0;
	for (size_t i = ia; i > 0; i--) {	/* and downwards */
		acc -= h->d[i - 1];
		h->r[i - 1] = (double)acc;
	}
	return 0;
}

void
mk_nchg_free(mk_nchg *h)
{
	if (h == NULL)
		return;
	free(h->r);
	free(h->d);
	free(h->ed);
	h->r = h->d = h->ed = NULL;
}

/* The index of the largest term at theta: the first j with d_j + theta
 * < 0 (d decreases), by bisection. */
static size_t
peak(const mk_nchg *h, double theta)
{
	size_t lo = 0, hi = h->n - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (h->d[mid] + theta < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* The ratio of term j + 1 to term j at theta, e^(d_j + theta), from the
 * kept e^d_j and e^theta (from the logs where the product would overflow
 * or vanish). */
static double
ratio(const mk_nchg *h, size_t i, double theta, double et)
{
	double f = h->ed[i] * et;

	return isfinite(f) && f > 0 ? f : exp(h->d[i] + theta);
}

/* log P(A = a; theta) with, when asked, E(A) and Var(A) at theta: the sum
 * over j from the largest term outwards, each side until its terms fall
 * MK_NCHG_CUT below the largest; each term is the one before times its
 * ratio, so a term costs a multiplication, not an exponential. */
double
mk_nchg_eval(const mk_nchg *h, double theta, double *mean, double *var)
{
	size_t p = peak(h, theta);
	double tp = h->r[p] + theta * ((h->lo + (double)p) - h->a);
	double et = exp(theta), cut = exp(-MK_NCHG_CUT), e = 1;
	long double s0 = 1, s1 = 0, s2 = 0;

	for (size_t i = p + 1; i < h->n; i++) {	/* above the peak */
		e *= ratio(h, i - 1, theta, et);
		if (e < cut)
			break;
		long double dj = (long double)(i - p);
		s0 += e;
		s1 += e * dj;
		s2 += e * dj * dj;
	}
	e = 1;
	for (size_t i = p; i > 0; i--) {	/* below it */
		e /= ratio(h, i - 1, theta, et);
		if (e < cut)
			break;
		long double dj = -(long double)(p - i + 1);
		s0 += e;
		s1 += e * dj;
		s2 += e * dj * dj;
	}
	if (mean != NULL) {
		long double m1 = s1 / s0;
		*mean = (double)(h->lo + (double)p + m1);
		if (var != NULL) {
			long double v = s2 / s0 - m1 * m1;
			*var = v > 0 ? (double)v : 0;
		}
	}
	return -(tp + (double)logl(s0));
}
