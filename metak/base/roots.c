/* roots.c: one-dimensional root finding: Brent's zero finder as R's
 * uniroot, and a bracketing search for functions that decrease through
 * zero on [0, inf); a golden-section search for a maximum. */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#include "base/internal.h"

/* Root of a function decreasing through zero on [0, inf): f(0) > 0 is
 * assumed. Brackets by doubling from start (the data's scale), then
 * Brent to a bracket within tol of the root, or within tol 1e-6 start of
 * it (a root at 0; the absolute part is relative to start, never to 1).
 * 0 or -1 (no convergence). */
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
		status = gsl_root_test_interval(lo, hi, tol * 1e-6 *
		    (start > 0 ? start : 1), tol);
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

double
mk_golden_max(double (*f)(double, void *), void *p, double lo, double hi,
    double tol, double *fx)
{
	const double r = 0.61803398874989484820;
	double a = lo, b = hi;
	double x1 = b - r * (b - a), x2 = a + r * (b - a);
	double f1 = f(x1, p), f2 = f(x2, p);

	for (int it = 0; it < 200 && b - a > tol; it++) {
		if (f1 < f2) {
			a = x1;
			x1 = x2;
			f1 = f2;
			x2 = a + r * (b - a);
			f2 = f(x2, p);
		} else {
			b = x2;
			x2 = x1;
			f2 = f1;
			x1 = b - r * (b - a);
			f1 = f(x1, p);
		}
	}
	*fx = fmax(f1, f2);
	return f1 > f2 ? x1 : x2;
}
