/* tau2.c: the between-study variance estimators of the mixed-effects model
 * y = X b + u + e (DL, HE, HS, SJ, PM, EB, ML, REML), for any design: one
 * mean, a mean per subgroup, or a meta-regression. Each evaluation is a
 * weighted least squares fit (wls.c), O(k p^2). Formulas follow metafor's
 * rma.uni (Viechtbauer 2005, J Educ Behav Stat 30:261; 2010, J Stat Softw
 * 36:3). Convergence is judged relative to the scale of the data (the
 * harmonic mean of v), so rescaling y by c and v by c^2 rescales tau2 by
 * c^2 and leaves every test statistic as it was. */
#include <math.h>
#include <stdlib.h>

#include "fit/internal.h"

/* Estimating equations in tau2, each decreasing through its root:
 * ML:   yPPy - sum w          REML: yPPy - trP
 * PM/EB: RSS - target (k - p) */
struct lik {
	const mk_design *d;
	mk_wls *s;
	mk_method m;
	double target;
	int failed;
};

static double
equation(double tau2, void *p)
{
	struct lik *l = p;

	if (mk_wls_at(l->d, tau2, l->s, l->m == MK_REML ? MK_WLS_TRACES :
	    0) != 0) {
		l->failed = 1;
		return NAN;
	}
	switch (l->m) {
	case MK_ML:
		return l->s->ypp - l->s->sw;
	case MK_REML:
		return l->s->ypp - l->s->trp;
	default:
		return l->s->rss - l->target;
	}
}

/* Paule & Mandel (1982): the root of Q(tau2) = k - p. By default the
 * root itself (Newton from 0, or from a warm start o->tau2_init when Q is
 * above the target there, mk_q_root); with o->pm_tol > 0, as metafor
 * finds it: Brent's method on [0, max(100, 10 mad^2)] to that absolute
 * tolerance (beyond that end the bracket is widened). */
static int
paule_mandel(struct lik *l, const mk_opts *o, double vscale, double *t,
    int *iters)
{
	double hi, fhi, f0 = equation(0, l);

	if (l->failed)
		return -1;
	if (!(o->pm_tol > 0)) {
		double lo = 0, w = o->tau2_init;
		hi = vscale;
		if (w > 0 && isfinite(w)) {	/* a warm start (refits) */
			if (equation(w, l) > 0) {
				lo = w;		/* above: try just above */
				hi = w * (1 + 1.0 / 1024);
			} else {		/* below: try just below */
				hi = w;
				w *= 1 - 1.0 / 1024;
				if (equation(w, l) > 0)
					lo = w;
			}
		}
		if (hi <= lo)
			hi = 2 * lo;
		while (equation(hi, l) > 0 && isfinite(hi))
			hi *= 4;
		if (!isfinite(hi) || l->failed)
			return -1;
		return mk_q_root(l->d, l->target, lo, hi, vscale, t);
	}
	hi = mk_tau2_search_max(l->d->y, l->d->k);	/* (rows, not sums) */
	if (!isfinite(hi))
		return -1;
	while ((fhi = equation(hi, l)) > 0) {
		hi *= 4;
		if (!isfinite(hi))
			return -1;
	}
	return mk_zeroin(equation, l, 0, hi, f0, fhi, o->pm_tol, o->maxiter, t,
	    iters);
}

/* How much the (restricted) log-likelihood at tau2 = 0 exceeds that at
 * tau2: 1/2 [sum log1p(tau2/v) + RSS(tau2) - RSS(0) + logdet(tau2) -
 * logdet(0)] (logdet terms for REML only); for metafor's check that tau2 =
 * 0 is not better. */
static double
ll_drop(const mk_design *d, mk_wls *s, double tau2, int reml)
{
	long double slog = 0;
	double rss0, ld0;

	if (mk_wls_at(d, 0, s, 0) != 0)
		return NAN;
	rss0 = s->rss;
	ld0 = s->logdet;
	if (mk_wls_at(d, tau2, s, 0) != 0)
		return NAN;
	if (d->sums != NULL)
		slog = mk_sums_log(d->sums, tau2) - mk_sums_log(d->sums, 0);
	else
		for (size_t i = 0; i < d->k; i++)	/* sum log((v + tau2)/v) */
			slog += log1p(tau2 / d->v[i]);
	return (double)((slog + s->rss - rss0 + (reml ? s->logdet - ld0 :
	    0)) / 2);
}

/* Fisher scoring as metafor's rma.uni does it for ML, REML and EB: from
 * tau2 = max(0, t0), step adj = (yPPy - trP)/trPP (REML), (yPPy - sum w)/
 * sum w^2 (ML) or (RSS k/(k-p) - k)/sum w (EB), halved while tau2 + adj
 * < 0, until |change| <= threshold; when the last step had to be halved,
 * the root lies below 0 and tau2 is 0 (metafor stops near 0, within its
 * threshold, as metak does when emulating it with o->tol_abs). Unless
 * emulating metafor, it stops too where the steps, below 10^6 times the
 * threshold, stop shrinking: the rounding of the estimating equation (an
 * ill-conditioned design, a year beside the intercept) is reached, and
 * tau2 is as precise as the data allow. For ML/REML a result whose likelihood
 * is below that of tau2 = 0 by more than 2^-13 becomes 0 (metafor's
 * ll0check). 0, or -1 when maxiter is exceeded or a fit fails. */
static int
fisher_scoring(const mk_design *d, mk_wls *s, mk_method m, double t0,
    double threshold, int snap, int maxiter, double *out, int *iters)
{
	double tau2 = t0 > 0 ? t0 : 0, change, prev = INFINITY;
	double kk = (double)d->k, p = (double)d->p;
	int it = 0, clipped = 0;

	do {	/* (a step is always taken: the threshold may be huge) */
		long double adj;
		if (++it > maxiter || mk_wls_at(d, tau2, s, m == MK_REML ?
		    MK_WLS_TRACES : 0) != 0)
			return -1;
		if (m == MK_REML)
			adj = (s->ypp - s->trp) / s->trpp;
		else if (m == MK_ML)
			adj = (s->ypp - s->sw) / s->sw2;
		else
			adj = (s->rss * kk / (kk - p) - kk) / s->sw;
		if (!isfinite((double)adj))
			return -1;	/* never a converged step */
		if (tau2 <= 0 && adj < 0)
			adj = 0;	/* halving never gets there: stay at 0 */
		clipped = tau2 + adj < 0;
		while (tau2 + adj < 0)
			adj /= 2;
		double old = tau2;
		tau2 = (double)(tau2 + adj);
		change = fabs(old - tau2);
		/* at the rounding of the estimating equation (an ill-
		 * conditioned design): the steps no longer shrink */
		if (snap && change > threshold && change <= 1e6 * threshold &&
		    change >= prev)
			break;
		prev = change;
	} while (change > threshold);
	if (clipped && snap)	/* the root is negative: at the bound */
		tau2 = 0;
	if ((m == MK_REML || m == MK_ML) && tau2 > threshold &&
	    ll_drop(d, s, tau2, m == MK_REML) > 1.220703125e-4)
		tau2 = 0;
	*out = tau2;
	*iters = it;
	return 0;
}

/* Hedges' estimator: (RSS_ols - tr(P_ols V)) / (k - p), with P_ols the
 * residual projection of the unweighted fit. */
static double
hedges(const mk_design *d, mk_wls *s)
{
	if (mk_wls_ols(d, s) != 0)
		return NAN;
	return (s->rss - s->trp) / ((double)d->k - (double)d->p);
}

/* Sidik & Jonkman (2005): t0 = var(y) (k-1)/k of the raw y, then
 * t0 Q(t0) / (k - p) with Q the generalised Q at t0. */
static double
sidik_jonkman(const mk_design *d, mk_wls *s)
{
	long double ybar = 0, ss = 0;
	double kk = (double)d->k;

	if (d->sums != NULL) {	/* one mean: its unweighted fit's RSS */
		if (mk_sums_ols(d->sums, s) != 0)
			return NAN;
		ss = s->rss;
	} else {
		for (size_t i = 0; i < d->k; i++)	/* mean of y */
			ybar += d->y[i];
		ybar /= kk;
		for (size_t i = 0; i < d->k; i++)	/* squares about it */
			ss += (d->y[i] - ybar) * (d->y[i] - ybar);
	}
	double t0 = (double)(ss / kk);
	if (mk_wls_at(d, t0, s, 0) != 0)
		return NAN;
	return t0 * s->rss / (kk - (double)d->p);
}

int
mk_tau2(mk_method m, const mk_design *d, const mk_opts *o, double *tau2,
    int *iters, mk_err *err)
{
	mk_wls s;
	double t = 0, kk = (double)d->k, dfr = (double)d->k - (double)d->p;
	double vscale = mk_vscale(d);
	double threshold = o->tol_abs ? o->tol : o->tol * vscale;
	struct lik l = { d, &s, m, dfr, 0 };
	int rc = 0;

	*iters = 0;
	*tau2 = 0;
	if (d->k <= d->p)	/* no residual df: not estimable, fixed at 0 */
		return 0;
	if (mk_wls_init(&s, d->p) != 0) {
		mk_err_set(err, "", 0, "", "out of memory");
		return -1;
	}
	switch (m) {
	case MK_DL:	/* (Q - (k-p)) / trP, all at tau2 = 0 */
		if (mk_wls_at(d, 0, &s, MK_WLS_TRACES) != 0)
			rc = -1;
		t = (s.rss - dfr) / s.trp;
		break;
	case MK_HE:
		t = hedges(d, &s);
		break;
	case MK_HS:	/* (Q - k) / sum w */
		if (mk_wls_at(d, 0, &s, 0) != 0)
			rc = -1;
		t = (s.rss - kk) / s.sw;
		break;
	case MK_SJ:
		t = sidik_jonkman(d, &s);
		break;
	case MK_PM:
		if (equation(0, &l) > 0)
			rc = paule_mandel(&l, o, vscale, &t, iters);
		break;
	case MK_EB:
	case MK_ML:
	case MK_REML: {
		/* metafor's path, from Hedges' estimate; if it fails, the
		 * bracketed root */
		double t0 = isnan(o->tau2_init) ? hedges(d, &s) :
		    o->tau2_init;
		rc = fisher_scoring(d, &s, m, isfinite(t0) ? t0 : 0, threshold,
		    !o->tol_abs, o->maxiter, &t, iters);
		if (rc != 0 && equation(0, &l) > 0 && !l.failed)
			rc = mk_root_decreasing(equation, &l, vscale,
			    o->maxiter, o->tol_abs ? o->tol : 1e-12, &t, iters);
		else if (rc != 0 && !l.failed)
			rc = 0, t = 0;
		break;
	}
	default:
		t = 0;
	}
	mk_wls_free(&s);
	if (rc != 0 || l.failed || !isfinite(t)) {
		if (l.failed || !isfinite(t))
			mk_err_set(err, "", 0, "", "the %s estimate of tau2 "
			    "cannot be computed: the moderators are collinear "
			    "or the variances out of range",
			    mk_method_get(m)->name);
		else
			mk_err_set(err, "", 0, "", "the %s estimate of tau2 "
			    "did not converge in %d iterations (try --method "
			    "DL, or raise --maxiter)", mk_method_get(m)->name,
			    o->maxiter);
		return -1;
	}
	*tau2 = t > 0 ? t : 0;
	return 0;
}
