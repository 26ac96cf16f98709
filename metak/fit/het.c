/* het.c: the Q-profile confidence interval for tau2 (Viechtbauer 2007,
 * Stat Med 26:37) for any design, from the generalised Q and its root
 * (qgen.c). */
#include <math.h>

#include "fit/internal.h"

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
