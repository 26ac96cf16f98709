/* tau2.c: the between-study variance estimators (DL, HE, HS, SJ, PM, EB,
 * ML, REML) for the intercept-only random-effects model, each O(k) per
 * evaluation with no k-by-k matrices, plus the generalised Q statistic.
 * Formulas follow metafor's rma.uni (Viechtbauer 2010, J Stat Softw 36:3). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#include "internal.h"

/* Weighted mean of y with weights 1/(v + tau2); sums of w and w^2. */
static long double
wmean(const double *y, const double *v, size_t k, double tau2,
    long double *sw, long double *sw2)
{
	long double a = 0, b = 0, c = 0;

	for (size_t i = 0; i < k; i++) {	/* sum w, sum w y, sum w^2 */
		long double w = 1.0L / ((long double)v[i] + tau2);
		a += w;
		b += w * y[i];
		c += w * w;
	}
	if (sw)
		*sw = a;
	if (sw2)
		*sw2 = c;
	return b / a;
}

double
mk_qgen(const double *y, const double *v, size_t k, double tau2)
{
	long double mu = wmean(y, v, k, tau2, NULL, NULL), q = 0;

	for (size_t i = 0; i < k; i++) {	/* sum w (y - mu)^2 */
		long double d = y[i] - mu;
		q += d * d / ((long double)v[i] + tau2);
	}
	return (double)q;
}

/* Score of the (restricted) log-likelihood in tau2, up to a factor 1/2:
 * ML:   sum w^2 (y - mu)^2 - sum w
 * REML: sum w^2 (y - mu)^2 - sum w + sum w^2 / sum w */
struct lik {
	const double *y, *v;
	size_t k;
	int reml;
	double target;	/* for the Q-type equations */
};

static double
score(double tau2, void *p)
{
	const struct lik *l = p;
	long double sw, sw2, mu = wmean(l->y, l->v, l->k, tau2, &sw, &sw2);
	long double s = 0;

	for (size_t i = 0; i < l->k; i++) {	/* sum w^2 (y - mu)^2 */
		long double w = 1.0L / ((long double)l->v[i] + tau2);
		long double d = l->y[i] - mu;
		s += w * w * d * d;
	}
	s -= sw;
	if (l->reml)
		s += sw2 / sw;
	return (double)s;
}

static double
qdiff(double tau2, void *p)
{
	const struct lik *l = p;

	return mk_qgen(l->y, l->v, l->k, tau2) - l->target;
}

/* Root of a function decreasing through zero on [0, inf): f(0) > 0 is
 * assumed. Brackets by doubling, then Brent. 0 or -1 (no convergence). */
int
mk_root_decreasing(double (*f)(double, void *), void *p, double start,
    int maxiter, double tol, double *root, int *iters)
{
	double lo = 0, hi = start > 0 ? start : 1;
	int it = 0, status;
	gsl_function F = { f, p };
	gsl_root_fsolver *s;

	while (f(hi, p) > 0) {	/* bracket the sign change */
		lo = hi;
		hi *= 4;
		if (++it > maxiter || !isfinite(hi))
			return -1;
	}
	s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
	if (s == NULL)
		return -1;
	if (gsl_root_fsolver_set(s, &F, lo, hi) != GSL_SUCCESS) {
		gsl_root_fsolver_free(s);
		return -1;
	}
	do {
		it++;
		if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS)
			break;
		lo = gsl_root_fsolver_x_lower(s);
		hi = gsl_root_fsolver_x_upper(s);
		status = gsl_root_test_interval(lo, hi, tol * 1e-6, tol);
		if (status == GSL_SUCCESS) {
			*root = gsl_root_fsolver_root(s);
			gsl_root_fsolver_free(s);
			if (iters)
				*iters = it;
			return 0;
		}
	} while (it < maxiter);
	gsl_root_fsolver_free(s);
	return -1;
}

/* Brent's (1973, "Algorithms for Minimization without Derivatives",
 * ch. 4) zero finder on [a, b] with f(a), f(b) of opposite signs: bisection
 * safeguarded inverse quadratic / secant steps, stopping when the bracket
 * is within 2 eps |b| + tol/2. The same procedure as R's uniroot, so that
 * with R's tolerance it lands on the same iterate. 0, or -1 after maxiter. */
int
mk_zeroin(double (*f)(double, void *), void *p, double a, double b,
    double fa, double fb, double tol, int maxiter, double *root, int *iters)
{
	double c = a, fc = fa;

	if (fa == 0 || fb == 0) {
		*root = fa == 0 ? a : b;
		return 0;
	}
	for (int it = 0; it <= maxiter; it++) {
		double prev = b - a, tol1, mid, step;

		if (fabs(fc) < fabs(fb)) {	/* keep b the best guess */
			a = b; b = c; c = a;
			fa = fb; fb = fc; fc = fa;
		}
		tol1 = 2 * DBL_EPSILON * fabs(b) + tol / 2;
		mid = (c - b) / 2;
		if (fabs(mid) <= tol1 || fb == 0) {
			*root = b;
			if (iters)
				*iters = it;
			return 0;
		}
		step = mid;
		if (fabs(prev) >= tol1 && fabs(fa) > fabs(fb)) {
			double pp, q, cb = c - b;
			if (a == c) {	/* secant */
				double t1 = fb / fa;
				pp = cb * t1;
				q = 1 - t1;
			} else {	/* inverse quadratic interpolation */
				double qa = fa / fc, t1 = fb / fc, t2 = fb / fa;
				pp = t2 * (cb * qa * (qa - t1) - (b - a) *
				    (t1 - 1));
				q = (qa - 1) * (t1 - 1) * (t2 - 1);
			}
			if (pp > 0)
				q = -q;
			else
				pp = -pp;
			if (pp < 0.75 * cb * q - fabs(tol1 * q) / 2 &&
			    pp < fabs(prev * q / 2))
				step = pp / q;
		}
		if (fabs(step) < tol1)
			step = step > 0 ? tol1 : -tol1;
		a = b;
		fa = fb;
		b += step;
		fb = f(b, p);
		if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
			c = a;
			fc = fa;
		}
	}
	return -1;
}

static int
cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

static double
median_sorted(const double *x, size_t n)
{
	return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

/* metafor's default upper end of the tau2 search: max(100, 10 mad(y)^2),
 * mad = 1.4826 median |y - median y| (R's mad()). NaN if out of memory. */
double
mk_tau2_search_max(const double *y, size_t k)
{
	double *d = malloc((k ? k : 1) * sizeof(double)), med, mad;

	if (d == NULL)
		return NAN;
	memcpy(d, y, k * sizeof(double));
	qsort(d, k, sizeof(double), cmp_double);
	med = median_sorted(d, k);
	for (size_t i = 0; i < k; i++)
		d[i] = fabs(d[i] - med);
	qsort(d, k, sizeof(double), cmp_double);
	mad = 1.4826 * median_sorted(d, k);
	free(d);
	return fmax(100, 10 * mad * mad);
}

/* Paule-Mandel: the root of Q(tau2) = k - 1 found as metafor finds it, by
 * Brent's method on [0, max(100, 10 mad^2)] with tolerance o->pm_tol
 * (R's default eps^0.25); beyond that end the bracket is widened. */
static int
paule_mandel(struct lik *l, const mk_opts *o, double *t, int *iters)
{
	double hi = mk_tau2_search_max(l->y, l->k), fhi;
	double f0 = qdiff(0, l);

	if (!isfinite(hi))
		return -1;
	while ((fhi = qdiff(hi, l)) > 0) {
		hi *= 4;
		if (!isfinite(hi))
			return -1;
	}
	return mk_zeroin(qdiff, l, 0, hi, f0, fhi, o->pm_tol, o->maxiter, t,
	    iters);
}

int
mk_tau2(mk_method m, const double *y, const double *v, size_t k,
    const mk_opts *o, double *tau2, int *iters, mk_err *err)
{
	long double sw, sw2, ybar = 0, rss = 0, sv = 0;
	double q, t = 0, kk = (double)k;
	struct lik l = { y, v, k, m == MK_REML, kk - 1 };

	*iters = 0;
	if (k < 2) {	/* not estimable: fixed at 0 */
		*tau2 = 0;
		return 0;
	}
	for (size_t i = 0; i < k; i++)	/* unweighted mean and sum of v */
		ybar += y[i], sv += v[i];
	ybar /= kk;
	for (size_t i = 0; i < k; i++)	/* unweighted residual SS */
		rss += (y[i] - ybar) * (y[i] - ybar);
	switch (m) {
	case MK_DL:	/* (Q - (k-1)) / (sum w - sum w^2 / sum w) */
		q = mk_qgen(y, v, k, 0);
		wmean(y, v, k, 0, &sw, &sw2);
		t = (double)((q - (kk - 1)) / (sw - sw2 / sw));
		break;
	case MK_HE:	/* (RSS - (sum v - sum v / k)) / (k - 1) */
		t = (double)((rss - (sv - sv / kk)) / (kk - 1));
		break;
	case MK_HS:	/* (Q - k) / sum w */
		q = mk_qgen(y, v, k, 0);
		wmean(y, v, k, 0, &sw, NULL);
		t = (double)((q - kk) / sw);
		break;
	case MK_SJ: {	/* t0 Q(t0) / (k - 1), t0 = RSS / k */
		double t0 = (double)(rss / kk);
		t = t0 * mk_qgen(y, v, k, t0) / (kk - 1);
		break;
	}
	case MK_PM:
	case MK_EB:	/* Q(tau2) = k - 1 */
		if (mk_qgen(y, v, k, 0) <= kk - 1)
			break;
		if ((m == MK_PM ? paule_mandel(&l, o, &t, iters) :
		    mk_root_decreasing(qdiff, &l, 1, o->maxiter, o->tol, &t,
		    iters)) != 0)
			goto noconv;
		break;
	case MK_ML:
	case MK_REML:	/* score(tau2) = 0 */
		if (score(0, &l) <= 0)
			break;
		if (mk_root_decreasing(score, &l, 1, o->maxiter, o->tol, &t,
		    iters) != 0)
			goto noconv;
		break;
	default:
		t = 0;
	}
	*tau2 = t > 0 ? t : 0;
	return 0;
noconv:
	mk_err_set(err, "", 0, "", "the %s estimate of tau2 did not converge "
	    "in %d iterations (try --method DL, or raise --maxiter)",
	    mk_method_get(m)->name, o->maxiter);
	return -1;
}
