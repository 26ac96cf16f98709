/* dist.c: the distributions every layer reports tests with: two-sided
 * p-values and critical values of z and t, and chi2 quantiles that stay
 * accurate for very large df. */
#include <math.h>

#include <gsl/gsl_cdf.h>

#include "base/internal.h"

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

struct chq {
	double df, tail;
	int upper;
};

static double
chisq_tail_diff(double x, void *p)
{
	const struct chq *c = p;

	return (c->upper ? gsl_cdf_chisq_Q(x, c->df) :
	    -gsl_cdf_chisq_P(x, c->df)) - (c->upper ? c->tail : -c->tail);
}

/* The chi2 quantile with the given upper (or lower) tail probability.
 * GSL's own inverse fails for very large df (NaN or far off at 1e6), so
 * the CDF, which stays accurate, is solved by Brent's method from a
 * Wilson-Hilferty start. Both tail functions decrease in x. */
double
mk_chisq_quantile(double tail, double df, int upper)
{
	if (df <= 1000)	/* GSL's inverse is exact here, and cheap */
		return upper ? gsl_cdf_chisq_Qinv(tail, df) :
		    gsl_cdf_chisq_Pinv(tail, df);

	struct chq c = { df, tail, upper };
	double z = gsl_cdf_ugaussian_Qinv(upper ? tail : 1 - tail);
	double h = 2 / (9 * df), x0 = df * pow(1 - h + z * sqrt(h), 3);
	double lo = x0 > 0 ? x0 / 2 : 0, hi = x0 > 0 ? 2 * x0 + 1 : df + 10;
	double r;

	while (lo > 0 && chisq_tail_diff(lo, &c) < 0)
		lo /= 4;
	while (chisq_tail_diff(hi, &c) > 0)
		hi *= 4;
	if (mk_zeroin(chisq_tail_diff, &c, lo, hi, chisq_tail_diff(lo, &c),
	    chisq_tail_diff(hi, &c), 1e-15 * hi, 500, &r, NULL) != 0)
		return NAN;
	return r;
}
