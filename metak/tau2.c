/* tau2.c: the between-study variance estimators (DL, HE, HS, SJ, PM, EB,
 * ML, REML) for the random-effects model with one mean, or one mean per
 * subgroup (a common tau2), each O(k) per evaluation with no k-by-k
 * matrices, plus the generalised Q statistic.
 * Formulas follow metafor's rma.uni (Viechtbauer 2010, J Stat Softw 36:3). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#include "internal.h"

/* Per-group sums at tau2 with w = 1/(v + tau2): sum w, sum w^2 and the
 * weighted means mu. Arrays have d->ng entries (ng = 1 without groups). */
static void
group_means(const mk_redata *d, double tau2, long double *mu,
    long double *sw, long double *sw2, long double *sw3)
{
	memset(mu, 0, d->ng * sizeof(*mu));
	memset(sw, 0, d->ng * sizeof(*sw));
	memset(sw2, 0, d->ng * sizeof(*sw2));
	memset(sw3, 0, d->ng * sizeof(*sw3));
	for (size_t i = 0; i < d->k; i++) {	/* sum w, w y, w^2, w^3 */
		size_t g = d->grp ? d->grp[i] : 0;
		long double w = 1.0L / ((long double)d->v[i] + tau2);
		sw[g] += w;
		mu[g] += w * d->y[i];
		sw2[g] += w * w;
		sw3[g] += w * w * w;
	}
	for (size_t g = 0; g < d->ng; g++)
		mu[g] = sw[g] > 0 ? mu[g] / sw[g] : 0;
}

/* Scratch for group_means: on the stack for up to 64 groups; b0, b1 and
 * var_b1 hold the fitted line of a design with a covariate. */
struct scratch {
	long double *mu, *sw, *sw2, *sw3;
	long double small[4][64];
	long double *heap;
	long double b0, b1, var_b1, trpp, logdet;
};

/* Number of coefficients of the design. */
static size_t
npar(const mk_redata *d)
{
	return d->x != NULL ? 2 : d->ng;
}

/* Weighted least squares of y on (1, x), weights 1/(v + tau2), or unit
 * weights when unit is set. Fills s->b0, s->b1, s->var_b1 = [(X'WX)^-1]_22
 * and returns tr((X'WX)^-1 X'ZX) with Z = W^2 (or V for unit weights),
 * the term that turns tr(W) (or tr(V)) into tr(P) (or tr(PV)). */
static long double
line_fit(const mk_redata *d, struct scratch *s, double tau2, int unit)
{
	long double S0 = 0, S1 = 0, S2 = 0, T0 = 0, T1 = 0, Z0 = 0, Z1 = 0;
	long double Z2 = 0, C0 = 0, C1 = 0, C2 = 0, Q0 = 0, det;

	for (size_t i = 0; i < d->k; i++) {	/* X'WX, X'Wy, X'ZX, X'W^3X */
		long double w = unit ? 1 : 1.0L / ((long double)d->v[i] + tau2);
		long double z = unit ? d->v[i] : w * w, x = d->x[i];
		S0 += w;
		S1 += w * x;
		S2 += w * x * x;
		T0 += w * d->y[i];
		T1 += w * x * d->y[i];
		Z0 += z;
		Z1 += z * x;
		Z2 += z * x * x;
		C0 += w * w * w;
		C1 += w * w * w * x;
		C2 += w * w * w * x * x;
		Q0 += w * w;
	}
	det = S0 * S2 - S1 * S1;
	if (!(det > 1e-14L * S0 * S2)) {	/* x constant: no slope */
		s->b0 = s->b1 = s->var_b1 = NAN;
		s->trpp = s->logdet = NAN;
		return NAN;
	}
	s->b1 = (S0 * T1 - S1 * T0) / det;
	s->b0 = (T0 - s->b1 * S1) / S0;
	s->var_b1 = S0 / det;
	s->logdet = logl(det);
	/* tr(PP) = tr(W^2) - 2 tr(A X'W^3X) + tr((A X'W^2X)^2), A = (X'WX)^-1 */
	long double a00 = S2 / det, a01 = -S1 / det, a11 = S0 / det;
	long double m00 = a00 * Z0 + a01 * Z1, m01 = a00 * Z1 + a01 * Z2;
	long double m10 = a01 * Z0 + a11 * Z1, m11 = a01 * Z1 + a11 * Z2;
	s->trpp = Q0 - 2 * (a00 * C0 + 2 * a01 * C1 + a11 * C2) +
	    (m00 * m00 + 2 * m01 * m10 + m11 * m11);
	return (S2 * Z0 - 2 * S1 * Z1 + S0 * Z2) / det;
}

/* Fitted value of study i after group_means or line_fit. */
static long double
fitted(const mk_redata *d, const struct scratch *s, size_t i)
{
	if (d->x != NULL)
		return s->b0 + s->b1 * d->x[i];
	return s->mu[d->grp ? d->grp[i] : 0];
}

static int
scratch_init(struct scratch *s, size_t ng)
{
	s->heap = NULL;
	if (ng <= 64) {
		s->mu = s->small[0];
		s->sw = s->small[1];
		s->sw2 = s->small[2];
		s->sw3 = s->small[3];
		return 0;
	}
	s->heap = malloc(4 * ng * sizeof(long double));
	if (s->heap == NULL)
		return -1;
	s->mu = s->heap;
	s->sw = s->heap + ng;
	s->sw2 = s->heap + 2 * ng;
	s->sw3 = s->heap + 3 * ng;
	return 0;
}

/* The statistics of one tau2: RSS = sum w (y - mu_g)^2 (the generalised
 * Q), yPPy = sum w^2 (y - mu_g)^2, sum w and trP = sum w - sum_g
 * (sum_g w^2)/(sum_g w), the trace of P = W - WX(X'WX)^-1 X'W. */
struct stats {
	long double rss, ypp, sw, trp;
	long double sw2, trpp;	/* sum w^2 and tr(PP), for Fisher scoring */
	long double logdet;	/* log det X'WX, for the REML likelihood */
};

/* stats_at for one mean and no covariate, the common case, in two passes
 * with no per-group bookkeeping. */
static void
stats_one(const mk_redata *d, struct scratch *s, double tau2,
    struct stats *st)
{
	long double S = 0, Sy = 0, S2 = 0, S3 = 0, mu;

	/* w in double (an SSE division), sums in long double */
	for (size_t i = 0; i < d->k; i++) {	/* sum w, w y, w^2, w^3 */
		double w = 1.0 / (d->v[i] + tau2), w2 = w * w;
		S += w;
		Sy += w * d->y[i];
		S2 += w2;
		S3 += w2 * w;
	}
	mu = Sy / S;
	double m = (double)mu;
	for (size_t i = 0; i < d->k; i++) {	/* sum w r^2, sum w^2 r^2 */
		double w = 1.0 / (d->v[i] + tau2), r = d->y[i] - m;
		double wr2 = w * r * r;
		st->rss += wr2;
		st->ypp += w * wr2;
	}
	s->mu[0] = mu;
	st->sw = S;
	st->sw2 = S2;
	st->trp = S - S2 / S;
	st->trpp = S2 - 2 * S3 / S + S2 * S2 / (S * S);
	st->logdet = S > 0 ? logl(S) : 0;
}

static void
stats_at(const mk_redata *d, struct scratch *s, double tau2,
    struct stats *st)
{
	long double adj = 0;

	memset(st, 0, sizeof(*st));
	if (d->grp == NULL && d->x == NULL) {
		stats_one(d, s, tau2, st);
		return;
	}
	if (d->x != NULL)
		adj = line_fit(d, s, tau2, 0);
	else
		group_means(d, tau2, s->mu, s->sw, s->sw2, s->sw3);
	for (size_t i = 0; i < d->k; i++) {	/* sum w r^2, sum w^2 r^2 */
		long double w = 1.0L / ((long double)d->v[i] + tau2);
		long double r = d->y[i] - fitted(d, s, i);
		st->rss += w * r * r;
		st->ypp += w * w * r * r;
		st->sw += w;
		st->sw2 += w * w;
	}
	if (d->x != NULL) {
		st->trp = st->sw - adj;
		st->trpp = s->trpp;
		st->logdet = s->logdet;
		return;
	}
	for (size_t g = 0; g < d->ng; g++) {	/* P is block diagonal */
		long double S = s->sw[g];
		if (S <= 0)
			continue;
		st->trp += S - s->sw2[g] / S;
		st->trpp += s->sw2[g] - 2 * s->sw3[g] / S +
		    s->sw2[g] * s->sw2[g] / (S * S);
		st->logdet += logl(S);
	}
}

int
mk_reg_line(const mk_redata *d, double tau2, double *b0, double *b1,
    double *var_b1, double *rss)
{
	struct scratch s;
	struct stats st;

	if (d->x == NULL || scratch_init(&s, 1) != 0)
		return -1;
	stats_at(d, &s, tau2, &st);
	if (!isfinite((double)s.b1)) {
		free(s.heap);
		return -1;
	}
	*b0 = (double)s.b0;
	*b1 = (double)s.b1;
	*var_b1 = (double)s.var_b1;
	*rss = (double)st.rss;
	free(s.heap);
	return 0;
}

double
mk_qgen(const mk_redata *d, double tau2)
{
	struct scratch s;
	struct stats st;

	if (scratch_init(&s, d->ng) != 0)
		return NAN;
	stats_at(d, &s, tau2, &st);
	free(s.heap);
	return (double)st.rss;
}

/* Q(tau2) = target on [lo, hi], where Q(lo) > target > Q(hi). Q is
 * convex and decreasing in tau2 with dQ/dtau2 = -sum w^2 r^2 (the
 * estimate's own change drops out), so Newton's method from lo climbs to
 * the root from below without overshooting; a step that leaves the bracket
 * (rounding) falls back to bisection. Converges when the step is below
 * 1e-13 (1 + tau2). 0, or -1 after 200 steps. */
int
mk_q_root(const mk_redata *d, double target, double lo, double hi,
    double *root)
{
	struct scratch s;
	struct stats st;
	double t = lo;

	if (scratch_init(&s, d->ng) != 0)
		return -1;
	for (int it = 0; it < 200; it++) {
		stats_at(d, &s, t, &st);
		double f = (double)st.rss - target, step;
		if (f > 0)
			lo = t;
		else
			hi = t;
		step = st.ypp > 0 ? f / (double)st.ypp : (hi - lo) / 2;
		double next = t + step;
		if (!(next > lo && next < hi))
			next = (lo + hi) / 2;
		if (fabs(next - t) <= 1e-13 * (1 + fabs(t)) || f == 0) {
			*root = f == 0 ? t : next;
			free(s.heap);
			return 0;
		}
		t = next;
	}
	free(s.heap);
	return -1;
}

int
mk_q_typical(const mk_redata *d, double *q, double *tv)
{
	struct scratch s;
	struct stats st;

	if (scratch_init(&s, d->ng) != 0)
		return -1;
	stats_at(d, &s, 0, &st);
	free(s.heap);
	*q = (double)st.rss;
	*tv = (double)(((long double)d->k - npar(d)) / st.trp);
	return 0;
}

double
mk_typical_v(const mk_redata *d)
{
	struct scratch s;
	struct stats st;

	if (scratch_init(&s, d->ng) != 0)
		return NAN;
	stats_at(d, &s, 0, &st);
	free(s.heap);
	return (double)(((long double)d->k - npar(d)) / st.trp);
}

/* Estimating equations in tau2, each decreasing through its root:
 * ML:   yPPy - sum w          REML: yPPy - trP
 * PM/EB: RSS - target (k - p) */
struct lik {
	const mk_redata *d;
	struct scratch *s;
	mk_method m;
	double target;
};

static double
equation(double tau2, void *p)
{
	const struct lik *l = p;
	struct stats st;

	stats_at(l->d, l->s, tau2, &st);
	switch (l->m) {
	case MK_ML:
		return (double)(st.ypp - st.sw);
	case MK_REML:
		return (double)(st.ypp - st.trp);
	default:
		return (double)(st.rss - l->target);
	}
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
	double *d = malloc((k ? k : 1) * sizeof(double)), med, mad;

	if (d == NULL)
		return NAN;
	memcpy(d, y, k * sizeof(double));
	med = median(d, k);
	for (size_t i = 0; i < k; i++)
		d[i] = fabs(y[i] - med);
	mad = 1.4826 * median(d, k);
	free(d);
	return fmax(100, 10 * mad * mad);
}

/* Paule-Mandel: the root of Q(tau2) = k - p found as metafor finds it, by
 * Brent's method on [0, max(100, 10 mad^2)] with tolerance o->pm_tol
 * (R's default eps^0.25); beyond that end the bracket is widened. */
static int
paule_mandel(struct lik *l, const mk_opts *o, double *t, int *iters)
{
	double hi = mk_tau2_search_max(l->d->y, l->d->k), fhi;
	double f0 = equation(0, l);

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
ll_drop(const mk_redata *d, struct scratch *s, double tau2, int reml)
{
	struct stats a, b;
	long double slog = 0;

	stats_at(d, s, 0, &a);
	stats_at(d, s, tau2, &b);
	for (size_t i = 0; i < d->k; i++)	/* sum log((v + tau2) / v) */
		slog += log1p(tau2 / d->v[i]);
	return (double)((slog + b.rss - a.rss + (reml ? b.logdet - a.logdet :
	    0)) / 2);
}

/* Fisher scoring as metafor's rma.uni does it for ML, REML and EB: from
 * tau2 = max(0, t0), step adj = (yPPy - trP)/trPP (REML), (yPPy - sum w)/
 * sum w^2 (ML) or (RSS k/(k-p) - k)/sum w (EB), halved while tau2 + adj
 * < 0, until |change| <= threshold. For ML/REML a result whose likelihood
 * is below that of tau2 = 0 by more than 2^-13 becomes 0 (metafor's
 * ll0check). 0, or -1 when maxiter is exceeded. */
static int
fisher_scoring(const mk_redata *d, struct scratch *s, mk_method m,
    double t0, double threshold, int maxiter, double *out, int *iters)
{
	double tau2 = t0 > 0 ? t0 : 0, change = threshold + 1;
	double kk = (double)d->k, p = (double)npar(d);
	int it = 0;

	while (change > threshold) {
		struct stats st;
		long double adj;
		if (++it > maxiter)
			return -1;
		stats_at(d, s, tau2, &st);
		if (m == MK_REML)
			adj = (st.ypp - st.trp) / st.trpp;
		else if (m == MK_ML)
			adj = (st.ypp - st.sw) / st.sw2;
		else
			adj = (st.rss * kk / (kk - p) - kk) / st.sw;
		if (!isfinite((double)adj))
			adj = 0;
		if (tau2 <= 0 && adj < 0)
			adj = 0;	/* halving never gets there: stay at 0 */
		while (tau2 + adj < 0)
			adj /= 2;
		double old = tau2;
		tau2 = (double)(tau2 + adj);
		change = fabs(old - tau2);
	}
	if ((m == MK_REML || m == MK_ML) && tau2 > threshold &&
	    ll_drop(d, s, tau2, m == MK_REML) > 1.220703125e-4)
		tau2 = 0;
	*out = tau2;
	*iters = it;
	return 0;
}

/* Hedges' estimator: (RSS_ols - tr(P_ols V)) / (k - p), with unweighted
 * group means: tr(P_ols V) = sum v - sum_g (sum_g v) / n_g. */
static double
hedges(const mk_redata *d, struct scratch *s)
{
	long double rss = 0, trpv = 0;

	if (d->x != NULL) {	/* OLS line: tr(PV) = sum v - tr((X'X)^-1 X'VX) */
		long double adj = line_fit(d, s, 0, 1);
		for (size_t i = 0; i < d->k; i++) {
			long double r = d->y[i] - fitted(d, s, i);
			rss += r * r;
			trpv += d->v[i];
		}
		return (double)((rss - (trpv - adj)) / ((long double)d->k - 2));
	}

	memset(s->mu, 0, d->ng * sizeof(long double));
	memset(s->sw, 0, d->ng * sizeof(long double));
	memset(s->sw2, 0, d->ng * sizeof(long double));
	for (size_t i = 0; i < d->k; i++) {	/* n_g, sum y, sum v by group */
		size_t g = d->grp ? d->grp[i] : 0;
		s->sw[g] += 1;
		s->mu[g] += d->y[i];
		s->sw2[g] += d->v[i];
		trpv += d->v[i];
	}
	for (size_t g = 0; g < d->ng; g++) {
		if (s->sw[g] > 0) {
			s->mu[g] /= s->sw[g];
			trpv -= s->sw2[g] / s->sw[g];
		}
	}
	for (size_t i = 0; i < d->k; i++) {	/* unweighted residual SS */
		long double r = d->y[i] - s->mu[d->grp ? d->grp[i] : 0];
		rss += r * r;
	}
	return (double)((rss - trpv) / ((long double)d->k - d->ng));
}

int
mk_tau2(mk_method m, const mk_redata *d, const mk_opts *o, double *tau2,
    int *iters, mk_err *err)
{
	struct scratch s;
	struct stats st;
	double t = 0, kk = (double)d->k, dfr = (double)d->k - (double)npar(d);
	struct lik l = { d, &s, m, dfr };
	int rc = 0;

	*iters = 0;
	*tau2 = 0;
	if (d->k <= npar(d))	/* no residual df: not estimable, fixed at 0 */
		return 0;
	if (scratch_init(&s, d->ng) != 0) {
		mk_err_set(err, "", 0, "", "out of memory");
		return -1;
	}
	switch (m) {
	case MK_DL:	/* (Q - (k-p)) / trP, all at tau2 = 0 */
		stats_at(d, &s, 0, &st);
		t = (double)((st.rss - dfr) / st.trp);
		break;
	case MK_HE:
		t = hedges(d, &s);
		break;
	case MK_HS:	/* (Q - k) / sum w */
		stats_at(d, &s, 0, &st);
		t = (double)((st.rss - kk) / st.sw);
		break;
	case MK_SJ: {	/* t0 Q(t0) / (k - p), t0 = var(y) (k-1)/k of raw y */
		long double ybar = 0, ss = 0;
		for (size_t i = 0; i < d->k; i++)
			ybar += d->y[i];
		ybar /= kk;
		for (size_t i = 0; i < d->k; i++)
			ss += (d->y[i] - ybar) * (d->y[i] - ybar);
		double t0 = (double)(ss / kk);
		stats_at(d, &s, t0, &st);
		t = t0 * (double)st.rss / dfr;
		break;
	}
	case MK_PM:
		if (equation(0, &l) > 0)
			rc = paule_mandel(&l, o, &t, iters);
		break;
	case MK_EB:
	case MK_ML:
	case MK_REML:
		/* metafor's path; if it fails, the bracketed root */
		rc = fisher_scoring(d, &s, m, isnan(o->tau2_init) ?
		    hedges(d, &s) : o->tau2_init, o->tol, o->maxiter, &t,
		    iters);
		if (rc != 0 && equation(0, &l) > 0)
			rc = mk_root_decreasing(equation, &l, 1, o->maxiter,
			    o->tol, &t, iters);
		else if (rc != 0)
			rc = 0, t = 0;
		break;
	default:
		t = 0;
	}
	free(s.heap);
	if (rc != 0) {
		mk_err_set(err, "", 0, "", "the %s estimate of tau2 did not "
		    "converge in %d iterations (try --method DL, or raise "
		    "--maxiter)", mk_method_get(m)->name, o->maxiter);
		return -1;
	}
	*tau2 = t > 0 ? t : 0;
	return 0;
}
