/* qgen.c: the generalised Q of a design as a function of tau2, Q(tau2) =
 * sum (y - X b(tau2))^2 / (v + tau2): its value, its root (for PM), the
 * Q-profile confidence interval for tau2 (Viechtbauer 2007, Stat Med
 * 26:37), the typical within-study variance, the scale convergence is
 * judged against, and metafor's upper end of the tau2 searches. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fit/internal.h"

double
mk_vscale(const mk_design *d)
{
	long double s = 0;

	if (d->sums != NULL)
		return mk_sums_vscale(d->sums);
	for (size_t i = 0; i < d->k; i++)	/* sum 1/v */
		s += 1.0L / d->v[i];
	return s > 0 ? (double)((long double)d->k / s) : 1;
}

double
mk_qgen(const mk_design *d, double tau2)
{
	mk_wls s;
	double q = NAN;

	if (mk_wls_init(&s, d->p) != 0)
		return NAN;
	if (mk_wls_at(d, tau2, &s, 0) == 0)
		q = s.rss;
	mk_wls_free(&s);
	return q;
}

int
mk_q_typical(const mk_design *d, double *q, double *tv)
{
	mk_wls s;
	int rc = -1;

	if (mk_wls_init(&s, d->p) != 0)
		return -1;
	if (mk_wls_at(d, 0, &s, MK_WLS_TRACES) == 0) {
		*q = s.rss;
		*tv = ((double)d->k - (double)d->p) / s.trp;
		rc = 0;
	}
	mk_wls_free(&s);
	return rc;
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

/* The k-th smallest of x[0..n) (0-based), reordering x: Hoare's
 * quickselect, O(n) on average. */
static double
select_kth(double *x, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		double pivot = x[lo + (hi - lo) / 2];
		size_t i = lo, j = hi;
		while (i <= j) {
			while (x[i] < pivot)
				i++;
			while (x[j] > pivot)
				j--;
			if (i <= j) {
				double t = x[i];
				x[i] = x[j];
				x[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break;
	}
	return x[k];
}

/* R's median(): the middle value, or the mean of the two middle ones. */
static double
median(double *x, size_t n)
{
	double m = select_kth(x, n, n / 2);

	if (n % 2)
		return m;
	double lower = x[0];	/* the largest value below position n/2 */
	for (size_t i = 1; i < n / 2; i++)
		if (x[i] > lower)
			lower = x[i];
	return (lower + m) / 2;
}

/* metafor's default upper end of the tau2 search: max(100, 10 mad(y)^2),
 * mad = 1.4826 median |y - median y| (R's mad()). NaN if out of memory. */
double
mk_tau2_search_max(const double *y, size_t k)
{
	double *d, med, mad;

	if (k == 0)
		return 100;
	if ((d = malloc(k * sizeof(double))) == NULL)
		return NAN;
	memcpy(d, y, k * sizeof(double));
	med = median(d, k);
	for (size_t i = 0; i < k; i++)
		d[i] = fabs(y[i] - med);
	mad = 1.4826 * median(d, k);
	free(d);
	return fmax(100, 10 * mad * mad);
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

void
mk_tau2_ci_note(const mk_design *d, const mk_model *m, mk_warn *w)
{
	double t = m->tau2, lo = m->tau2_lo, hi = m->tau2_hi;
	double vmin = INFINITY, vmax = 0;

	if (w == NULL || d->sums != NULL || !isfinite(lo) || !isfinite(hi))
		return;
	int below = t < lo * (1 - 1e-9);
	int above = !m->tau2_capped && t > hi * (1 + 1e-9);
	if (!below && !above)
		return;
	for (size_t i = 0; i < d->k; i++) {	/* the span of v */
		vmin = fmin(vmin, d->v[i]);
		vmax = fmax(vmax, d->v[i]);
	}
	mk_warn_add(w, "tau2 = %.4g (%s) lies %s its %g%% Q-profile interval "
	    "[%.4g, %.4g]%s: the interval inverts the generalised Q statistic "
	    "(whose root is the PM estimate), not the %s estimator, and the two "
	    "disagree on these data (sampling variances from %.3g to %.3g; "
	    "such gaps come with widely spread variances or with effects that "
	    "do not follow the normal random-effects model)", t,
	    mk_method_get(m->method)->name, below ? "below" : "above",
	    m->level, lo, hi, m->tau2_capped ? " (its upper end the search "
	    "limit)" : "", mk_method_get(m->method)->name, vmin, vmax);
}
