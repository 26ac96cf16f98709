/* het.c: heterogeneity statistics: I2 and H2 (metafor's definitions), the
 * Q-profile confidence interval for tau2 (Viechtbauer 2007, Stat Med
 * 26:37) and the I2 bounds derived from it, and small p-value helpers. */
#include <math.h>

#include <gsl/gsl_cdf.h>

#include "internal.h"

double
mk_typical_v(const double *v, size_t k)
{
	long double sw = 0, sw2 = 0;

	for (size_t i = 0; i < k; i++) {	/* sum w, sum w^2 */
		long double w = 1.0L / v[i];
		sw += w;
		sw2 += w * w;
	}
	return (double)(((long double)k - 1) * sw / (sw * sw - sw2));
}

double
mk_pvalue(double stat, double df)
{
	if (!isfinite(stat))
		return NAN;
	if (df > 0)
		return 2 * gsl_cdf_tdist_Q(fabs(stat), df);
	return 2 * gsl_cdf_ugaussian_Q(fabs(stat));
}

double
mk_crit(double level, double df)
{
	double a = (1 - level / 100) / 2;

	return df > 0 ? gsl_cdf_tdist_Qinv(a, df) : gsl_cdf_ugaussian_Qinv(a);
}

struct qp {
	const double *y, *v;
	size_t k;
	double target;
};

static double
qminus(double tau2, void *p)
{
	const struct qp *q = p;

	return mk_qgen(q->y, q->v, q->k, tau2) - q->target;
}

/* Q-profile: the lower bound solves Q(tau2) = chi2 upper quantile, the
 * upper bound Q(tau2) = chi2 lower quantile (k-1 df). Q(tau2) decreases in
 * tau2, so a bound is the search interval's lower end when Q there is
 * already below its quantile, and its upper end when Q there is still
 * above it (both as metafor's confint.rma.uni). */
static int
bound(struct qp *p, double max, double qmin, double qmax, double *out,
    int *capped)
{
	if (qmin < p->target) {
		*out = 0;
		return 0;
	}
	if (qmax > p->target) {
		*out = max;
		*capped = 1;
		return 0;
	}
	return mk_zeroin(qminus, p, 0, max, qmin - p->target,
	    qmax - p->target, 1e-12, 2000, out, NULL);
}

int
mk_tau2_ci(const double *y, const double *v, size_t k, double level,
    double tau2hat, double *lo, double *hi, int *capped)
{
	double a = (1 - level / 100) / 2, df = (double)k - 1;
	double max = fmax(100, 10 * tau2hat), qmin, qmax;
	struct qp p = { y, v, k, 0 };

	*lo = *hi = NAN;
	*capped = 0;
	if (k < 2)
		return 0;
	qmin = mk_qgen(y, v, k, 0);
	qmax = mk_qgen(y, v, k, max);
	p.target = gsl_cdf_chisq_Pinv(a, df);
	if (qmin < p.target) {	/* Q below even the lower quantile */
		*lo = *hi = 0;
		return 0;
	}
	if (bound(&p, max, qmin, qmax, hi, capped) != 0)
		return -1;
	p.target = gsl_cdf_chisq_Qinv(a, df);
	return bound(&p, max, qmin, qmax, lo, capped);
}
