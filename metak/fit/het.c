/* het.c: the Q-profile confidence interval for tau2 (Viechtbauer 2007,
 * Stat Med 26:37) for any design, the root of the generalised Q it and PM
 * need, and the p-value, critical value and chi2 quantile helpers. */
#include <math.h>

#include <gsl/gsl_cdf.h>

#include "internal.h"

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

/* Q(tau2) = target on [lo, hi], where Q(lo) > target > Q(hi). Q is
 * convex and decreasing in tau2 with dQ/dtau2 = -sum w^2 r^2 (the
 * estimate's own change drops out), so Newton's method from lo climbs to
 * the root from below without overshooting; a step that leaves the bracket
 * (rounding) falls back to bisection. Converges when the step is below
 * 1e-13 (tau2 + scale), relative to the data's scale. 0, or -1 after 200
 * steps or when a fit fails. */
int
mk_q_root(const mk_design *d, double target, double lo, double hi,
    double scale, double *root)
{
	mk_wls s;
	double t = lo;

	if (mk_wls_init(&s, d->p) != 0)
		return -1;
	for (int it = 0; it < 200; it++) {
		if (mk_wls_at(d, t, &s, 0) != 0)
			break;
		double f = s.rss - target, step;
		if (f > 0)
			lo = t;
		else
			hi = t;
		step = s.ypp > 0 ? f / s.ypp : (hi - lo) / 2;
		double next = t + step;
		if (!(next > lo && next < hi))
			next = (lo + hi) / 2;
		if (fabs(next - t) <= 1e-13 * (fabs(t) + scale) || f == 0) {
			*root = f == 0 ? t : next;
			mk_wls_free(&s);
			return 0;
		}
		t = next;
	}
	mk_wls_free(&s);
	return -1;
}

struct qp {
	const mk_design *d;
	double target, scale;
};

/* Q-profile: the lower bound solves Q(tau2) = chi2 upper quantile, the
 * upper bound Q(tau2) = chi2 lower quantile (k-p df). Q(tau2) decreases in
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
	return mk_q_root(p->d, p->target, 0, max, p->scale, out);
}

int
mk_tau2_ci(const mk_design *d, double level, double tau2hat, double *lo,
    double *hi, int *capped)
{
	double a = (1 - level / 100) / 2;
	double df = (double)d->k - (double)d->p;
	double max = fmax(100, 10 * tau2hat), qmin, qmax;
	struct qp p = { d, 0, mk_vscale(d) };

	*lo = *hi = NAN;
	*capped = 0;
	if (df < 1)
		return 0;
	qmin = mk_qgen(d, 0);
	qmax = mk_qgen(d, max);
	if (!isfinite(qmin) || !isfinite(qmax))
		return -1;
	p.target = mk_chisq_quantile(a, df, 0);
	if (qmin < p.target) {	/* Q below even the lower quantile */
		*lo = *hi = 0;
		return 0;
	}
	if (bound(&p, max, qmin, qmax, hi, capped) != 0)
		return -1;
	p.target = mk_chisq_quantile(a, df, 1);
	return bound(&p, max, qmin, qmax, lo, capped);
}
